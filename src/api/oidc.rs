//! Tokens from the council's identity provider: OpenID Connect JWTs signed by a key of the
//! provider's published key set (JWKS), so staff can call the API with the account they sign in
//! with instead of a token made by `rounds users add`.
//!
//! What a token must carry, besides a valid signature by a key of the set (found by the
//! token's `kid`, with the algorithm the key says, never the one the token says), the configured
//! issuer and audience, and `exp` (and `nbf`) against the server's clock:
//! - `sub`: who; the audit log names them `oidc:<sub>`;
//! - `roles`: one Rounds role code (`social_worker`, `officer`, `practice_manager`,
//!   `fleet_manager`, `admin`) among the provider's app roles; none or two of them is refused;
//! - `rounds_worker` for a social worker (their staff id), `rounds_pod` or `rounds_locality` for
//!   an officer or practice manager: the same reach `rounds users add` asks for.
//!
//! Symmetric keys (HS256...) are refused: the set is public, so anyone could sign with them.
//!
//! A social worker signed in this way who asks for a calendar feed is stored as a user (role and
//! reach as the provider said at that moment) holding the feed token, since Outlook cannot sign
//! in to the provider; when they leave, `rounds users revoke oidc:<sub>` ends the feed, as the
//! provider's refusal ends their API access.

use crate::store::{Role, User};
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::str::FromStr;

/// Why a configuration or a token is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OidcError {
    /// The key set does not parse, or has no key Rounds can check signatures with.
    #[error("the JWKS: {0}")]
    KeySet(String),
    /// The token is not one this server accepts; the reason goes to the log, not the caller.
    #[error("token refused: {0}")]
    Token(String),
}

/// The provider's keys and what its tokens must say.
pub struct Oidc {
    issuer: String,
    audience: String,
    keys: Vec<Key>,
}

/// One key of the set with the one algorithm it verifies.
struct Key {
    id: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// The claims Rounds reads.
#[derive(Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    nbf: Option<i64>,
    #[serde(default)]
    roles: Vec<String>,
    rounds_worker: Option<String>,
    rounds_pod: Option<String>,
    rounds_locality: Option<String>,
}

/// What the ids of the provider's users start with, in the audit log and the users table.
pub const USER_PREFIX: &str = "oidc:";

/// Clock difference allowed between the provider and this server, in seconds.
const LEEWAY: i64 = 60;

impl Oidc {
    /// The provider of `issuer`, whose tokens for `audience` are signed by a key of `jwks` (the
    /// JSON the provider publishes at its `jwks_uri`).
    pub fn new(jwks: &str, issuer: &str, audience: &str) -> Result<Oidc, OidcError> {
        let set: JwkSet =
            serde_json::from_str(jwks).map_err(|e| OidcError::KeySet(e.to_string()))?;
        let mut keys = Vec::new();
        for jwk in &set.keys {
            let id = jwk.common.key_id.clone();
            let what = id.as_deref().unwrap_or("a key without kid");
            let algorithm =
                algorithm(jwk).map_err(|e| OidcError::KeySet(format!("{what}: {e}")))?;
            let key = DecodingKey::from_jwk(jwk)
                .map_err(|e| OidcError::KeySet(format!("{what}: {e}")))?;
            keys.push(Key { id, algorithm, key });
        }
        if keys.is_empty() {
            return Err(OidcError::KeySet("no keys".into()));
        }
        Ok(Oidc { issuer: issuer.into(), audience: audience.into(), keys })
    }

    /// The user a token stands for, if its signature, issuer, audience, times and claims hold
    /// at `now`.
    pub fn user(&self, token: &str, now: DateTime<Utc>) -> Result<User, OidcError> {
        let refused = |reason: String| OidcError::Token(reason);
        let header = jsonwebtoken::decode_header(token).map_err(|e| refused(e.to_string()))?;
        let key = match &header.kid {
            Some(kid) => self.keys.iter().find(|k| k.id.as_deref() == Some(kid.as_str())),
            None if self.keys.len() == 1 => self.keys.first(),
            None => None,
        }
        .ok_or_else(|| refused(format!("no key {:?} in the set", header.kid)))?;
        let mut validation = Validation::new(key.algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        // Times are checked below against the server's clock, as everything else here is.
        validation.validate_exp = false;
        validation.required_spec_claims = ["exp", "iss", "aud", "sub"].map(String::from).into();
        let claims = jsonwebtoken::decode::<Claims>(token, &key.key, &validation)
            .map_err(|e| refused(e.to_string()))?
            .claims;
        let now = now.timestamp();
        if claims.exp + LEEWAY <= now {
            return Err(refused("expired".into()));
        }
        if claims.nbf.is_some_and(|nbf| nbf - LEEWAY > now) {
            return Err(refused("not valid yet".into()));
        }
        user(claims)
    }
}

/// The one algorithm a key verifies: the one it names, else the one its type and curve imply.
fn algorithm(jwk: &Jwk) -> Result<Algorithm, String> {
    let implied = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Algorithm::ES256,
            EllipticCurve::P384 => Algorithm::ES384,
            _ => return Err(format!("curve {:?} is not supported", ec.curve)),
        },
        AlgorithmParameters::OctetKeyPair(_) => Algorithm::EdDSA,
        AlgorithmParameters::OctetKey(_) => {
            return Err("a symmetric key in a public key set signs for anyone".into())
        }
    };
    let Some(named) = jwk.common.key_algorithm else { return Ok(implied) };
    let named = match named {
        KeyAlgorithm::HS256 | KeyAlgorithm::HS384 | KeyAlgorithm::HS512 => None,
        other => Algorithm::from_str(&other.to_string()).ok(),
    }
    .ok_or_else(|| format!("algorithm {named} is not a signature Rounds checks"))?;
    // An RSA key may name a PSS or longer hash; a key naming another family is a broken set.
    if family(named) == family(implied) {
        Ok(named)
    } else {
        Err(format!("algorithm {named:?} does not fit its key type"))
    }
}

/// Which kind of key an algorithm needs.
fn family(algorithm: Algorithm) -> &'static str {
    use Algorithm::*;
    match algorithm {
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => "RSA",
        ES256 | ES384 => "EC",
        EdDSA => "OKP",
        HS256 | HS384 | HS512 => "oct",
    }
}

/// The Rounds user the claims describe.
fn user(claims: Claims) -> Result<User, OidcError> {
    let refused = |reason: String| OidcError::Token(reason);
    let mut roles = claims.roles.iter().filter_map(|code| Role::from_code(code));
    let role = match (roles.next(), roles.next()) {
        (Some(role), None) => role,
        (None, _) => return Err(refused("no Rounds role among the token's roles".into())),
        (Some(_), Some(_)) => return Err(refused("more than one Rounds role".into())),
    };
    let user = User {
        id: format!("{USER_PREFIX}{}", claims.sub),
        role,
        worker: claims.rounds_worker.filter(|_| role == Role::SocialWorker),
        pod: claims.rounds_pod.filter(|_| matches!(role, Role::Officer | Role::PracticeManager)),
        locality: claims
            .rounds_locality
            .filter(|_| matches!(role, Role::Officer | Role::PracticeManager)),
    };
    match user.missing_reach() {
        Some(missing) => {
            Err(refused(format!("{missing}: rounds_worker, rounds_pod or rounds_locality")))
        }
        None => Ok(user),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_with_a_symmetric_key_is_refused() {
        let jwks = r#"{"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0"}]}"#;
        let error = Oidc::new(jwks, "https://idp", "rounds").err().expect("refused");
        assert!(matches!(&error, OidcError::KeySet(m) if m.contains("symmetric")), "{error}");
    }

    #[test]
    fn an_empty_or_broken_key_set_is_refused() {
        assert!(matches!(Oidc::new(r#"{"keys":[]}"#, "i", "a"), Err(OidcError::KeySet(_))));
        assert!(matches!(Oidc::new("not json", "i", "a"), Err(OidcError::KeySet(_))));
    }

    #[test]
    fn an_rsa_key_naming_an_elliptic_algorithm_is_refused() {
        let jwks = r#"{"keys":[{"kty":"RSA","kid":"r","alg":"ES256","n":"sXch","e":"AQAB"}]}"#;
        let error = Oidc::new(jwks, "i", "a").err().expect("refused");
        assert!(matches!(&error, OidcError::KeySet(m) if m.contains("does not fit")), "{error}");
    }

    fn claims(roles: &[&str]) -> Claims {
        Claims {
            sub: "jo".into(),
            exp: 0,
            nbf: None,
            roles: roles.iter().map(|r| r.to_string()).collect(),
            rounds_worker: Some("W0001".into()),
            rounds_pod: Some("P001".into()),
            rounds_locality: None,
        }
    }

    #[test]
    fn the_role_comes_from_exactly_one_rounds_role_and_brings_only_its_reach() {
        let worker = user(claims(&["Staff", "social_worker"])).expect("a social worker");
        assert_eq!(worker.role, Role::SocialWorker);
        assert_eq!((worker.worker.as_deref(), worker.pod.as_deref()), (Some("W0001"), None));
        assert_eq!(worker.id, "oidc:jo");
        let fleet = user(claims(&["fleet_manager"])).expect("a fleet manager");
        assert_eq!((fleet.worker, fleet.pod), (None, None));
        assert!(user(claims(&["Staff"])).is_err());
        assert!(user(claims(&["officer", "admin"])).is_err());
        let mut no_pod = claims(&["officer"]);
        no_pod.rounds_pod = None;
        assert!(user(no_pod).is_err());
    }
}
