//! The audit log: who read which child's personal data, or changed what, and when.
//! Rows are only ever added.

use super::{on_pool, on_writer, Store, StoreError};
use sqlx::Row;

/// One audit row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (RFC 3339).
    pub at: String,
    /// The user id.
    pub who: String,
    /// What was done, e.g. `read_plan`, `generate`, `publish`.
    pub action: String,
    /// What it was done to, e.g. `2026-11-23 pod:P01` or the child references read.
    pub detail: String,
}

/// Most rows in one INSERT: four parameters each, well within SQLite's and PostgreSQL's limits.
pub const AUDIT_ROWS_PER_INSERT: usize = 500;

impl Store {
    /// Adds audit rows in one statement (all or none) per [`AUDIT_ROWS_PER_INSERT`] rows: one
    /// round trip and one commit for a batch, so the rows of many concurrent reads cost about
    /// what one row does.
    pub async fn audit_all(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        for chunk in entries.chunks(AUDIT_ROWS_PER_INSERT) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| {
                    format!("(${}, ${}, ${}, ${})", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4)
                })
                .collect();
            let sql =
                format!("INSERT INTO audit (at, who, action, detail) VALUES {}", rows.join(", "));
            on_writer!(self, pool => {
                let mut query = sqlx::query(&sql);
                for entry in chunk {
                    query = query.bind(&entry.at).bind(&entry.who).bind(&entry.action).bind(&entry.detail);
                }
                query.execute(pool).await?;
            });
        }
        Ok(())
    }

    /// The latest `limit` audit rows, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT at, who, action, detail FROM audit ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(AuditEntry {
                        at: row.try_get("at")?,
                        who: row.try_get("who")?,
                        action: row.try_get("action")?,
                        detail: row.try_get("detail")?,
                    })
                })
                .collect()
        })
    }
}
