//! `rounds users add`: creates a user with a role and scope and prints their token once.

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
}

/// Runs `rounds users ...`.
pub fn run(args: UsersArgs) -> anyhow::Result<()> {
    let UsersAction::Add { role, id, worker, pod, locality, db } = args.action;
    let Some(role) = Role::from_code(&role) else {
        bail!("unknown role '{role}' (expected one of: {})", Role::ALL.map(Role::code).join(", "));
    };
    let user = User { id: String::new(), role, worker, pod, locality };
    check_scope(&user)?;
    let id = id.unwrap_or_else(|| default_id(&user));
    let user = User { id, ..user };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let token = runtime.block_on(async {
        let store = Store::connect(&db).await.with_context(|| format!("opening {db}"))?;
        let token = create_user(&store, &user, crate::clock::now()).await?;
        store.close().await;
        anyhow::Ok(token)
    })?;
    println!("user {} ({}) created; token (shown once):", user.id, user.role.code());
    println!("{token}");
    Ok(())
}

/// Checks that a role has the scope it needs.
pub fn check_scope(user: &User) -> anyhow::Result<()> {
    match user.role {
        Role::SocialWorker if user.worker.is_none() => bail!("a social worker needs --worker"),
        Role::Officer | Role::PracticeManager if user.pod.is_none() && user.locality.is_none() => {
            bail!("an officer or practice manager needs --pod or --locality")
        }
        _ => Ok(()),
    }
}

/// `role-scope`, e.g. `officer-P01`.
pub fn default_id(user: &User) -> String {
    let scope = user.worker.as_ref().or(user.pod.as_ref()).or(user.locality.as_ref());
    match scope {
        Some(scope) => format!("{}-{scope}", user.role.code()),
        None => user.role.code().to_owned(),
    }
}
