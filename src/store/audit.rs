//! The audit log: who read which child's personal data, or changed what, and when.
//! Rows are only ever added.

use super::{on_pool, on_writer, Store, StoreError};
use chrono::{DateTime, Utc};
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

impl Store {
    /// Adds an audit row.
    pub async fn audit(
        &self,
        at: DateTime<Utc>,
        who: &str,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            at: at.to_rfc3339(),
            who: who.into(),
            action: action.into(),
            detail: detail.into(),
        };
        self.audit_all(&[entry]).await
    }

    /// Adds audit rows in one transaction: all or none, and one commit for the lot, so the
    /// rows of many concurrent reads cost one commit instead of one each.
    pub async fn audit_all(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            for entry in entries {
                sqlx::query("INSERT INTO audit (at, who, action, detail) VALUES ($1, $2, $3, $4)")
                    .bind(&entry.at)
                    .bind(&entry.who)
                    .bind(&entry.action)
                    .bind(&entry.detail)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
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
