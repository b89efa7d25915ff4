//! Persistence behind one type for both engines: SQLite (a file, in WAL mode) by default and
//! PostgreSQL when the URL says `postgres://`.
//!
//! [`Store`] is an enum over the two engines, a closed set of two, so no trait objects are
//! needed. Every query is a runtime `sqlx::query` written once: the [`on_pool`] macro (reads)
//! and [`on_writer`] (writes: SQLite's one writer connection) repeat the same body for each
//! engine, which type-checks it against both (sqlx's checked `query!` macros bind
//! to one backend, sqlx issue 964). The SQL is the subset both engines share: `$1` placeholders,
//! `RETURNING`, TEXT for dates and times (RFC 3339), BIGINT for numbers. Each engine has its own
//! migrations folder (they differ only in how an id column counts), embedded in the binary.
//!
//! What is stored: each import as its raw CSV files (a dataset is re-parsed on load, so the
//! CSV format stays the one definition of the data), rotas by date and scope as JSON bodies
//! (never overwritten: each generate or publish adds a version), pins, events of the day, users
//! with hashed tokens, and the audit log. Nothing here knows HTTP or the optimiser.

mod audit;
mod rotas;
mod users;

pub use audit::{AuditEntry, AUDIT_ROWS_PER_INSERT};
pub use rotas::{NewRota, RotaKey, RotaStatus, StoredEvent, StoredPin, StoredRota};
pub use users::{create_user, hash_token, new_token, rotate_feed_token, Role, User};

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

/// Runs the same read-only body against whichever pool the store holds, binding `$pool` to it.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite(pools) => {
                let $pool = &pools.read;
                $body
            }
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// As [`on_pool`], for a body that writes: on SQLite it gets the one writer connection.
macro_rules! on_writer {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite(pools) => {
                let $pool = &pools.write;
                $body
            }
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_writer;

/// What can go wrong with storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite:` nor `postgres://`.
    #[error("unsupported database URL '{0}' (expected sqlite:... or postgres://...)")]
    BadUrl(String),
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value does not parse (a row written by something else).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// A unique key already exists (a user id or token taken).
    #[error("already exists: {0}")]
    Conflict(String),
}

/// The storage: the pools of one engine.
#[derive(Clone, Debug)]
pub enum Store {
    /// An SQLite file (or memory database).
    Sqlite(SqlitePools),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// SQLite's pools: readers, and one writer. SQLite lets one connection write at a time; with
/// writers in one shared pool, the others wait in SQLite's busy handler, which sleeps 1, 2, 5,
/// 10... ms between tries, and every plan read writes an audit row. One writer connection makes
/// writes queue in the pool instead, without the sleeps; readers never wait for it in WAL mode.
#[derive(Clone, Debug)]
pub struct SqlitePools {
    read: SqlitePool,
    write: SqlitePool,
}

/// One stored import: its version and its raw files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredImport {
    /// The import's version (increasing).
    pub version: i64,
    /// When it was imported (RFC 3339).
    pub created_at: String,
    /// File name to CSV text.
    pub files: BTreeMap<String, String>,
}

impl Store {
    /// Opens (creating the SQLite file if missing) and migrates the database at `url`:
    /// `sqlite:path`, `sqlite://path`, `sqlite::memory:` or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Store::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // In WAL mode NORMAL still never corrupts the file and loses nothing on a crash
                // of the process; only a power cut may drop the last commits. FULL would fsync on
                // every commit, and every plan read commits an audit entry.
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            // sqlx pings a connection on every acquire by default, a round trip to the thread
            // that owns it: for a file in this process nothing can have dropped it, and the ping
            // was a third of the hops of a plan read.
            let pool = || SqlitePoolOptions::new().test_before_acquire(false);
            // The writer never checkpoints the WAL itself: a checkpoint fsyncs the database
            // file, and on the writer it stalls the commit that crosses the threshold and every
            // request waiting on it (each plan read commits an audit row: at 2,000 reads a
            // second the default threshold was crossed several times a second, and those
            // stalls were the read's p99). [`Store::checkpoint`] does it off the write path;
            // the server calls it every second, and the last connection to close does it too.
            let writer = options.clone().pragma("wal_autocheckpoint", "0");
            let write = pool().max_connections(1).connect_with(writer).await?;
            // A memory database lives in one connection: every connection would get its own.
            let read = if url.contains(":memory:") {
                write.clone()
            } else {
                pool().max_connections(8).connect_with(options).await?
            };
            Store::Sqlite(SqlitePools { read, write })
        } else {
            return Err(StoreError::BadUrl(url.to_owned()));
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(pools) => sqlx::migrate!("migrations/sqlite").run(&pools.write).await?,
            Store::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Which engine: `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Copies what the SQLite write-ahead log holds into the database file, as far as no
    /// reader still needs it, on a reader connection so that writes go on meanwhile (a passive
    /// checkpoint); the log then starts again from its beginning at the next write. PostgreSQL
    /// checkpoints by itself. Says whether the whole log was copied (not when a reader still
    /// held an older snapshot of it).
    pub async fn checkpoint(&self) -> Result<bool, StoreError> {
        let Store::Sqlite(pools) = self else { return Ok(true) };
        let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&pools.read).await?;
        let (busy, logged, copied): (i64, i64, i64) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        Ok(busy == 0 && logged == copied)
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(pools) => {
                pools.read.close().await;
                pools.write.close().await;
            }
            Store::Postgres(pool) => pool.close().await,
        }
    }

    /// Stores an import's raw files in one transaction; returns its version.
    pub async fn save_import(
        &self,
        files: &BTreeMap<String, String>,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<i64, StoreError> {
        let at = at.to_rfc3339();
        on_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            let row = sqlx::query("INSERT INTO imports (created_at, created_by) VALUES ($1, $2) RETURNING id")
                .bind(&at)
                .bind(by)
                .fetch_one(&mut *tx)
                .await?;
            let version: i64 = row.try_get("id")?;
            for (name, body) in files {
                sqlx::query("INSERT INTO import_files (import_id, name, body) VALUES ($1, $2, $3)")
                    .bind(version)
                    .bind(name)
                    .bind(body)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(version)
        })
    }

    /// The latest import, if any.
    pub async fn latest_import(&self) -> Result<Option<StoredImport>, StoreError> {
        on_pool!(self, pool => {
            let Some(head) = sqlx::query("SELECT id, created_at FROM imports ORDER BY id DESC LIMIT 1")
                .fetch_optional(pool)
                .await?
            else {
                return Ok(None);
            };
            let version: i64 = head.try_get("id")?;
            let created_at: String = head.try_get("created_at")?;
            let rows = sqlx::query("SELECT name, body FROM import_files WHERE import_id = $1 ORDER BY name")
                .bind(version)
                .fetch_all(pool)
                .await?;
            let mut files = BTreeMap::new();
            for row in rows {
                files.insert(row.try_get::<String, _>("name")?, row.try_get::<String, _>("body")?);
            }
            Ok(Some(StoredImport { version, created_at, files }))
        })
    }
}

/// Maps a unique-key violation to [`StoreError::Conflict`], other errors as they are.
fn conflict(error: sqlx::Error, what: &str) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_owned())
        }
        _ => StoreError::Database(error),
    }
}
