//! Many instances, one ledger store (issue 26): the cookie declaration lists what any
//! instance has seen, within ten seconds of the first sighting, and the undeclared-cookie
//! report adds up every instance's counts; an entry once known is written no more.
//! Two layers (two "instances") on one SQLite file and on one PostgreSQL schema (a
//! schema of its own per test run, dropped at the end), and the stores' `share` alone.
#![cfg(all(feature = "sqlite", feature = "postgres"))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::Request;
use time::OffsetDateTime;
use tower::ServiceExt;
use tower_consent::ledger::{
    BoxFuture, HistoryPage, Ledger, LedgerError, LedgerStore, MemoryStore, PgStore, Record,
    SeenEntry, Shared, SqliteStore, Stats, Who, Wording, SHARED_NAMES,
};
use tower_consent::{ConsentId, ConsentLayer, Direction, UndeclaredCookie};

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

/// Where the instances' stores live: each call of `open` is a new connection (a new
/// instance's store) to the same database.
enum Database {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Database {
    fn sqlite(tag: &str) -> Self {
        Database::Sqlite(std::env::temp_dir().join(format!("{}.db", unique(tag))))
    }

    fn postgres(tag: &str) -> Self {
        Database::Postgres(unique(tag))
    }

    async fn open(&self) -> Arc<dyn LedgerStore> {
        match self {
            Database::Sqlite(path) => Arc::new(SqliteStore::open(path).await.expect("SQLite")),
            Database::Postgres(schema) => Arc::new(
                PgStore::connect_in(&database_url(), schema)
                    .await
                    .expect("connect to PostgreSQL (DATABASE_URL)"),
            ),
        }
    }

    async fn cleanup(self) {
        match self {
            Database::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut path = path.clone().into_os_string();
                    path.push(suffix);
                    let _ = std::fs::remove_file(path);
                }
            }
            Database::Postgres(schema) => {
                let pool = sqlx::PgPool::connect(&database_url())
                    .await
                    .expect("connect");
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    .execute(&pool)
                    .await
                    .expect("drop the test schema");
            }
        }
    }
}

/// A store that counts the catalog entries written through `share`.
#[derive(Debug)]
struct Counting {
    inner: Arc<dyn LedgerStore>,
    entries_written: AtomicUsize,
    shares: AtomicUsize,
}

impl LedgerStore for Counting {
    fn append<'a>(
        &'a self,
        records: &'a [Record],
        wordings: &'a [Wording],
    ) -> BoxFuture<'a, Result<(), LedgerError>> {
        self.inner.append(records, wordings)
    }
    fn history<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<Vec<Record>, LedgerError>> {
        self.inner.history(who)
    }
    fn history_page<'a>(
        &'a self,
        who: &'a Who,
        after: Option<u64>,
        limit: usize,
    ) -> BoxFuture<'a, Result<HistoryPage, LedgerError>> {
        self.inner.history_page(who, after, limit)
    }
    fn wordings<'a>(
        &'a self,
        hashes: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Wording>, LedgerError>> {
        self.inner.wordings(hashes)
    }
    fn erase<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<u64, LedgerError>> {
        self.inner.erase(who)
    }
    fn link<'a>(
        &'a self,
        id: ConsentId,
        subject: &'a str,
    ) -> BoxFuture<'a, Result<(), LedgerError>> {
        self.inner.link(id, subject)
    }
    fn delete_before(&self, before: OffsetDateTime) -> BoxFuture<'_, Result<u64, LedgerError>> {
        self.inner.delete_before(before)
    }
    fn stats(&self) -> BoxFuture<'_, Result<Stats, LedgerError>> {
        self.inner.stats()
    }
    fn share<'a>(
        &'a self,
        seen: &'a [SeenEntry],
        undeclared: &'a [UndeclaredCookie],
        dropped: u64,
    ) -> BoxFuture<'a, Result<Option<Shared>, LedgerError>> {
        self.entries_written.fetch_add(seen.len(), Ordering::SeqCst);
        self.shares.fetch_add(1, Ordering::SeqCst);
        self.inner.share(seen, undeclared, dropped)
    }
}

/// One instance: a layer with the catalog, on its own connection to the database. `/ga`
/// sets Google Analytics's `_ga` (the app's own `Set-Cookie`: listed at once); every
/// other path answers plainly.
struct Instance {
    layer: ConsentLayer,
    app: Router,
    store: Arc<Counting>,
}

impl Instance {
    async fn new(database: &Database) -> Self {
        let store = Arc::new(Counting {
            inner: database.open().await,
            entries_written: AtomicUsize::new(0),
            shares: AtomicUsize::new(0),
        });
        let layer = ConsentLayer::builder()
            .secret([9u8; 32])
            .secure(false)
            .known_trackers()
            .ledger(Ledger::from_arc(store.clone()))
            .build()
            .expect("layer");
        let app = Router::new()
            .route(
                "/ga",
                get(|| async { ([(SET_COOKIE, "_ga=GA1.1.1.1; Path=/; Max-Age=600")], "ga") }),
            )
            .fallback(get(|| async { "page" }))
            .layer(layer.clone());
        Instance { layer, app, store }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }

    /// A consent cookie of a new browser (a refusal: a new consent id).
    async fn new_browser(&self) -> String {
        let response = self
            .app
            .clone()
            .oneshot(
                Request::post("/_consent")
                    .header("sec-fetch-site", "same-origin")
                    .header(CONTENT_TYPE, "application/json")
                    .body(Body::from(r#"{"action":"reject_all"}"#))
                    .unwrap(),
            )
            .await
            .unwrap();
        let cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .find_map(|v| v.to_str().ok()?.strip_prefix("consent="))
            .expect("a consent cookie");
        format!("consent={}", cookie.split(';').next().unwrap())
    }

    /// The catalog entries the declaration lists.
    fn listed(&self) -> Vec<String> {
        let mut listed: Vec<String> = self
            .layer
            .declaration()
            .categories
            .iter()
            .flat_map(|category| &category.cookies)
            .filter(|cookie| cookie.catalog)
            .map(|cookie| cookie.name.clone())
            .collect();
        listed.sort();
        listed
    }

    /// The report's counts of `name`: (in requests, in responses).
    fn counted(&self, name: &str) -> Option<(u64, u64)> {
        self.layer
            .report()
            .cookies
            .iter()
            .find(|cookie| cookie.name == name)
            .map(|cookie| (cookie.in_requests, cookie.in_responses))
    }
}

/// Waits until `done` holds, at most `within`; returns how long it took.
async fn until(within: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < within {
        if done() {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done().then(|| start.elapsed())
}

async fn two_instances_one_declaration(database: Database) {
    let first = Instance::new(&database).await;
    let second = Instance::new(&database).await;
    assert!(first.listed().is_empty() && second.listed().is_empty());

    // The first instance's app sets `_ga`; three browsers send `_fbp` to the second.
    first.get("/ga", None).await;
    assert_eq!(first.listed(), ["_ga"], "listed at once where it was seen");
    for _ in 0..3 {
        let browser = second.new_browser().await;
        second
            .get("/", Some(&format!("{browser}; _fbp=fb.1.1.1")))
            .await;
    }
    assert_eq!(second.listed(), ["_fbp"]);
    let both = ["_fbp", "_ga"].map(str::to_owned);
    let took = until(Duration::from_secs(10), || {
        first.listed() == both && second.listed() == both
    })
    .await;
    assert!(
        took.is_some(),
        "within ten seconds: {:?} / {:?}",
        first.listed(),
        second.listed()
    );

    // The report adds up: `trk` 3 times here, 2 times there.
    for _ in 0..3 {
        first.get("/", Some("trk=1")).await;
    }
    for _ in 0..2 {
        second.get("/", Some("trk=1")).await;
    }
    assert_eq!(first.counted("trk"), Some((3, 0)), "its own counts at once");
    let summed = until(Duration::from_secs(10), || {
        first.counted("trk") == Some((5, 0)) && second.counted("trk") == Some((5, 0))
    })
    .await;
    assert!(
        summed.is_some(),
        "{:?} / {:?}",
        first.counted("trk"),
        second.counted("trk")
    );

    // Known entries are written once by each instance that saw them, and no more,
    // however many requests carry them.
    let written = |instance: &Instance| instance.store.entries_written.load(Ordering::SeqCst);
    assert_eq!((written(&first), written(&second)), (1, 1));
    let shares_before = first.store.shares.load(Ordering::SeqCst);
    for _ in 0..50 {
        first.get("/ga", Some("_ga=GA1.1.1.1; _fbp=fb.1.1.1")).await;
        second
            .get("/ga", Some("_ga=GA1.1.1.1; _fbp=fb.1.1.1"))
            .await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!((written(&first), written(&second)), (1, 1));
    let shares = first.store.shares.load(Ordering::SeqCst) - shares_before;
    assert!(
        shares <= 3,
        "one exchange a tick, not one a request: {shares}"
    );
    database.cleanup().await;
}

#[tokio::test]
async fn sqlite_two_instances_one_declaration() {
    two_instances_one_declaration(Database::sqlite("fleet")).await;
}

#[tokio::test]
async fn postgres_two_instances_one_declaration() {
    two_instances_one_declaration(Database::postgres("fleet")).await;
}

fn cookie(name: &str, at: u64, path: &str, requests: u64, responses: u64) -> UndeclaredCookie {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(at);
    let mut cookie = UndeclaredCookie::new(name, at, path, Direction::Request);
    cookie.in_requests = requests;
    cookie.in_responses = responses;
    cookie
}

/// `share` itself, on every store: one row per entry, names' counts added, the earliest
/// first sighting kept, at most `SHARED_NAMES` names.
async fn share_adds_up(store: Arc<dyn LedgerStore>) {
    let at = |secs| OffsetDateTime::from_unix_timestamp(secs).unwrap();
    let shared = store
        .share(
            &[SeenEntry::new("_ga", true, at(2_000_000))],
            &[cookie("trk", 2_000_000, "/late", 3, 1)],
            4,
        )
        .await
        .unwrap()
        .expect("the store shares");
    assert_eq!(shared.entries, [SeenEntry::new("_ga", true, at(2_000_000))]);
    let shared = store
        .share(
            &[
                SeenEntry::new("_ga", false, at(1_000_000)),
                SeenEntry::new("_fbp", false, at(1_500_000)),
            ],
            &[cookie("trk", 1_000_000, "/early", 2, 0)],
            1,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        shared.entries,
        [
            SeenEntry::new("_ga", true, at(1_000_000)),
            SeenEntry::new("_fbp", false, at(1_500_000)),
        ]
    );
    let [trk] = &shared.undeclared[..] else {
        panic!("{:?}", shared.undeclared)
    };
    assert_eq!((trk.in_requests, trk.in_responses), (5, 1));
    assert_eq!(trk.first_path, "/early");
    assert_eq!(shared.dropped, 5);

    // Past `SHARED_NAMES` names, new ones only add to `dropped`.
    let many: Vec<UndeclaredCookie> = (0..SHARED_NAMES + 10)
        .map(|n| cookie(&format!("n{n}"), 3_000_000, "/", 1, 0))
        .collect();
    let shared = store.share(&[], &many, 0).await.unwrap().unwrap();
    assert_eq!(shared.undeclared.len(), SHARED_NAMES);
    assert_eq!(
        shared.dropped,
        5 + 11,
        "the names past the cap, trk being one kept"
    );
    // Nothing new: the same answer, nothing written.
    let again = store.share(&[], &[], 0).await.unwrap().unwrap();
    assert_eq!(again, shared);
    // Instances come and go (a deploy, a restart): one row per entry, whatever their
    // number, with the earliest sighting and whether any instance saw the app set it.
    for restart in 0..20 {
        let shared = store
            .share(
                &[SeenEntry::new("_ga", false, at(4_000_000 + restart))],
                &[],
                0,
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            shared.entries[0],
            SeenEntry::new("_ga", true, at(1_000_000))
        );
        assert_eq!(shared.entries.len(), 2);
    }
}

#[tokio::test]
async fn memory_store_shares() {
    share_adds_up(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn sqlite_store_shares() {
    let database = Database::sqlite("share");
    share_adds_up(database.open().await).await;
    database.cleanup().await;
}

#[tokio::test]
async fn postgres_store_shares() {
    let database = Database::postgres("share");
    share_adds_up(database.open().await).await;
    database.cleanup().await;
}
