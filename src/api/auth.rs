//! Who is calling: `Authorization: Bearer <token>`, a Rounds token hashed and looked up or the
//! identity provider's JWT checked ([`super::oidc`]), and the rules of what each role may see.

use super::error::ApiError;
use super::scope::Scope;
use super::AppState;
use crate::domain::Dataset;
use crate::store::{hash_token, Role, User};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller(pub User);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION);
        let token = header
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        // Rounds' own tokens are hex after a prefix; a JWT is three dot-separated parts.
        if token.contains('.') {
            let oidc = state.options().oidc.as_ref().ok_or(ApiError::Unauthorized)?;
            return oidc.user(token, state.now()).map(Caller).map_err(|refused| {
                tracing::info!(%refused, "identity provider token refused");
                ApiError::Unauthorized
            });
        }
        let user = state.bearer(&hash_token(token)).await?;
        user.map(Caller).ok_or(ApiError::Unauthorized)
    }
}

impl Caller {
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("role {} may not do this", self.0.role.code())))
        }
    }

    /// Refuses unless the caller may plan and read rotas of `scope`: administrators anything,
    /// officers and practice managers their pod, or their locality and its pods.
    pub fn may_plan(&self, scope: &Scope, dataset: &Dataset) -> Result<(), ApiError> {
        let user = &self.0;
        let allowed = match user.role {
            Role::Admin => true,
            Role::Officer | Role::PracticeManager => match scope {
                Scope::All => false,
                Scope::Pod(pod) => {
                    user.pod.as_deref() == Some(pod.as_str())
                        || dataset
                            .pod(pod)
                            .is_some_and(|p| user.locality.as_deref() == Some(p.locality.as_str()))
                }
                Scope::Locality(locality) => user.locality.as_deref() == Some(locality.as_str()),
            },
            Role::SocialWorker | Role::FleetManager => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("{} may not plan {scope}", user.id)))
        }
    }

    /// The widest scope the caller may read (for lists such as children at risk).
    pub fn own_scope(&self) -> Option<Scope> {
        let user = &self.0;
        match user.role {
            Role::Admin => Some(Scope::All),
            Role::Officer | Role::PracticeManager => user
                .pod
                .as_ref()
                .map(|pod| Scope::Pod(pod.as_str().into()))
                .or(user.locality.as_ref().map(|l| Scope::Locality(l.as_str().into()))),
            _ => None,
        }
    }
}
