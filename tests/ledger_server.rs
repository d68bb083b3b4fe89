//! The ledger behind a real server on 127.0.0.1 (issue 11): 64 concurrent clients, a
//! server killed with SIGKILL mid-stream, PostgreSQL unreachable and back.
//!
//! PostgreSQL comes from `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); every test uses a schema of its own.
#![cfg(all(feature = "axum", feature = "sqlite", feature = "postgres"))]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, SET_COOKIE};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::AsyncBufReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower_consent::ledger::{Ledger, LedgerStore, PgStore, SqliteStore, Who};
use tower_consent::{ConsentId, ConsentLayer};

const SECRET: [u8; 32] = *b"ledger-server-test-secret-32-byt";

fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn unique(tag: &str) -> String {
    let id: String = ConsentId::random()
        .unwrap()
        .to_string()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("t_{tag}_{}_{id}", std::process::id())
}

/// The app under test. Its many visitors all come from 127.0.0.1: these tests are of
/// the ledger's throughput and durability, so its rate limit per client (issue 26,
/// tests/rate_limit.rs) is off.
fn app(ledger: Ledger) -> Router {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["_ga"])
        .ledger(ledger.rate_limit(None))
        .build()
        .expect("valid configuration");
    Router::new()
        .route("/", get(|| async { "page" }))
        .layer(layer)
}

async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Posts a grant as a new visitor; the consent id if it was acknowledged (`200` with
/// a consent cookie), else the status.
async fn choose(client: &HttpClient, addr: SocketAddr) -> Result<ConsentId, String> {
    post_choice(client, addr, br#"{"action":"accept_all"}"#).await
}

/// Posts the choice `body` as a new visitor; the consent id if it was acknowledged
/// (`200` with a consent cookie), else the status.
async fn post_choice(
    client: &HttpClient,
    addr: SocketAddr,
    body: &'static [u8],
) -> Result<ConsentId, String> {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("http://{addr}/_consent"))
        .header("sec-fetch-site", "same-origin")
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let cookie = response.headers().get(SET_COOKIE).is_some();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if status != StatusCode::OK || !cookie {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&body)));
    }
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    json["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| format!("no id in {json}"))
}

/// 64 clients × 100 choices each: every one acknowledged, recorded once.
async fn sixty_four_clients(store: Arc<dyn LedgerStore>) {
    let ledger = Ledger::from_arc(store);
    let addr = serve(app(ledger.clone())).await;
    let client = client();
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut ids = Vec::with_capacity(100);
                for _ in 0..100 {
                    ids.push(choose(&client, addr).await.expect("an acknowledged choice"));
                }
                ids
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        for id in task.await.unwrap() {
            assert!(ids.insert(id), "consent id {id} given twice");
        }
    }
    assert_eq!(ids.len(), 6400);
    let stats = ledger.stats().await.unwrap();
    assert_eq!(stats.records, 6400, "no loss, no duplicate");
    assert_eq!(stats.consent_ids, 6400);
    for id in ids.iter().take(50) {
        assert_eq!(ledger.history(&Who::Consent(*id)).await.unwrap().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_clients_on_sqlite() {
    let dir = tempdir("concurrent");
    let store = SqliteStore::open(dir.join("ledger.db")).await.unwrap();
    sixty_four_clients(Arc::new(store)).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_clients_on_postgres() {
    let schema = unique("concurrent");
    let store = PgStore::connect_in(&database_url(), &schema).await.unwrap();
    sixty_four_clients(Arc::new(store)).await;
    drop_schema(&schema).await;
}

async fn drop_schema(schema: &str) {
    let pool = sqlx::PgPool::connect(&database_url()).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&pool)
        .await
        .unwrap();
}

/// The server of the durability tests, run in a child process (this test binary,
/// started again with `--ignored --exact child_server`): serves the layer with the
/// store `LEDGER_CHILD_STORE` names (`sqlite:PATH` or `postgres:SCHEMA`) and prints
/// its address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of the durability tests"]
async fn child_server() {
    let spec = std::env::var("LEDGER_CHILD_STORE").expect("LEDGER_CHILD_STORE");
    let store: Arc<dyn LedgerStore> = match spec.split_once(':') {
        Some(("sqlite", path)) => Arc::new(SqliteStore::open(path).await.unwrap()),
        Some(("postgres", schema)) => {
            Arc::new(PgStore::connect_in(&database_url(), schema).await.unwrap())
        }
        _ => panic!("unknown store {spec}"),
    };
    let addr = serve(app(Ledger::from_arc(store))).await;
    println!("LEDGER_CHILD_ADDR={addr}");
    std::future::pending::<()>().await;
}

/// Serves with `spec` in a child process, records choices from 16 clients, kills the
/// child with SIGKILL mid-stream, and checks that every acknowledged choice is in
/// `reopen()`'s store.
async fn killed_mid_stream(spec: String, reopened: impl AsyncFnOnce() -> Arc<dyn LedgerStore>) {
    let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_server", "--nocapture"])
        .env("LEDGER_CHILD_STORE", &spec)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let addr: SocketAddr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(addr) = line.strip_prefix("LEDGER_CHILD_ADDR=") {
                return addr.parse().unwrap();
            }
        }
        panic!("the child ended without serving")
    })
    .await
    .expect("the child serves within 30 s");

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let client = client();
    let clients: Vec<_> = (0..16)
        .map(|_| {
            let (client, acknowledged, stop) = (client.clone(), acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    match choose(&client, addr).await {
                        Ok(id) => acknowledged.lock().unwrap().push(id),
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    // Kill once a good number of choices went through, while they keep coming.
    tokio::time::timeout(Duration::from_secs(20), async {
        while acknowledged.lock().unwrap().len() < 500 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("500 choices within 20 s");
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    let ledger = Ledger::from_arc(reopened().await);
    let mut missing = 0;
    for id in &acknowledged {
        if ledger.history(&Who::Consent(*id)).await.unwrap().is_empty() {
            missing += 1;
        }
    }
    assert_eq!(missing, 0, "of {} acknowledged choices", acknowledged.len());
    let stats = ledger.stats().await.unwrap();
    assert!(stats.records >= acknowledged.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_choices_survive_sigkill_on_sqlite() {
    let dir = tempdir("sigkill");
    let path = dir.join("ledger.db");
    let reopen = path.clone();
    killed_mid_stream(format!("sqlite:{}", path.display()), async move || {
        Arc::new(SqliteStore::open(&reopen).await.unwrap()) as Arc<dyn LedgerStore>
    })
    .await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_choices_survive_sigkill_on_postgres() {
    let schema = unique("sigkill");
    let reopen = schema.clone();
    killed_mid_stream(format!("postgres:{schema}"), async move || {
        Arc::new(PgStore::connect_in(&database_url(), &reopen).await.unwrap())
            as Arc<dyn LedgerStore>
    })
    .await;
    drop_schema(&schema).await;
}

/// A TCP proxy to PostgreSQL that can be cut: while down it refuses new connections
/// and drops the open ones.
async fn proxy(upstream: SocketAddr) -> (SocketAddr, watch::Sender<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (up, _) = watch::channel(true);
    let state = up.subscribe();
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            if !*state.borrow() {
                continue; // dropped: the client sees the connection closed
            }
            let mut state = state.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = TcpStream::connect(upstream).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = state.wait_for(|up| !*up) => {}
                }
            });
        }
    });
    (addr, up)
}

/// A store in a new schema of the test database, reached through a [`proxy`] that can
/// be cut (send `false`), with a pool that gives up after 2 s.
async fn proxied_store(schema: &str) -> (PgStore, watch::Sender<bool>) {
    let url = database_url();
    let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
    let upstream: SocketAddr = tokio::net::lookup_host((options.get_host(), options.get_port()))
        .await
        .unwrap()
        .next()
        .unwrap();
    let (proxied, up) = proxy(upstream).await;
    let proxied_url = options.port(proxied.port()).host("127.0.0.1");
    // Through the proxy: the same server, reached on another port.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(2))
        .connect_with(proxied_url.options([("search_path", schema)]))
        .await
        .unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&pool)
        .await
        .unwrap();
    let store = PgStore::from_pool(pool);
    store.migrate().await.unwrap();
    (store, up)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_unreachable_means_503_then_recovers() {
    let schema = unique("down");
    let (store, up) = proxied_store(&schema).await;
    let ledger = Ledger::new(store);
    let addr = serve(app(ledger.clone())).await;
    let client = client();

    choose(&client, addr).await.expect("recorded while up");
    up.send_replace(false);
    let refused = choose(&client, addr).await.unwrap_err();
    assert!(refused.starts_with("503"), "{refused}");
    assert!(refused.contains("ledger_unavailable"), "{refused}");
    let page = client
        .get(format!("http://{addr}/").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK, "pages are still served");

    up.send_replace(true);
    let recovered = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(id) = choose(&client, addr).await {
                return id;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("recovers within 20 s");
    assert_eq!(
        ledger
            .history(&Who::Consent(recovered))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(ledger.stats().await.unwrap().records, 2);
    drop_schema(&schema).await;
}

/// Issue 21, finding 12, on a real server: while PostgreSQL is unreachable a refusal is
/// answered at once with its consent cookie (not after the pool's 2 s timeout), and it
/// is recorded once the database is back, without another request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_while_postgres_is_unreachable_is_applied_at_once_and_recorded_later() {
    let schema = unique("refuse");
    let (store, up) = proxied_store(&schema).await;
    let ledger = Ledger::new(store);
    let addr = serve(app(ledger.clone())).await;
    let client = client();
    choose(&client, addr).await.expect("recorded while up");

    up.send_replace(false);
    let mut refused = Vec::new();
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let id = post_choice(&client, addr, br#"{"action":"reject_all"}"#)
            .await
            .expect("a refusal is applied while the database is unreachable");
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "answered at once: {:?}",
            started.elapsed()
        );
        refused.push(id);
    }
    let granted = choose(&client, addr).await.unwrap_err();
    assert!(granted.starts_with("503"), "{granted}");

    up.send_replace(true);
    let direct = PgStore::connect_in(&database_url(), &schema).await.unwrap();
    let recorded = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let stats = direct.stats().await.unwrap();
            if stats.records == 4 {
                return stats.records;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the refusals are written once PostgreSQL is back");
    assert_eq!(recorded, 4);
    for id in refused {
        let history = direct.history(&Who::Consent(id)).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].action, tower_consent::ledger::Action::RejectAll);
    }
    drop_schema(&schema).await;
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(unique(tag));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Sets or clears the immutable attribute of `files` (`chattr`, root on ext4 and most
/// Linux file systems): even root cannot write them then, unlike with `chmod`. Cleared
/// again on drop, so a failing test leaves nothing undeletable behind.
struct Immutable(Vec<std::path::PathBuf>);

impl Immutable {
    fn set(files: Vec<std::path::PathBuf>) -> Self {
        for file in &files {
            let status = std::process::Command::new("chattr")
                .arg("+i")
                .arg(file)
                .status()
                .expect("chattr (e2fsprogs) runs");
            assert!(status.success(), "chattr +i {}", file.display());
        }
        Immutable(files)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for file in &self.0 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(file)
                .status();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_sqlite_file_means_503_then_recovers() {
    // Under target/tmp: a real file system (chattr needs one; tmpfs has no such flag).
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(unique("readonly"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ledger.db");
    let ledger = Ledger::new(SqliteStore::open(&path).await.unwrap());
    let addr = serve(app(ledger.clone())).await;
    let client = client();
    choose(&client, addr)
        .await
        .expect("recorded while writable");

    // The database and its write-ahead log read-only (not the shared-memory index,
    // which SQLite maps into memory: writing to it must stay possible).
    let wal = dir.join("ledger.db-wal");
    let read_only = Immutable::set(vec![path.clone(), wal]);
    let refused = choose(&client, addr).await.unwrap_err();
    assert!(refused.starts_with("503"), "{refused}");
    assert!(refused.contains("ledger_unavailable"), "{refused}");
    let page = client
        .get(format!("http://{addr}/").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK, "pages are still served");

    drop(read_only);
    let recovered = choose(&client, addr)
        .await
        .expect("recorded once writable again");
    assert_eq!(
        ledger
            .history(&Who::Consent(recovered))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(ledger.stats().await.unwrap().records, 2);
    let _ = std::fs::remove_dir_all(dir);
}
