//! `rounds users add`: creates a user with a role and scope and prints their token once;
//! `rounds users revoke`: ends a user's tokens.

use crate::store::{create_user, Role, Store, User};
use anyhow::{bail, Context};
use clap::{Args, Subcommand};

/// Manage users and their tokens.
#[derive(Debug, Args)]
pub struct UsersArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: UsersAction,
}

/// The user actions.
#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Adds a user and prints their API token (only its hash is stored).
    Add {
        /// social_worker, officer, practice_manager, fleet_manager or admin.
        #[arg(long)]
        role: String,
        /// The user's name (default: the role and the scope).
        #[arg(long)]
        id: Option<String>,
        /// The staff id of a social worker.
        #[arg(long)]
        worker: Option<String>,
        /// The pod an officer or practice manager is scoped to.
        #[arg(long)]
        pod: Option<String>,
        /// The locality an officer or practice manager is scoped to.
        #[arg(long)]
        locality: Option<String>,
        /// The database.
        #[arg(long, default_value = "sqlite://rounds.db")]
        db: String,
    },
    /// Revokes a user's API token and calendar feed token. A running server stops accepting
    /// them within its recall time (2 s by default).
    Revoke {
        /// The user's name.
        #[arg(long)]
        id: String,
        /// The database.
        #[arg(long, default_value = "sqlite://rounds.db")]
        db: String,
    },
}

/// Runs `rounds users ...`.
pub fn run(args: UsersArgs) -> anyhow::Result<()> {
    match args.action {
        UsersAction::Add { role, id, worker, pod, locality, db } => {
            let Some(role) = Role::from_code(&role) else {
                bail!(
                    "unknown role '{role}' (expected one of: {})",
                    Role::ALL.map(Role::code).join(", ")
                );
            };
            let user = User { id: String::new(), role, worker, pod, locality };
            if let Some(missing) = user.missing_reach() {
                bail!("{missing} (--worker, --pod or --locality)");
            }
            let id = id.unwrap_or_else(|| default_id(&user));
            if id.starts_with(crate::api::oidc::USER_PREFIX) {
                bail!(
                    "ids starting with '{}' are the identity provider's",
                    crate::api::oidc::USER_PREFIX
                );
            }
            let user = User { id, ..user };
            let token = with_store(&db, async |store| {
                Ok(create_user(store, &user, crate::clock::now()).await?)
            })?;
            println!("user {} ({}) created; token (shown once):", user.id, user.role.code());
            println!("{token}");
        }
        UsersAction::Revoke { id, db } => {
            let revoked = with_store(&db, async |store| {
                Ok(store.revoke_user(&id, crate::clock::now()).await?)
            })?;
            if !revoked {
                bail!("no user '{id}' with a live token in {db}");
            }
            println!("user {id}: API and calendar feed tokens revoked");
        }
    }
    Ok(())
}

/// Runs `work` on the store at `db`, then closes it.
fn with_store<T>(
    db: &str,
    work: impl AsyncFnOnce(&Store) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let store = Store::connect(db).await.with_context(|| format!("opening {db}"))?;
        let result = work(&store).await;
        store.close().await;
        result
    })
}

/// `role-scope`, e.g. `officer-P01`.
pub fn default_id(user: &User) -> String {
    let scope = user.worker.as_ref().or(user.pod.as_ref()).or(user.locality.as_ref());
    match scope {
        Some(scope) => format!("{}-{scope}", user.role.code()),
        None => user.role.code().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_users(action: UsersAction) -> anyhow::Result<()> {
        run(UsersArgs { action })
    }

    #[test]
    fn a_user_added_can_be_revoked_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("users.db").display());
        run_users(UsersAction::Add {
            role: "social_worker".into(),
            id: None,
            worker: Some("W0002".into()),
            pod: None,
            locality: None,
            db: db.clone(),
        })
        .unwrap();
        let revoke = || UsersAction::Revoke { id: "social_worker-W0002".into(), db: db.clone() };
        run_users(revoke()).unwrap();
        let again = run_users(revoke()).unwrap_err().to_string();
        assert!(again.contains("no user 'social_worker-W0002' with a live token"), "{again}");
    }

    #[test]
    fn the_identity_providers_ids_cannot_be_taken() {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("users.db").display());
        let error = run_users(UsersAction::Add {
            role: "admin".into(),
            id: Some("oidc:someone".into()),
            worker: None,
            pod: None,
            locality: None,
            db,
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("identity provider"), "{error}");
    }
}
