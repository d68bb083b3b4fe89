//! One suite, every ledger store (issue 11): memory, SQLite and PostgreSQL run the same
//! tests. PostgreSQL comes from `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test works in a schema of its own,
//! dropped at the end. SQLite tests each use a fresh file in the temporary directory.
#![cfg(all(feature = "sqlite", feature = "postgres"))]

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tower_consent::ledger::{
    Action, Ledger, LedgerStore, MemoryStore, PgStore, Record, RecordSource, SqliteStore, Who,
    Wording,
};
use tower_consent::{ConsentId, Regime};

fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A name no other test (or test run) uses.
fn unique(tag: &str) -> String {
    let id = ConsentId::random().expect("randomness").to_string();
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("t_{tag}_{}_{clean}", std::process::id())
}

/// A backend under test: opens its store, and opens it again (migrating an existing
/// database).
trait Backend: Sized {
    async fn new(tag: &str) -> Self;
    fn store(&self) -> Arc<dyn LedgerStore>;
    async fn reopen(&self) -> Arc<dyn LedgerStore>;
    /// Removes what the test left behind.
    async fn cleanup(self) {}
}

struct Memory(Arc<dyn LedgerStore>);

impl Backend for Memory {
    async fn new(_: &str) -> Self {
        Memory(Arc::new(MemoryStore::new()))
    }
    fn store(&self) -> Arc<dyn LedgerStore> {
        self.0.clone()
    }
    async fn reopen(&self) -> Arc<dyn LedgerStore> {
        self.0.clone()
    }
}

struct Sqlite {
    path: std::path::PathBuf,
    store: Arc<dyn LedgerStore>,
}

impl Backend for Sqlite {
    async fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!("{}.db", unique(tag)));
        let store = SqliteStore::open(&path).await.expect("open SQLite");
        Sqlite {
            path,
            store: Arc::new(store),
        }
    }
    fn store(&self) -> Arc<dyn LedgerStore> {
        self.store.clone()
    }
    async fn reopen(&self) -> Arc<dyn LedgerStore> {
        Arc::new(SqliteStore::open(&self.path).await.expect("reopen SQLite"))
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.path.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

struct Postgres {
    schema: String,
    store: Arc<dyn LedgerStore>,
}

impl Backend for Postgres {
    async fn new(tag: &str) -> Self {
        let schema = unique(tag);
        let store = PgStore::connect_in(&database_url(), &schema)
            .await
            .expect("connect to PostgreSQL (DATABASE_URL)");
        Postgres {
            schema,
            store: Arc::new(store),
        }
    }
    fn store(&self) -> Arc<dyn LedgerStore> {
        self.store.clone()
    }
    async fn reopen(&self) -> Arc<dyn LedgerStore> {
        Arc::new(
            PgStore::connect_in(&database_url(), &self.schema)
                .await
                .expect("reconnect"),
        )
    }
    async fn cleanup(self) {
        self.drop_schema().await
    }
}

impl Postgres {
    async fn drop_schema(self) {
        let pool = sqlx::PgPool::connect(&database_url())
            .await
            .expect("connect");
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema))
            .execute(&pool)
            .await
            .expect("drop the test schema");
    }
}

fn record(id: ConsentId, at: OffsetDateTime, action: Action, wording: &Wording) -> Record {
    Record {
        consent_id: id,
        recorded_at: at.replace_nanosecond(0).expect("valid"),
        revision: 3,
        granted: match action {
            Action::AcceptAll => vec!["necessary".into(), "analytics".into(), "marketing".into()],
            _ => vec!["necessary".into()],
        },
        action,
        source: RecordSource::BannerForm,
        language: wording.language.clone(),
        wording: wording.hash.clone(),
        page: Some("/shop".into()),
        gpc: false,
        // Withdrawals made in California, the rest with no region: both kinds of row.
        regime: match action {
            Action::Withdraw => Regime::OptOut,
            _ => Regime::OptIn,
        },
        region: match action {
            Action::Withdraw => Some("US-CA".parse().expect("a region")),
            _ => None,
        },
        user_agent: Some("Mozilla/5.0 (test)".into()),
        ip: Some("203.0.113.0/24".into()),
    }
}

fn id() -> ConsentId {
    ConsentId::random().expect("randomness")
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

async fn records_history_and_export<B: Backend>(tag: &str) -> B {
    let db = B::new(tag).await;
    let store = db.store();
    let english = Wording::new("en", r#"{"title":"Cookies"}"#);
    let german = Wording::new("de", r#"{"title":"Kekse"}"#);
    let unused = Wording::new("fr", r#"{"title":"Biscuits"}"#);
    let (a, b) = (id(), id());
    let first = record(
        a,
        now() - Duration::from_secs(60),
        Action::AcceptAll,
        &english,
    );
    let second = record(a, now(), Action::Withdraw, &german);
    let other = record(b, now(), Action::RejectAll, &english);
    store
        .append(
            &[first.clone(), other.clone()],
            &[english.clone(), unused.clone()],
        )
        .await
        .expect("append");
    // A wording already stored is no conflict.
    store
        .append(
            std::slice::from_ref(&second),
            &[german.clone(), english.clone()],
        )
        .await
        .expect("append again");

    let ledger = Ledger::from_arc(store.clone());
    assert_eq!(
        ledger.history(&Who::Consent(a)).await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    assert_eq!(ledger.history(&Who::Consent(b)).await.unwrap(), vec![other]);
    assert!(ledger
        .history(&Who::Consent(id()))
        .await
        .unwrap()
        .is_empty());

    let export = ledger.export(&Who::Consent(a)).await.unwrap();
    assert_eq!(export.records, vec![first, second]);
    let mut hashes: Vec<_> = export.wordings.iter().map(|w| w.hash.clone()).collect();
    hashes.sort();
    let mut expected = vec![english.hash.clone(), german.hash.clone()];
    expected.sort();
    assert_eq!(hashes, expected, "the wordings the records name, each once");
    assert!(export.wordings.contains(&german));

    let stats = ledger.stats().await.unwrap();
    assert_eq!(
        (stats.records, stats.consent_ids, stats.wordings),
        (3, 2, 3)
    );
    db
}

async fn link_and_erase<B: Backend>(tag: &str) -> B {
    let db = B::new(tag).await;
    let ledger = Ledger::from_arc(db.store());
    let wording = Wording::new("en", "{}");
    let (laptop, phone, stranger) = (id(), id(), id());
    let records = [
        record(laptop, now(), Action::AcceptAll, &wording),
        record(phone, now(), Action::Custom, &wording),
        record(stranger, now(), Action::RejectAll, &wording),
    ];
    ledger
        .store()
        .append(&records, std::slice::from_ref(&wording))
        .await
        .unwrap();
    ledger.link(laptop, "account-7").await.unwrap();
    ledger.link(phone, "account-7").await.unwrap();
    ledger
        .link(phone, "account-7")
        .await
        .expect("linking twice is fine");

    let by_subject = ledger
        .history(&Who::Subject("account-7".into()))
        .await
        .unwrap();
    assert_eq!(by_subject, records[..2].to_vec());
    assert!(ledger
        .history(&Who::Subject("account-8".into()))
        .await
        .unwrap()
        .is_empty());

    assert_eq!(
        ledger
            .erase(&Who::Subject("account-7".into()))
            .await
            .unwrap(),
        2
    );
    let export = ledger
        .export(&Who::Subject("account-7".into()))
        .await
        .unwrap();
    assert!(export.records.is_empty() && export.wordings.is_empty());
    assert!(ledger
        .export(&Who::Consent(laptop))
        .await
        .unwrap()
        .records
        .is_empty());
    assert_eq!(ledger.stats().await.unwrap().links, 0);

    assert_eq!(ledger.erase(&Who::Consent(stranger)).await.unwrap(), 1);
    assert!(ledger
        .export(&Who::Consent(stranger))
        .await
        .unwrap()
        .records
        .is_empty());
    assert_eq!(ledger.erase(&Who::Consent(stranger)).await.unwrap(), 0);
    assert_eq!(ledger.stats().await.unwrap().records, 0);
    db
}

async fn retention<B: Backend>(tag: &str) -> B {
    let db = B::new(tag).await;
    let ledger = Ledger::from_arc(db.store()).retention(Duration::from_secs(30 * 24 * 3600));
    let wording = Wording::new("en", "{}");
    let (old, recent) = (id(), id());
    let records = [
        record(
            old,
            now() - Duration::from_secs(31 * 24 * 3600),
            Action::AcceptAll,
            &wording,
        ),
        record(
            recent,
            now() - Duration::from_secs(29 * 24 * 3600),
            Action::AcceptAll,
            &wording,
        ),
        record(recent, now(), Action::Withdraw, &wording),
    ];
    ledger
        .store()
        .append(&records, std::slice::from_ref(&wording))
        .await
        .unwrap();
    ledger.link(old, "gone").await.unwrap();
    ledger.link(recent, "kept").await.unwrap();
    assert_eq!(ledger.delete_expired().await.unwrap(), 1);
    assert!(ledger.history(&Who::Consent(old)).await.unwrap().is_empty());
    assert_eq!(
        ledger.history(&Who::Consent(recent)).await.unwrap().len(),
        2
    );
    let stats = ledger.stats().await.unwrap();
    assert_eq!(stats.links, 1, "the link of an id without records goes too");
    assert_eq!(stats.wordings, 1, "wordings stay");
    assert_eq!(ledger.delete_expired().await.unwrap(), 0);
    db
}

async fn migrations_on_an_existing_database<B: Backend>(tag: &str) -> B {
    let db = B::new(tag).await;
    let wording = Wording::new("en", "{}");
    let kept = record(id(), now(), Action::AcceptAll, &wording);
    db.store()
        .append(std::slice::from_ref(&kept), std::slice::from_ref(&wording))
        .await
        .unwrap();
    // Opening again migrates again: nothing to do, nothing lost.
    let again = db.reopen().await;
    let ledger = Ledger::from_arc(again);
    assert_eq!(
        ledger
            .history(&Who::Consent(kept.consent_id))
            .await
            .unwrap(),
        vec![kept]
    );
    assert_eq!(ledger.stats().await.unwrap().records, 1);
    db
}

async fn empty_store_answers_empty<B: Backend>(tag: &str) -> B {
    let db = B::new(tag).await;
    let ledger = Ledger::from_arc(db.store());
    let stats = ledger.stats().await.unwrap();
    assert_eq!(stats.records, 0);
    assert_eq!(stats.oldest, None);
    assert!(ledger
        .export(&Who::Consent(id()))
        .await
        .unwrap()
        .records
        .is_empty());
    assert_eq!(ledger.delete_expired().await.unwrap(), 0);
    db
}

/// Issue 21, finding 18: a history is read a page at a time, by id and by subject.
async fn history_pages<B: Backend>(tag: &str) -> B {
    let db = B::new(tag).await;
    let ledger = Ledger::from_arc(db.store());
    let wording = Wording::new("en", "{}");
    let (a, b) = (id(), id());
    // Five records of `a` with two of `b` between them, written in three batches.
    let at = |seconds: u64| now() - Duration::from_secs(600 - seconds);
    let of_a: Vec<Record> = (0..5)
        .map(|i| record(a, at(i), Action::Custom, &wording))
        .collect();
    let of_b: Vec<Record> = (0..2)
        .map(|i| record(b, at(10 + i), Action::RejectAll, &wording))
        .collect();
    let store = ledger.store();
    for batch in [
        vec![of_a[0].clone(), of_b[0].clone(), of_a[1].clone()],
        vec![of_a[2].clone()],
        vec![of_b[1].clone(), of_a[3].clone(), of_a[4].clone()],
    ] {
        store
            .append(&batch, std::slice::from_ref(&wording))
            .await
            .expect("append");
    }

    let who = Who::Consent(a);
    let first = ledger.history_page(&who, None, 2).await.unwrap();
    assert_eq!(first.records, of_a[..2]);
    let second = ledger.history_page(&who, first.next, 2).await.unwrap();
    assert_eq!(second.records, of_a[2..4]);
    let last = ledger.history_page(&who, second.next, 2).await.unwrap();
    assert_eq!(last.records, of_a[4..]);
    assert_eq!(last.next, None, "nothing follows the last page");
    assert!(first.next < second.next, "positions grow");

    // A page exactly as long as what is left is the last one.
    let whole = ledger.history_page(&who, None, 5).await.unwrap();
    assert_eq!((whole.records, whole.next), (of_a.clone(), None));
    let rest = ledger.history_page(&who, first.next, 100).await.unwrap();
    assert_eq!((rest.records, rest.next), (of_a[2..].to_vec(), None));
    // A limit of zero reads one record; past the end, nothing.
    assert_eq!(
        ledger.history_page(&who, None, 0).await.unwrap().records,
        of_a[..1]
    );
    let past = ledger.history_page(&who, Some(u64::MAX), 10).await.unwrap();
    assert_eq!((past.records.len(), past.next), (0, None));
    let nobody = ledger
        .history_page(&Who::Consent(id()), None, 10)
        .await
        .unwrap();
    assert_eq!((nobody.records.len(), nobody.next), (0, None));

    // By subject: every linked id's records, in the order written.
    ledger.link(a, "account-9").await.unwrap();
    ledger.link(b, "account-9").await.unwrap();
    let subject = Who::Subject("account-9".into());
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = ledger.history_page(&subject, after, 3).await.unwrap();
        assert!(page.records.len() <= 3);
        all.extend(page.records);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(all, ledger.history(&subject).await.unwrap());
    assert_eq!(
        all,
        [
            of_a[0].clone(),
            of_b[0].clone(),
            of_a[1].clone(),
            of_a[2].clone(),
            of_b[1].clone(),
            of_a[3].clone(),
            of_a[4].clone()
        ]
    );
    db
}

macro_rules! store_suite {
    ($module:ident, $backend:ty) => {
        mod $module {
            use super::*;

            #[tokio::test]
            async fn records_history_and_export() {
                let db = super::records_history_and_export::<$backend>("rec").await;
                db.cleanup().await;
            }

            #[tokio::test]
            async fn link_and_erase() {
                let db = super::link_and_erase::<$backend>("erase").await;
                db.cleanup().await;
            }

            #[tokio::test]
            async fn retention() {
                let db = super::retention::<$backend>("ret").await;
                db.cleanup().await;
            }

            #[tokio::test]
            async fn migrations_on_an_existing_database() {
                let db = super::migrations_on_an_existing_database::<$backend>("mig").await;
                db.cleanup().await;
            }

            #[tokio::test]
            async fn history_pages() {
                let db = super::history_pages::<$backend>("page").await;
                db.cleanup().await;
            }

            #[tokio::test]
            async fn empty_store_answers_empty() {
                let db = super::empty_store_answers_empty::<$backend>("empty").await;
                db.cleanup().await;
            }
        }
    };
}

store_suite!(memory, Memory);
store_suite!(sqlite, Sqlite);
store_suite!(postgres, Postgres);

#[tokio::test]
async fn postgres_schema_names_are_checked() {
    let error = PgStore::connect_in(&database_url(), "x; DROP TABLE y")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("schema"), "{error}");
}

/// A ledger written before regimes existed (issue 25) gains the `regime` and `region`
/// columns when opened: its records read as opt-in, without a region.
#[tokio::test]
async fn sqlite_records_kept_before_regimes_read_as_opt_in() {
    let path = std::env::temp_dir().join(format!("{}.db", unique("before-regimes")));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url)
        .await
        .expect("create SQLite");
    let first = include_str!("../migrations/sqlite/20261125000001_consent_ledger.sql");
    sqlx::raw_sql(first)
        .execute(&pool)
        .await
        .expect("the first schema");
    let id = id();
    sqlx::raw_sql(&format!(
        "INSERT INTO consent_wordings VALUES ('w', 'en', '{{}}'); \
         INSERT INTO consent_records (consent_id, recorded_at, revision, granted, action, \
         source, language, wording, page, gpc) \
         VALUES ('{id}', 1700000000, 1, 'necessary', 'reject_all', 'banner_form', 'en', 'w', \
         '/', 0);"
    ))
    .execute(&pool)
    .await
    .expect("a record of the first schema");
    pool.close().await;
    let ledger = Ledger::new(SqliteStore::open(&path).await.expect("migrate"));
    let history = ledger.history(&Who::Consent(id)).await.unwrap();
    let [record] = history.as_slice() else {
        panic!("one record: {history:?}");
    };
    assert_eq!((record.regime, record.region), (Regime::OptIn, None));
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}
