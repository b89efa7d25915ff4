//! Rotas, pins and events: the day's working state, kept as an append-only history.
//!
//! A rota is never updated in place: generating adds a draft version and publishing adds a
//! published copy of the latest draft, so what was published stays readable whatever fails later.

use super::{on_pool, on_writer, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// Whether a rota version is a draft or the one workers follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotaStatus {
    /// Generated, not yet published.
    Draft,
    /// Published: what workers see.
    Published,
}

impl RotaStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            RotaStatus::Draft => "draft",
            RotaStatus::Published => "published",
        }
    }

    fn from_code(code: &str) -> Result<RotaStatus, StoreError> {
        match code {
            "draft" => Ok(RotaStatus::Draft),
            "published" => Ok(RotaStatus::Published),
            other => Err(StoreError::Corrupt(format!("rota status '{other}'"))),
        }
    }
}

/// A rota to store.
#[derive(Clone, Debug)]
pub struct NewRota<'a> {
    /// The day.
    pub date: NaiveDate,
    /// `all`, `pod:P01` or `locality:A`.
    pub scope: &'a str,
    /// Draft or published.
    pub status: RotaStatus,
    /// The import version it was planned from.
    pub import_version: i64,
    /// The rota as JSON text.
    pub body: &'a str,
}

/// A stored rota version.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRota {
    /// The day.
    pub date: NaiveDate,
    /// Its scope.
    pub scope: String,
    /// Version within (date, scope), from 1.
    pub version: i64,
    /// Draft or published.
    pub status: RotaStatus,
    /// The import version it was planned from.
    pub import_version: i64,
    /// The rota as JSON text.
    pub body: String,
    /// When stored (RFC 3339).
    pub created_at: String,
    /// Who stored it.
    pub created_by: String,
}

/// One stored version of a rota. Versions are never overwritten, so a key names one body for
/// good: what a reader parsed of it stays true, on one instance or several sharing PostgreSQL.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RotaKey {
    /// The day.
    pub date: NaiveDate,
    /// Its scope.
    pub scope: String,
    /// Version within (date, scope).
    pub version: i64,
}

/// An officer's pin, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPin {
    /// The day.
    pub date: NaiveDate,
    /// The visit pinned.
    pub visit: String,
    /// The worker it is pinned to.
    pub worker: Option<String>,
    /// The start it is pinned to (`HH:MM`).
    pub start: Option<String>,
}

/// An event of the day, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// The day.
    pub date: NaiveDate,
    /// `sick`, `done` or `no_access`.
    pub kind: String,
    /// The worker concerned (sick).
    pub worker: Option<String>,
    /// The visit concerned (done, no access).
    pub visit: Option<String>,
    /// From when (`HH:MM`).
    pub at: Option<String>,
}

const ROTA_COLUMNS: &str =
    "date, scope, version, status, import_version, body, created_at, created_by";

fn rota_from_row<R: Row>(row: &R) -> Result<StoredRota, StoreError>
where
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let date: String = row.try_get("date")?;
    let status: String = row.try_get("status")?;
    Ok(StoredRota {
        date: parse_date(&date)?,
        scope: row.try_get("scope")?,
        version: row.try_get("version")?,
        status: RotaStatus::from_code(&status)?,
        import_version: row.try_get("import_version")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
    })
}

fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("date '{text}'")))
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Adds a rota version for (date, scope); returns its version number.
    pub async fn save_rota(
        &self,
        rota: &NewRota<'_>,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<i64, StoreError> {
        let date = date_text(rota.date);
        let at = at.to_rfc3339();
        on_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            if let Store::Postgres(_) = self {
                // PostgreSQL runs writers side by side, so two saves of one (date, scope) would
                // read the same latest version; this lock orders them until commit. SQLite has
                // one writer connection already.
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(format!("rota {date} {}", rota.scope))
                    .execute(&mut *tx)
                    .await?;
            }
            let row = sqlx::query(
                "SELECT COALESCE(MAX(version), 0) AS v FROM rotas WHERE date = $1 AND scope = $2",
            )
            .bind(&date)
            .bind(rota.scope)
            .fetch_one(&mut *tx)
            .await?;
            let version: i64 = row.try_get::<i64, _>("v")? + 1;
            sqlx::query(
                "INSERT INTO rotas (date, scope, version, status, import_version, body, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&date)
            .bind(rota.scope)
            .bind(version)
            .bind(rota.status.code())
            .bind(rota.import_version)
            .bind(rota.body)
            .bind(&at)
            .bind(by)
            .execute(&mut *tx)
            .await
            .map_err(|e| super::conflict(e, "rota version (a concurrent save)"))?;
            tx.commit().await?;
            Ok(version)
        })
    }

    /// The latest version for (date, scope), of any status or of one status.
    pub async fn latest_rota(
        &self,
        date: NaiveDate,
        scope: &str,
        status: Option<RotaStatus>,
    ) -> Result<Option<StoredRota>, StoreError> {
        let date = date_text(date);
        let sql = format!(
            "SELECT {ROTA_COLUMNS} FROM rotas WHERE date = $1 AND scope = $2 AND ($3 = '' OR status = $3) \
             ORDER BY version DESC LIMIT 1"
        );
        let status = status.map(RotaStatus::code).unwrap_or("");
        on_pool!(self, pool => {
            let row = sqlx::query(&sql).bind(&date).bind(scope).bind(status).fetch_optional(pool).await?;
            row.as_ref().map(rota_from_row).transpose()
        })
    }

    /// Publishes the latest draft of (date, scope) as a new published version; `None` when
    /// there is no draft newer than the last published version.
    pub async fn publish_rota(
        &self,
        date: NaiveDate,
        scope: &str,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<Option<i64>, StoreError> {
        let Some(latest) = self.latest_rota(date, scope, None).await? else {
            return Ok(None);
        };
        if latest.status != RotaStatus::Draft {
            return Ok(None);
        }
        let new = NewRota {
            date,
            scope,
            status: RotaStatus::Published,
            import_version: latest.import_version,
            body: &latest.body,
        };
        self.save_rota(&new, at, by).await.map(Some)
    }

    /// For each scope, the latest published version of each day from `from` to `to` inclusive,
    /// by date then scope: keys only, so a reader that kept what it parsed of a version fetches
    /// no body again ([`Store::rota_body`]).
    pub async fn published_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<RotaKey>, StoreError> {
        let sql = "SELECT date, scope, version FROM rotas r WHERE status = 'published' \
             AND date >= $1 AND date <= $2 \
             AND version = (SELECT MAX(version) FROM rotas s WHERE s.date = r.date AND s.scope = r.scope \
             AND s.status = 'published') ORDER BY date, scope";
        on_pool!(self, pool => {
            let rows = sqlx::query(sql)
                .bind(date_text(from))
                .bind(date_text(to))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    let date: String = row.try_get("date")?;
                    Ok(RotaKey {
                        date: parse_date(&date)?,
                        scope: row.try_get("scope")?,
                        version: row.try_get("version")?,
                    })
                })
                .collect()
        })
    }

    /// The body of one stored version, if it exists.
    pub async fn rota_body(&self, key: &RotaKey) -> Result<Option<String>, StoreError> {
        let sql = "SELECT body FROM rotas WHERE date = $1 AND scope = $2 AND version = $3";
        on_pool!(self, pool => {
            let row = sqlx::query(sql)
                .bind(date_text(key.date))
                .bind(&key.scope)
                .bind(key.version)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|row| row.try_get("body")).transpose()?)
        })
    }

    /// Records a pin.
    pub async fn add_pin(
        &self,
        pin: &StoredPin,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO pins (date, visit, worker, start_time, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(date_text(pin.date))
            .bind(&pin.visit)
            .bind(&pin.worker)
            .bind(&pin.start)
            .bind(at.to_rfc3339())
            .bind(by)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The pins of a day, oldest first (a later pin of the same visit wins).
    pub async fn pins_on(&self, date: NaiveDate) -> Result<Vec<StoredPin>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT visit, worker, start_time FROM pins WHERE date = $1 ORDER BY id")
                .bind(date_text(date))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(StoredPin {
                        date,
                        visit: row.try_get("visit")?,
                        worker: row.try_get("worker")?,
                        start: row.try_get("start_time")?,
                    })
                })
                .collect()
        })
    }

    /// Records an event of the day.
    pub async fn add_event(
        &self,
        event: &StoredEvent,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO events (date, kind, worker, visit, at_time, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(date_text(event.date))
            .bind(&event.kind)
            .bind(&event.worker)
            .bind(&event.visit)
            .bind(&event.at)
            .bind(at.to_rfc3339())
            .bind(by)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The events of a day, in the order recorded.
    pub async fn events_on(&self, date: NaiveDate) -> Result<Vec<StoredEvent>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT kind, worker, visit, at_time FROM events WHERE date = $1 ORDER BY id")
                .bind(date_text(date))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(StoredEvent {
                        date,
                        kind: row.try_get("kind")?,
                        worker: row.try_get("worker")?,
                        visit: row.try_get("visit")?,
                        at: row.try_get("at_time")?,
                    })
                })
                .collect()
        })
    }
}
