//! The API's error: every failure becomes a problem-details JSON body (RFC 9457) with a field
//! and a reason where one applies. Details of server errors are logged, never sent.

use crate::format::csv::ImportError;
use crate::store::StoreError;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What went wrong with a request.
#[derive(Debug)]
pub enum ApiError {
    /// No valid token.
    Unauthorized,
    /// The token's role or scope does not allow this.
    Forbidden(String),
    /// Nothing there.
    NotFound(String),
    /// A parameter is wrong.
    BadRequest {
        /// Which parameter or field.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An import was refused; nothing was stored.
    Import(Vec<ImportError>),
    /// Something else is under way (a solve of the same date and scope).
    Conflict(String),
    /// The planner could not plan; the published rota is unchanged.
    Unprocessable(String),
    /// The body is over [`super::BODY_LIMIT`].
    TooLarge,
    /// A server fault (logged, not shown).
    Internal(String),
}

impl ApiError {
    /// A multipart failure: too large, or malformed in `field`.
    pub fn multipart(field: &str, error: &axum::extract::multipart::MultipartError) -> ApiError {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::bad(field, error.body_text())
        }
    }

    /// A bad parameter.
    pub fn bad(field: &str, reason: impl Into<String>) -> ApiError {
        ApiError::BadRequest { field: field.to_owned(), reason: reason.into() }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} already exists")),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, title, extra) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "missing or invalid token",
                json!({"reason": "send Authorization: Bearer <token>"}),
            ),
            ApiError::Forbidden(reason) => {
                (StatusCode::FORBIDDEN, "not allowed for this role", json!({ "reason": reason }))
            }
            ApiError::NotFound(reason) => {
                (StatusCode::NOT_FOUND, "not found", json!({ "reason": reason }))
            }
            ApiError::BadRequest { field, reason } => (
                StatusCode::BAD_REQUEST,
                "bad request",
                json!({ "field": field, "reason": reason }),
            ),
            ApiError::Import(errors) => {
                let errors: Vec<_> = errors
                    .iter()
                    .map(|e| {
                        json!({"file": e.file, "row": e.row, "column": e.column,
                               "code": e.code.as_str(), "reason": e.reason})
                    })
                    .collect();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "import refused; nothing was stored",
                    json!({ "errors": errors }),
                )
            }
            ApiError::Conflict(reason) => {
                (StatusCode::CONFLICT, "conflict", json!({ "reason": reason }))
            }
            ApiError::Unprocessable(reason) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "could not plan; the published rota is unchanged",
                json!({ "reason": reason }),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body too large",
                json!({"field": "body", "reason": format!("at most {} bytes", super::BODY_LIMIT)}),
            ),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error",
                    json!({"reason": "the error was logged"}),
                )
            }
        };
        let mut body = json!({"type": "about:blank", "title": title, "status": status.as_u16()});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string())
            .into_response()
    }
}

/// The answer to a request whose handler panicked: a 500 problem like any internal error, so
/// the client gets an answer, not a dropped connection, and the log gets the message.
pub fn from_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    ApiError::Internal(format!("handler panicked: {message}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    #[tokio::test]
    async fn a_panicking_handler_answers_a_500_problem() {
        let router = axum::Router::new()
            .route("/boom", axum::routing::get(|| async { panic!("boom") as &'static str }))
            .layer(CatchPanicLayer::custom(from_panic));
        let request = Request::get("/boom").body(Body::empty()).unwrap();
        let response = router.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let kind = response.headers().get(header::CONTENT_TYPE).unwrap();
        assert_eq!(kind, "application/problem+json");
    }
}
