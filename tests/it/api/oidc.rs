//! Tokens from the council's identity provider (OpenID Connect JWTs), signed with keys these
//! tests make: an Ed25519 key and a P-256 key in one published key set.

use super::{app, day, App, Server};
use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use rounds::api::oidc::Oidc;
use rounds::api::{AppState, Options};
use rounds::clock::Clock;
use rounds::store::Role;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const ISSUER: &str = "https://login.medway.example/tenant/v2.0";
const AUDIENCE: &str = "api://rounds";

/// The instant the test servers' clock shows.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap()
}

/// A signing key and its public half as a JWK.
struct Signer {
    kid: String,
    algorithm: Algorithm,
    key: EncodingKey,
    jwk: Value,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn ed25519(kid: &str) -> Signer {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    Signer {
        kid: kid.into(),
        algorithm: Algorithm::EdDSA,
        key: EncodingKey::from_ed_der(pkcs8.as_ref()),
        jwk: json!({"kty": "OKP", "crv": "Ed25519", "kid": kid, "use": "sig",
                    "x": b64(pair.public_key().as_ref())}),
    }
}

fn p256(kid: &str) -> Signer {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    // An uncompressed point: 0x04, then x and y.
    let point = pair.public_key().as_ref();
    Signer {
        kid: kid.into(),
        algorithm: Algorithm::ES256,
        key: EncodingKey::from_ec_der(pkcs8.as_ref()),
        jwk: json!({"kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256", "use": "sig",
                    "x": b64(&point[1..33]), "y": b64(&point[33..65])}),
    }
}

impl Signer {
    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(self.algorithm);
        header.kid = Some(self.kid.clone());
        encode(&header, claims, &self.key).unwrap()
    }
}

/// The provider: both keys published.
struct Provider {
    signers: Vec<Signer>,
}

impl Provider {
    fn new() -> Provider {
        Provider { signers: vec![ed25519("ed-1"), p256("ec-1")] }
    }

    fn oidc(&self) -> Oidc {
        let keys: Vec<&Value> = self.signers.iter().map(|s| &s.jwk).collect();
        Oidc::new(&json!({ "keys": keys }).to_string(), ISSUER, AUDIENCE).unwrap()
    }

    /// Valid claims for `role` with the reach `app`'s own users of that role have.
    fn claims(&self, app: &App, role: Role) -> Value {
        let locality =
            app.dataset.pods.iter().find(|p| p.id.0 == app.pod).unwrap().locality.0.clone();
        let mut claims = json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": format!("sso-{}", role.code()),
            "iat": now().timestamp(), "exp": now().timestamp() + 3600,
            "roles": ["Staff", role.code()],
        });
        match role {
            Role::SocialWorker => claims["rounds_worker"] = json!(app.worker),
            Role::Officer => claims["rounds_pod"] = json!(app.pod),
            Role::PracticeManager => claims["rounds_locality"] = json!(locality),
            Role::FleetManager | Role::Admin => {}
        }
        claims
    }
}

/// `app` served with the provider's tokens accepted, holding a provider token for each role
/// (signed in turn by each key) in place of Rounds' own.
async fn provider_app(app: App, provider: &Provider, oidc: Option<Oidc>) -> App {
    let tokens: BTreeMap<Role, String> = Role::ALL
        .iter()
        .enumerate()
        .map(|(i, &role)| {
            let signer = &provider.signers[i % provider.signers.len()];
            (role, signer.sign(&provider.claims(&app, role)))
        })
        .collect();
    let options = Options {
        clock: Clock::Fixed(now()),
        oidc: oidc.map(Arc::new),
        // Revocations through the store, not this server, take effect at once.
        recall_for: Duration::ZERO,
        ..Options::default()
    };
    App { server: Server::start(AppState::new(app.store.clone(), options)).await, tokens, ..app }
}

/// The test app with its pod's day published, taking tokens from a provider of its own.
async fn published_provider_app() -> App {
    let app = app().await;
    app.publish_day().await;
    let provider = Provider::new();
    let oidc = provider.oidc();
    provider_app(app, &provider, Some(oidc)).await
}

#[tokio::test]
async fn provider_tokens_give_each_role_exactly_its_endpoints() {
    let app = published_provider_app().await;
    super::each_role_gets_exactly_its_endpoints_on(&app).await;
    // Their reads are audited under the provider's subject.
    let log = app.json(Method::GET, "/api/v1/audit", Role::Admin, None).await;
    let who: Vec<&str> =
        log["entries"].as_array().unwrap().iter().map(|e| e["who"].as_str().unwrap()).collect();
    assert!(who.contains(&"oidc:sso-social_worker"), "{who:?}");
}

#[tokio::test]
async fn provider_tokens_are_refused_unless_key_issuer_audience_times_and_role_hold() {
    let app = app().await;
    let provider = Provider::new();
    let plan = format!("/api/v1/me/plan/{}", day());
    let good = provider.claims(&app, Role::SocialWorker);
    let with = |key: &str, value: Value| {
        let mut claims = good.clone();
        claims[key] = value;
        claims
    };
    let signer = &provider.signers[0];
    let stranger = ed25519("ed-1");
    let mut no_kid = Header::new(Algorithm::EdDSA);
    no_kid.kid = None;
    let hmac = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("ed-1".into());
        encode(&header, &good, &EncodingKey::from_secret(b"secret")).unwrap()
    };
    let unsigned = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "kid": "ed-1"}).to_string().as_bytes()),
        b64(good.to_string().as_bytes())
    );
    let refused = [
        ("expired", signer.sign(&with("exp", json!(now().timestamp() - 3600)))),
        ("not valid yet", signer.sign(&with("nbf", json!(now().timestamp() + 3600)))),
        ("another issuer", signer.sign(&with("iss", json!("https://elsewhere")))),
        ("another audience", signer.sign(&with("aud", json!("api://other")))),
        ("no Rounds role", signer.sign(&with("roles", json!(["Staff"])))),
        ("two Rounds roles", signer.sign(&with("roles", json!(["social_worker", "admin"])))),
        ("no staff id", signer.sign(&with("rounds_worker", Value::Null))),
        ("a key not in the set", stranger.sign(&good)),
        ("no kid with two keys in the set", encode(&no_kid, &good, &signer.key).unwrap()),
        ("HS256 with the key id of a public key", hmac),
        ("alg none", unsigned),
    ];
    let accepting = provider_app(app, &provider, Some(provider.oidc())).await;
    // The control: the good token is accepted, so each refusal below is the claim's doing.
    let (status, text) = accepting.call(Method::GET, &plan, Some(Role::SocialWorker), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let mut app = accepting;
    for (what, token) in refused {
        app.tokens.insert(Role::SocialWorker, token);
        let (status, text) = app.call(Method::GET, &plan, Some(Role::SocialWorker), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {text}");
    }
    // A server not told of the provider refuses its tokens, good ones too.
    let closed = provider_app(app, &provider, None).await;
    let (status, _) = closed.call(Method::GET, &plan, Some(Role::SocialWorker), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_provider_signed_social_worker_keeps_a_calendar_feed_until_revoked() {
    let app = published_provider_app().await;
    let feed = app.json(Method::POST, "/api/v1/me/feed-token", Role::SocialWorker, None).await;
    let url = feed["url"].as_str().unwrap().to_owned();
    let (status, ics) = app.call(Method::GET, &url, None, None).await;
    assert_eq!(status, StatusCode::OK, "{ics}");
    assert!(ics.contains("BEGIN:VEVENT"), "the worker's visits: {ics}");
    // The person left: an administrator revokes the stored user and the feed stops at once.
    assert!(app.store.revoke_user("oidc:sso-social_worker", now()).await.unwrap());
    assert_eq!(app.call(Method::GET, &url, None, None).await.0, StatusCode::UNAUTHORIZED);
    // Back with a valid token from the provider (say, rehired), they may ask for a new one.
    let again = app.json(Method::POST, "/api/v1/me/feed-token", Role::SocialWorker, None).await;
    let (status, _) = app.call(Method::GET, again["url"].as_str().unwrap(), None, None).await;
    assert_eq!(status, StatusCode::OK);
}
