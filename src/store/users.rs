//! Users and their tokens. Only SHA-256 hashes of tokens are stored, so a copy of the database
//! lets no one in; the token itself is shown once when the user is created.

use super::{on_pool, on_writer, Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// What a user may do (see the API's authorisation rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Their own plan only.
    SocialWorker,
    /// Plans and rotas of their pod or locality.
    Officer,
    /// Like an officer, for their pod or locality.
    PracticeManager,
    /// Fleet figures only, never child data.
    FleetManager,
    /// Everything, including the audit log.
    Admin,
}

impl Role {
    /// Every role, for tests and the demo.
    pub const ALL: [Role; 5] =
        [Role::SocialWorker, Role::Officer, Role::PracticeManager, Role::FleetManager, Role::Admin];

    /// The stored and command-line code.
    pub fn code(self) -> &'static str {
        match self {
            Role::SocialWorker => "social_worker",
            Role::Officer => "officer",
            Role::PracticeManager => "practice_manager",
            Role::FleetManager => "fleet_manager",
            Role::Admin => "admin",
        }
    }

    /// The role for a code, as [`Role::code`] writes it.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }
}

/// A user: a role and what it is scoped to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// A unique name, e.g. `w017` or `officer-a`.
    pub id: String,
    /// What they may do.
    pub role: Role,
    /// Their staff id (social workers).
    pub worker: Option<String>,
    /// The pod they are scoped to (officers, practice managers).
    pub pod: Option<String>,
    /// The locality they are scoped to (officers, practice managers).
    pub locality: Option<String>,
}

impl User {
    /// What the user's role needs to reach anything and the user lacks, if anything: without
    /// it every request would be refused, so such a user is not made at all.
    pub fn missing_reach(&self) -> Option<&'static str> {
        match self.role {
            Role::SocialWorker if self.worker.is_none() => Some("a social worker needs a staff id"),
            Role::Officer | Role::PracticeManager
                if self.pod.is_none() && self.locality.is_none() =>
            {
                Some("an officer or practice manager needs a pod or locality")
            }
            _ => None,
        }
    }
}

fn user_from_row<R: Row>(row: &R) -> Result<User, StoreError>
where
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        role: Role::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("role '{role}'")))?,
        worker: row.try_get("worker_id")?,
        pod: row.try_get("pod")?,
        locality: row.try_get("locality")?,
    })
}

impl Store {
    /// Adds a user with the hash of their API token.
    pub async fn add_user(
        &self,
        user: &User,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO users (id, role, worker_id, pod, locality, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&user.id)
            .bind(user.role.code())
            .bind(&user.worker)
            .bind(&user.pod)
            .bind(&user.locality)
            .bind(token_hash)
            .bind(at.to_rfc3339())
            .execute(pool)
            .await
            .map_err(|e| super::conflict(e, &format!("user '{}'", user.id)))?;
        });
        Ok(())
    }

    /// Stores a user whom the identity provider vouches for, as the provider says they are now
    /// (role and reach), so that a calendar feed token can be kept for them; a revocation of
    /// their feed is lifted, as the provider has just vouched for them. Their row holds an API
    /// token hash of a token nobody is told: they call the API with the provider's tokens.
    pub async fn keep_vouched_user(
        &self,
        user: &User,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let unused = hash_token(&new_token("rk_"));
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO users (id, role, worker_id, pod, locality, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (id) DO UPDATE SET role = excluded.role, \
                 worker_id = excluded.worker_id, pod = excluded.pod, \
                 locality = excluded.locality, revoked_at = NULL",
            )
            .bind(&user.id)
            .bind(user.role.code())
            .bind(&user.worker)
            .bind(&user.pod)
            .bind(&user.locality)
            .bind(&unused)
            .bind(at.to_rfc3339())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The user holding the API token with this hash (not revoked).
    pub async fn user_by_token_hash(&self, hash: &str) -> Result<Option<User>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query(
                "SELECT id, role, worker_id, pod, locality FROM users WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(hash)
            .fetch_optional(pool)
            .await?;
            row.as_ref().map(user_from_row).transpose()
        })
    }

    /// The user holding the calendar feed token with this hash (not revoked).
    pub async fn user_by_feed_hash(&self, hash: &str) -> Result<Option<User>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query(
                "SELECT id, role, worker_id, pod, locality FROM users WHERE feed_token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(hash)
            .fetch_optional(pool)
            .await?;
            row.as_ref().map(user_from_row).transpose()
        })
    }

    /// Sets (or, with `None`, revokes) a user's calendar feed token hash; false if no such user.
    pub async fn set_feed_token_hash(
        &self,
        user: &str,
        hash: Option<&str>,
    ) -> Result<bool, StoreError> {
        on_writer!(self, pool => {
            let done = sqlx::query("UPDATE users SET feed_token_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(user)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Revokes a user's API and calendar feed tokens from `at`; false if no such user holds
    /// a live token.
    pub async fn revoke_user(&self, user: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        on_writer!(self, pool => {
            let done = sqlx::query(
                "UPDATE users SET revoked_at = $1, feed_token_hash = NULL \
                 WHERE id = $2 AND revoked_at IS NULL",
            )
            .bind(at.to_rfc3339())
            .bind(user)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// How many users there are.
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(pool).await?;
            Ok(row.try_get::<i64, _>("n")?)
        })
    }
}

/// The SHA-256 of a token, in lower-case hex: what the users table stores.
pub fn hash_token(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A new random token: 32 bytes from the operating system, in hex, with a prefix that says what
/// it is for (`rk_` for API keys, `rf_` for calendar feeds).
pub fn new_token(prefix: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{prefix}{hex}")
}

/// Creates a user with a new API token and returns the token (shown once; only its hash is kept).
pub async fn create_user(
    store: &Store,
    user: &User,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let token = new_token("rk_");
    store.add_user(user, &hash_token(&token), at).await?;
    Ok(token)
}

/// Gives a user a new calendar feed token (replacing any old one) and returns it.
pub async fn rotate_feed_token(store: &Store, user: &str) -> Result<Option<String>, StoreError> {
    let token = new_token("rf_");
    let found = store.set_feed_token_hash(user, Some(&hash_token(&token))).await?;
    Ok(found.then_some(token))
}
