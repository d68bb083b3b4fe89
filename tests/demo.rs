//! The demo as a new user meets it (issue 11): `cargo run --example demo` with no flags
//! serves on 127.0.0.1, records an "Accept all" in SQLite in its working directory,
//! shows the record on the page and in `GET /_consent/records`. Runs the example binary
//! that `cargo test` builds beside the test binaries, then the operators' tool
//! (`examples/ledger.rs`) on the file the demo wrote.
#![cfg(feature = "sqlite")]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// `target/<profile>/examples/<name>`, beside `target/<profile>/deps/<this test>`.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(|deps| deps.parent()).unwrap();
    profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_demo_records_an_accept_all_and_the_tool_exports_and_erases_it() {
    let binary = example("demo");
    assert!(
        binary.exists(),
        "{} is built by `cargo test`",
        binary.display()
    );
    let dir = std::env::temp_dir().join(format!("tower-consent-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _demo = Killed(
        Command::new(&binary)
            .current_dir(&dir)
            .env("PORT", port.to_string())
            .env_remove("DATABASE_URL")
            .env_remove("LEDGER_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        match client.get(format!("{base}/").parse().unwrap()).await {
            Ok(response) if response.status() == StatusCode::OK => break,
            _ if started.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            other => panic!("the demo did not serve within 20 s: {other:?}"),
        }
    }

    // "Accept all" in the banner's form.
    let accept = client
        .request(
            Request::builder()
                .method(Method::POST)
                .uri(format!("{base}/_consent"))
                .header("sec-fetch-site", "same-origin")
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Full::new(Bytes::from_static(
                    b"action=accept_all&return_to=%2F",
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(accept.status(), StatusCode::SEE_OTHER);
    let cookie = accept
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("consent="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("a consent cookie");

    let get = |path: &str| {
        client.request(
            Request::get(format!("{base}{path}"))
                .header(COOKIE, &cookie)
                .body(Full::default())
                .unwrap(),
        )
    };
    let page = get("/")
        .await
        .unwrap()
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes();
    let page = String::from_utf8_lossy(&page);
    let records = page
        .split("<tbody id=\"records\">")
        .nth(1)
        .and_then(|rest| rest.split("</tbody>").next())
        .expect("the records table");
    assert!(records.contains("accept_all"), "{records}");
    assert!(records.contains("banner_form"), "{records}");
    assert!(page.contains("href=\"/_consent/records\""));

    let export = get("/_consent/records").await.unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let export = export.into_body().collect().await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&export).unwrap();
    assert_eq!(json["records"].as_array().unwrap().len(), 1);
    assert_eq!(json["records"][0]["action"], "accept_all");
    assert!(
        dir.join("consent-ledger.db").exists(),
        "SQLite in the working directory"
    );
    drop(_demo);
    let _ = std::fs::remove_dir_all(&dir);
}
