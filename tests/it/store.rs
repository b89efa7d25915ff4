//! The store's contract, run against SQLite always and against PostgreSQL when `DATABASE_URL`
//! is set (scripts/with-postgres.sh makes a throwaway cluster; scripts/test.sh uses it). Each test gets a fresh database.

use chrono::{NaiveDate, TimeZone, Utc};
use rounds::store::{
    AuditEntry, NewRota, Role, RotaKey, RotaStatus, Store, StoreError, StoredEvent, StoredPin, User,
};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh SQLite store in a temporary folder (kept alive by the returned guard).
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("rounds.db").display());
    (Store::connect(&url).await.expect("open sqlite"), dir)
}

/// A fresh PostgreSQL database on the server at `DATABASE_URL`, if set.
pub async fn postgres_store() -> Option<Store> {
    static N: AtomicU32 = AtomicU32::new(0);
    let url = std::env::var("DATABASE_URL").ok()?;
    let name = format!("rounds_t_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
    let admin = sqlx::PgPool::connect(&url).await.expect("connect DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create db");
    admin.close().await;
    let base = url.rsplit_once('/').map(|(base, _)| base).expect("URL with a database");
    Some(Store::connect(&format!("{base}/{name}")).await.expect("open postgres"))
}

/// Runs `check` on every engine available.
async fn each_engine<F, Fut>(check: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (sqlite, _dir) = sqlite_store().await;
    check(sqlite).await;
    if let Some(pg) = postgres_store().await {
        check(pg).await;
    }
}

fn at(minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, minute, 0).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

#[tokio::test]
async fn can_store_and_reload_an_import_with_increasing_versions() {
    each_engine(|store| async move {
        assert_eq!(store.latest_import().await.unwrap(), None);
        let mut files = BTreeMap::new();
        files.insert("pods.csv".to_owned(), "id,name\nP01,North\n".to_owned());
        let first = store.save_import(&files, at(0), "admin").await.unwrap();
        files.insert("hubs.csv".to_owned(), "id\nH1\n".to_owned());
        let second = store.save_import(&files, at(1), "admin").await.unwrap();
        assert!(second > first);
        let latest = store.latest_import().await.unwrap().unwrap();
        assert_eq!(latest.version, second);
        assert_eq!(latest.files, files);
    })
    .await;
}

#[tokio::test]
async fn rotas_are_never_overwritten_and_publish_adds_a_version() {
    each_engine(|store| async move {
        let draft = |body: &'static str| NewRota {
            date: day(),
            scope: "pod:P01",
            status: RotaStatus::Draft,
            import_version: 1,
            body,
        };
        assert_eq!(store.publish_rota(day(), "pod:P01", at(0), "o").await.unwrap(), None);
        assert_eq!(store.save_rota(&draft("{\"a\":1}"), at(0), "o").await.unwrap(), 1);
        assert_eq!(store.publish_rota(day(), "pod:P01", at(1), "o").await.unwrap(), Some(2));
        // Publishing again with no newer draft does nothing.
        assert_eq!(store.publish_rota(day(), "pod:P01", at(1), "o").await.unwrap(), None);
        assert_eq!(store.save_rota(&draft("{\"a\":2}"), at(2), "o").await.unwrap(), 3);
        let published = store
            .latest_rota(day(), "pod:P01", Some(RotaStatus::Published))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((published.version, published.body.as_str()), (2, "{\"a\":1}"));
        let latest = store.latest_rota(day(), "pod:P01", None).await.unwrap().unwrap();
        assert_eq!((latest.version, latest.status), (3, RotaStatus::Draft));
        assert_eq!(store.latest_rota(day(), "pod:P02", None).await.unwrap(), None);
        let week = store.published_between(day(), day()).await.unwrap();
        let key = RotaKey { date: day(), scope: "pod:P01".into(), version: 2 };
        assert_eq!(week, vec![key.clone()]);
        assert_eq!(store.rota_body(&key).await.unwrap().as_deref(), Some("{\"a\":1}"));
        let gone = RotaKey { version: 9, ..key };
        assert_eq!(store.rota_body(&gone).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn can_record_pins_and_events_of_a_day() {
    each_engine(|store| async move {
        let pin = StoredPin {
            date: day(),
            visit: "V1".into(),
            worker: Some("W1".into()),
            start: Some("10:30".into()),
        };
        store.add_pin(&pin, at(0), "o").await.unwrap();
        let event = StoredEvent {
            date: day(),
            kind: "sick".into(),
            worker: Some("W1".into()),
            visit: None,
            at: Some("10:00".into()),
        };
        store.add_event(&event, at(1), "o").await.unwrap();
        assert_eq!(store.pins_on(day()).await.unwrap(), vec![pin]);
        assert_eq!(store.events_on(day()).await.unwrap(), vec![event]);
        assert!(store.pins_on(day().succ_opt().unwrap()).await.unwrap().is_empty());
    })
    .await;
}

fn social_worker() -> User {
    User {
        id: "sw1".into(),
        role: Role::SocialWorker,
        worker: Some("W1".into()),
        pod: None,
        locality: None,
    }
}

#[tokio::test]
async fn users_are_found_by_token_hash_and_feed_tokens_can_be_revoked() {
    each_engine(|store| async move {
        let user = social_worker();
        store.add_user(&user, "hash-a", at(0)).await.unwrap();
        let again = store.add_user(&user, "hash-b", at(0)).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        assert_eq!(store.user_by_token_hash("hash-a").await.unwrap(), Some(user.clone()));
        assert_eq!(store.user_by_token_hash("hash-b").await.unwrap(), None);
        assert!(store.set_feed_token_hash("sw1", Some("feed")).await.unwrap());
        assert_eq!(store.user_by_feed_hash("feed").await.unwrap(), Some(user));
        store.set_feed_token_hash("sw1", None).await.unwrap();
        assert_eq!(store.user_by_feed_hash("feed").await.unwrap(), None);
        assert_eq!(store.count_users().await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_revoked_user_holds_no_token() {
    each_engine(|store| async move {
        let user = social_worker();
        store.add_user(&user, "hash-a", at(0)).await.unwrap();
        store.set_feed_token_hash("sw1", Some("feed")).await.unwrap();
        assert!(store.revoke_user("sw1", at(1)).await.unwrap());
        assert_eq!(store.user_by_token_hash("hash-a").await.unwrap(), None);
        assert_eq!(store.user_by_feed_hash("feed").await.unwrap(), None);
        assert!(!store.revoke_user("sw1", at(2)).await.unwrap(), "already revoked");
        assert!(!store.revoke_user("nobody", at(2)).await.unwrap(), "no such user");
    })
    .await;
}

#[tokio::test]
async fn audit_log_reads_newest_first() {
    each_engine(|store| async move {
        let entry = |t: u32, who: &str, action: &str, detail: &str| AuditEntry {
            at: at(t).to_rfc3339(),
            who: who.into(),
            action: action.into(),
            detail: detail.into(),
        };
        store.audit_all(&[entry(0, "sw1", "read_plan", "2026-11-23")]).await.unwrap();
        store.audit_all(&[entry(1, "admin", "read_audit", "")]).await.unwrap();
        let log = store.audit_log(10).await.unwrap();
        let whos: Vec<&str> = log.iter().map(|entry| entry.who.as_str()).collect();
        assert_eq!(whos, ["admin", "sw1"]);
    })
    .await;
}

#[tokio::test]
async fn a_batch_of_audit_rows_longer_than_one_insert_is_written_whole_and_in_order() {
    each_engine(|store| async move {
        let n = rounds::store::AUDIT_ROWS_PER_INSERT + 3;
        let entries: Vec<AuditEntry> = (0..n)
            .map(|i| AuditEntry {
                at: at(0).to_rfc3339(),
                who: format!("sw{i}"),
                action: "read_plan".into(),
                detail: format!("row {i}"),
            })
            .collect();
        store.audit_all(&entries).await.unwrap();
        let log = store.audit_log(10_000).await.unwrap();
        assert_eq!(log.len(), n);
        assert_eq!(log.first().map(|e| e.detail.as_str()), Some(format!("row {}", n - 1).as_str()));
        assert_eq!(log.last(), entries.first());
    })
    .await;
}

/// Checkpoints stall the commit that runs them, and every plan read commits an audit row: the
/// writer leaves them to [`Store::checkpoint`], which the server runs off the write path.
#[tokio::test]
async fn the_sqlite_writer_leaves_checkpoints_to_the_store() {
    let (store, dir) = sqlite_store().await;
    let log = dir.path().join("rounds.db-wal");
    // About 8 MB in commits of 400 kB: twice SQLite's default threshold (1,000 pages of 4 kB),
    // past which a writer that checkpoints starts its log again from the beginning.
    let detail = "x".repeat(4_000);
    for batch in 0..20 {
        let entries: Vec<AuditEntry> = (0..100)
            .map(|i| AuditEntry {
                at: at(0).to_rfc3339(),
                who: format!("sw{batch}-{i}"),
                action: "read_plan".into(),
                detail: detail.clone(),
            })
            .collect();
        store.audit_all(&entries).await.unwrap();
    }
    let grown = std::fs::metadata(&log).expect("the write-ahead log").len();
    assert!(grown > 6_000_000, "the log was {grown} bytes: the writer checkpointed");
    assert!(store.checkpoint().await.unwrap(), "a checkpoint with no reader copies the whole log");
    assert_eq!(store.audit_log(10_000).await.unwrap().len(), 2_000);
}

#[tokio::test]
async fn rejects_an_unknown_database_url() {
    assert!(matches!(Store::connect("mysql://x").await, Err(StoreError::BadUrl(_))));
}

#[tokio::test]
async fn rotas_saved_at_once_for_one_day_and_scope_all_get_their_own_version() {
    each_engine(|store| async move {
        let saves = (0..16).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let body = format!("{{\"n\":{i}}}");
                let rota = NewRota {
                    date: day(),
                    scope: "pod:P01",
                    status: RotaStatus::Draft,
                    import_version: 1,
                    body: &body,
                };
                store.save_rota(&rota, at(i), "o").await
            })
        });
        let mut versions = Vec::new();
        for save in saves.collect::<Vec<_>>() {
            versions.push(save.await.expect("task").expect("every save succeeds"));
        }
        versions.sort();
        assert_eq!(versions, (1..=16).collect::<Vec<i64>>());
    })
    .await;
}
