//! Real-browser tests: headless Chromium, driven over WebDriver (`chromedriver` +
//! `fantoccini`), against the consent banner of an in-process axum app on loopback.
//!
//! `banner_in_headless_chromium` runs its scenarios one after the other (parallel
//! Chromium sessions are slow and flaky on a 2-core machine), each in a fresh WebDriver
//! session with a fresh profile, so a fresh cookie jar:
//!
//! 1. `js_reject`: Reject all with JavaScript; the trackers never reach the browser.
//! 2. `js_customize_and_withdraw`: the second layer, a custom choice, the
//!    `consent:change` event, the trackers the app then receives, and withdrawal.
//! 3. `nojs_reject`: Reject all with JavaScript disabled: a plain form post, `303` back.
//! 4. `nojs_customize_settings`: a custom choice without JavaScript (native
//!    `<details>`, and each category's "Show cookies" `<details>`), then withdrawal on
//!    the standalone settings page, then its link to the cookie declaration page.
//! 5. `keyboard_only`: Tab order and Enter, starting from the banner's initial focus.
//!
//! `banner_layout_and_languages` measures element boxes at 1280 × 800 and on an emulated
//! 390 × 844 phone (the first layer's buttons equally tall, "Withdraw consent" on the
//! settings page included; "Save choices" in view with Customize open), picks the
//! language from Chromium's `intl.accept_languages` and from `Accept-Language` headers,
//! and checks the dark default and restyling through a custom property.
//!
//! `nested_page_nojs_choice_returns_to_that_page` checks that a page of a nested
//! router gets its visitors back after a choice made without JavaScript.
//! `html_gate_in_headless_chromium` holds a tracker back and activates it on "Accept
//! all"; `html_gate_forged_attributes_stay_inert_in_headless_chromium` checks that user
//! content carrying forged `data-consent-*` attributes stays inert after "Accept all"
//! while the gate's own held-back script runs. `embeds_and_storage_in_headless_chromium`
//! (issue 24) shows a loopback stand-in for a video vendor's player behind its
//! placeholder: "Load this one" loads that player without a reload, a request or a
//! consent cookie, in the placeholder's box (nothing below moves); "Allow Marketing"
//! records the choice and brings every marketing element to life; without JavaScript
//! the placeholder's link opens the settings; and keys a script writes in
//! `localStorage`/`sessionStorage` are removed at page load while refused and at once
//! after a withdrawal, granted and undeclared ones staying. The tests of this file take
//! turns, so only one Chromium runs at a time.
//!
//! Each step is printed to stderr; a failing scenario names its step and leaves a
//! screenshot and the page source in `target/browser-artifacts/failure-<scenario>.*`.
//! Screenshots of the banner (`banner-first-layer.png`, `banner-second-layer.png`,
//! `settings-page-nojs.png`, `keyboard-focus.png`, `declaration-page.png`,
//! `embed-placeholder.png`, `embed-placeholder-nojs.png`) and chromedriver's logs
//! (`chromedriver-<test>.log`) are kept there too.
//!
//! Needs `chromedriver` on `PATH` (Debian: `apt-get install chromium chromium-driver`).
//! Without it the tests are skipped with a message, except when `CI` is set: then they
//! fail.

use std::fmt::{Display, Write as _};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::HeaderMap;
use axum::response::{AppendHeaders, Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tower_consent::{BannerTexts, ConsentBanner, ConsentLayer};

/// The whole test, chromedriver start included.
const WHOLE_TEST: Duration = Duration::from_secs(120);
/// How long chromedriver may take to answer `/status`.
const DRIVER_START: Duration = Duration::from_secs(10);
/// How long one awaited condition may take.
const WAIT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(100);

/// The consent cookie's name with `secure(false)`.
const CONSENT_COOKIE: &str = "consent";
const TRACKERS: [&str; 3] = ["theme", "_ga", "_fbp"];

// ---------------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------------

/// The cookies the page tries to set on every response.
const APP_COOKIES: [&str; 4] = [
    "session=1; Path=/; HttpOnly",
    "theme=dark; Path=/",
    "_ga=GA1.1.1.1; Path=/",
    "_fbp=fb.1.1.1; Path=/; HttpOnly",
];

fn layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret([7u8; 32])
        .secure(false)
        .necessary(["session"])
        .preferences(["theme"])
        .analytics(["_ga"])
        .marketing(["_fbp"])
        .build()
        .expect("valid configuration")
}

/// The page: lists the names of the cookies it received in `#received`, and tells in
/// `#js` whether scripts run.
async fn page(banner: ConsentBanner, headers: HeaderMap) -> impl IntoResponse {
    let mut received = String::new();
    for header in headers.get_all(COOKIE) {
        for pair in String::from_utf8_lossy(header.as_bytes()).split(';') {
            let name = pair.split_once('=').map_or(pair, |(name, _)| name).trim();
            if !name.is_empty() {
                let _ = write!(received, "<li>{}</li>", escape(name));
            }
        }
    }
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>tower-consent browser test</title>\n</head>\n<body>\n\
         <h1>Browser test page</h1>\n\
         <p>Scripts: <span id=\"js\">off</span></p>\n\
         <script>document.getElementById('js').textContent = 'on';</script>\n\
         <h2>Cookies the app received</h2>\n<ul id=\"received\">{received}</ul>\n\
         <footer>{banner}</footer>\n</body>\n</html>\n"
    );
    (
        AppendHeaders(APP_COOKIES.map(|v| (SET_COOKIE, v))),
        Html(html),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Serves the app on an ephemeral loopback port for the rest of the runtime's life.
async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the app serves");
    });
    addr
}

// ---------------------------------------------------------------------------------
// chromedriver
// ---------------------------------------------------------------------------------

/// Where screenshots and failure artifacts go: `target/browser-artifacts/`.
fn artifacts() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/browser-artifacts");
    dir
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// A free loopback port: bound, then released for chromedriver to take.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// The running chromedriver; killed (with the browsers it started) when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// Starts `chromedriver` and waits until it reports ready.
    async fn start(program: &Path, test: &str) -> Result<Self, String> {
        let port = free_port();
        let log = artifacts().join(format!("chromedriver-{test}.log"));
        let mut command = Command::new(program);
        command
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so that the browsers it starts can be killed with it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };

        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .build::<_, Empty<bytes::Bytes>>(HttpConnector::new());
        let status: hyper::Uri = format!("{}/status", driver.url).parse().expect("uri");
        let start = Instant::now();
        let mut last = String::from("no answer yet");
        while start.elapsed() < DRIVER_START {
            if let Ok(Some(exit)) = driver.child.try_wait() {
                return Err(format!(
                    "chromedriver exited with {exit} before it was ready (see {})",
                    log.display()
                ));
            }
            let attempt = tokio::time::timeout(Duration::from_secs(1), async {
                let response = client
                    .get(status.clone())
                    .await
                    .map_err(|e| e.to_string())?;
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map_err(|e| e.to_string())?
                    .to_bytes();
                let json: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                Ok::<_, String>(json)
            })
            .await;
            match attempt {
                Ok(Ok(json)) if json["value"]["ready"] == json!(true) => return Ok(driver),
                Ok(Ok(json)) => last = format!("not ready: {json}"),
                Ok(Err(e)) => last = e,
                Err(_) => last = "/status took longer than 1 s".into(),
            }
            tokio::time::sleep(POLL).await;
        }
        Err(format!(
            "chromedriver did not answer {status} within {DRIVER_START:?}: {last}"
        ))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser a failed scenario left open.
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------
// A browser session with test helpers
// ---------------------------------------------------------------------------------

/// A fresh Chromium profile directory, removed when dropped.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "tower-consent-browser-{}-{}-{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a profile directory");
        Profile(dir)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How a scenario's browser is set up.
#[derive(Clone, Copy)]
struct Setup {
    javascript: bool,
    /// The viewport, in CSS pixels.
    viewport: (u32, u32),
    /// Emulate a phone (touch, device pixel ratio 3) with exactly that viewport.
    mobile: bool,
    /// Chromium's `intl.accept_languages`, which makes its `Accept-Language`.
    accept_languages: Option<&'static str>,
    /// Emulate `prefers-color-scheme: dark`.
    dark: bool,
}

impl Setup {
    const DESKTOP: Setup = Setup {
        javascript: true,
        viewport: (1000, 800),
        mobile: false,
        accept_languages: None,
        dark: false,
    };
}

fn capabilities(profile: &Path, setup: Setup) -> fantoccini::wd::Capabilities {
    let Setup {
        javascript,
        viewport: (width, height),
        mobile,
        accept_languages,
        dark,
    } = setup;
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        format!("--window-size={width},{height}"),
    ];
    args.push(format!("--user-data-dir={}", profile.display()));
    if dark {
        args.push("--blink-settings=preferredColorScheme=0".into());
    }
    let mut options = json!({ "args": args });
    let binary = Path::new("/usr/bin/chromium");
    if binary.exists() {
        options["binary"] = json!(binary);
    }
    let mut prefs = serde_json::Map::new();
    if !javascript {
        prefs.insert(
            "profile.managed_default_content_settings.javascript".into(),
            json!(2),
        );
    }
    if let Some(languages) = accept_languages {
        prefs.insert("intl.accept_languages".into(), json!(languages));
    }
    if !prefs.is_empty() {
        options["prefs"] = Value::Object(prefs);
    }
    if mobile {
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 3.0, "touch": true }
        });
    }
    let mut caps = fantoccini::wd::Capabilities::new();
    caps.insert("goog:chromeOptions".into(), options);
    caps
}

/// One WebDriver session and the app it tests.
struct Browser {
    client: Client,
    base: String,
    scenario: &'static str,
    /// The step running now, for the failure report.
    step: Mutex<String>,
    /// Removed when the browser is dropped, after its session was closed.
    _profile: Profile,
}

type Res<T = ()> = Result<T, String>;

/// Adds what was being done to an error.
fn ctx<E: Display>(what: impl Display) -> impl FnOnce(E) -> String {
    move |e| format!("{what}: {e}")
}

/// Fails with `message` unless `condition`.
fn check(condition: bool, message: impl FnOnce() -> String) -> Res {
    if condition {
        Ok(())
    } else {
        Err(message())
    }
}

impl Browser {
    fn step(&self, text: &str) {
        eprintln!("[browser] {}: {text}", self.scenario);
        *self.step.lock().unwrap() = text.to_owned();
    }

    async fn goto(&self, path: &str) -> Res {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .map_err(ctx(format!("open {url}")))
    }

    async fn reload(&self) -> Res {
        self.client.refresh().await.map_err(ctx("reload"))?;
        self.wait_until("the reloaded page is complete", || async {
            Ok(self.ready_state().await? == "complete")
        })
        .await
    }

    async fn ready_state(&self) -> Res<String> {
        let value = self
            .client
            .execute("return document.readyState", vec![])
            .await
            .map_err(ctx("read document.readyState"))?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    async fn find(&self, css: &str) -> Res<Element> {
        self.client
            .find(Locator::Css(css))
            .await
            .map_err(ctx(format!("find {css}")))
    }

    async fn click(&self, css: &str) -> Res {
        self.find(css)
            .await?
            .click()
            .await
            .map_err(ctx(format!("click {css}")))
    }

    /// Whether the first element matching `css` exists and is displayed.
    async fn displayed(&self, css: &str) -> Res<bool> {
        let found = self
            .client
            .find_all(Locator::Css(css))
            .await
            .map_err(ctx(format!("find {css}")))?;
        match found.first() {
            Some(element) => element
                .is_displayed()
                .await
                .map_err(ctx(format!("is {css} displayed"))),
            None => Ok(false),
        }
    }

    /// Polls `condition` every 100 ms for at most 5 s; errors count as "not yet" (a page
    /// may be navigating) and the last one is reported on timeout.
    async fn wait_until<F, Fut>(&self, what: &str, mut condition: F) -> Res
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Res<bool>>,
    {
        let start = Instant::now();
        let mut last = None;
        loop {
            match condition().await {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => last = Some(e),
            }
            if start.elapsed() >= WAIT {
                return Err(match last {
                    Some(e) => format!("timed out after {WAIT:?} waiting until {what} ({e})"),
                    None => format!("timed out after {WAIT:?} waiting until {what}"),
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn wait_displayed(&self, css: &str, shown: bool) -> Res {
        let what = format!("{css} is {}", if shown { "displayed" } else { "hidden" });
        self.wait_until(&what, || async { Ok(self.displayed(css).await? == shown) })
            .await
    }

    /// The names of all cookies the browser holds for the page, `HttpOnly` included.
    async fn cookie_names(&self) -> Res<Vec<String>> {
        let cookies = self
            .client
            .get_all_cookies()
            .await
            .map_err(ctx("get all cookies"))?;
        let mut names: Vec<String> = cookies.iter().map(|c| c.name().to_owned()).collect();
        names.sort();
        Ok(names)
    }

    /// Fails if the browser holds any of the tracker cookies; returns the names.
    async fn expect_no_trackers(&self) -> Res<Vec<String>> {
        let names = self.cookie_names().await?;
        let held: Vec<&str> = TRACKERS
            .into_iter()
            .filter(|t| names.iter().any(|n| n == t))
            .collect();
        check(held.is_empty(), || {
            format!("the browser holds refused cookies {held:?} (all: {names:?})")
        })?;
        Ok(names)
    }

    /// The cookie names the app listed in `#received`, sorted.
    async fn received(&self) -> Res<Vec<String>> {
        let items = self
            .client
            .find_all(Locator::Css("#received li"))
            .await
            .map_err(ctx("find #received li"))?;
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            names.push(item.text().await.map_err(ctx("read #received li"))?);
        }
        names.sort();
        Ok(names)
    }

    async fn js(&self, script: &str) -> Res<Value> {
        self.client
            .execute(script, vec![])
            .await
            .map_err(ctx(format!("execute `{script}`")))
    }

    /// The `id` of the focused element (`""` when it has none).
    async fn active_id(&self) -> Res<String> {
        let active = self
            .client
            .active_element()
            .await
            .map_err(ctx("get the active element"))?;
        Ok(active
            .attr("id")
            .await
            .map_err(ctx("read the active element's id"))?
            .unwrap_or_default())
    }

    /// Presses `key` on the focused element.
    async fn press(&self, key: Key) -> Res {
        let active = self
            .client
            .active_element()
            .await
            .map_err(ctx("get the active element"))?;
        active
            .send_keys(&char::from(key).to_string())
            .await
            .map_err(ctx(format!("press {key:?}")))
    }

    /// Waits for CSS animations (the banner slides in) to settle, then saves a PNG.
    async fn screenshot(&self, name: &str) -> Res<PathBuf> {
        // Without JavaScript the page cannot be asked; the animation lasts 0.2 s.
        let settled = self
            .wait_until("animations finished", || async {
                let value = self
                    .js("return document.getAnimations().every(a => a.playState !== 'running')")
                    .await?;
                Ok(value == json!(true))
            })
            .await;
        if settled.is_err() {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let png = self
            .client
            .screenshot()
            .await
            .map_err(ctx("take a screenshot"))?;
        let path = artifacts().join(name);
        std::fs::write(&path, png).map_err(ctx(format!("write {}", path.display())))?;
        eprintln!("[browser] {}: saved {}", self.scenario, path.display());
        Ok(path)
    }

    async fn save_failure_artifacts(&self) {
        let dir = artifacts();
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("failure-{}.png", self.scenario)), png);
        }
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::write(dir.join(format!("failure-{}.html", self.scenario)), html);
        }
    }
}

/// Runs one scenario in a fresh session and closes it whatever happens. Returns the
/// failure, naming the scenario and step.
async fn run_scenario(
    driver: &Driver,
    base: &str,
    name: &'static str,
    javascript: bool,
    scenario: Scenario,
) -> Option<String> {
    let setup = Setup {
        javascript,
        ..Setup::DESKTOP
    };
    run_scenario_with(driver, base, name, setup, scenario).await
}

/// [`run_scenario`] in a browser set up as `setup` says.
async fn run_scenario_with(
    driver: &Driver,
    base: &str,
    name: &'static str,
    setup: Setup,
    scenario: Scenario,
) -> Option<String> {
    let started = Instant::now();
    eprintln!("[browser] {name}: start");
    let browser = match new_browser(driver, base, name, setup).await {
        Ok(browser) => browser,
        Err(e) => return Some(format!("{name}: cannot start a browser session: {e}")),
    };
    let result = scenario(&browser).await;
    let failure = match result {
        Ok(()) => None,
        Err(e) => {
            browser.save_failure_artifacts().await;
            let step = browser.step.lock().unwrap().clone();
            Some(format!(
                "{name}: failed at step \"{step}\": {e}\n  (screenshot and page source: {})",
                artifacts().join(format!("failure-{name}.*")).display()
            ))
        }
    };
    let _ = browser.client.close().await;
    eprintln!(
        "[browser] {name}: {} in {:.1} s",
        if failure.is_none() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    failure
}

/// A scenario: an `async fn(&Browser) -> Res`, boxed so that its future may borrow the
/// browser.
type Scenario = for<'b> fn(&'b Browser) -> Pin<Box<dyn Future<Output = Res> + 'b>>;

async fn new_browser(
    driver: &Driver,
    base: &str,
    scenario: &'static str,
    setup: Setup,
) -> Res<Browser> {
    let profile = Profile::new();
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities(&profile.0, setup))
        .connect(&driver.url)
        .await
        .map_err(ctx("new WebDriver session"))?;
    Ok(Browser {
        client,
        base: base.to_owned(),
        scenario,
        step: Mutex::new(String::from("session started")),
        _profile: profile,
    })
}

// ---------------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------------

/// Waits until the banner script has run: it focuses the open banner on load.
async fn wait_for_banner_script(b: &Browser) -> Res {
    b.wait_until("banner.js has focused the open banner", || async {
        Ok(b.active_id().await? == "tc-banner")
    })
    .await
}

async fn expect_received(b: &Browser, expected: &[&str]) -> Res {
    let received = b.received().await?;
    let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    check(received == expected, || {
        format!("#received lists {received:?}, expected {expected:?}")
    })
}

async fn js_reject(b: &Browser) -> Res {
    b.step("open / with a fresh cookie jar");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    wait_for_banner_script(b).await?;
    let names = b.expect_no_trackers().await?;
    check(!names.iter().any(|n| n == CONSENT_COOKIE), || {
        format!("a consent cookie before any choice: {names:?}")
    })?;

    b.step("screenshot of the first layer");
    b.screenshot("banner-first-layer.png").await?;

    b.step("click Reject all");
    b.js("window.__tcSamePage = true").await?;
    b.click("#tc-reject").await?;
    b.wait_displayed("#tc-banner", false).await?;
    let same_page = b.js("return window.__tcSamePage === true").await?;
    check(same_page == json!(true), || {
        "the page was reloaded: the script did not handle the click".into()
    })?;
    let status = b
        .find(".tc-status")
        .await?
        .text()
        .await
        .map_err(ctx("read .tc-status"))?;
    check(status == "Your choice has been saved.", || {
        format!(".tc-status says {status:?}")
    })?;

    b.step("the browser holds the consent cookie and no tracker");
    let names = b.expect_no_trackers().await?;
    check(names.iter().any(|n| n == CONSENT_COOKIE), || {
        format!("no `{CONSENT_COOKIE}` cookie after rejecting: {names:?}")
    })?;

    b.step("reload: banner stays hidden, the app receives only necessary cookies");
    b.reload().await?;
    check(!b.displayed("#tc-banner").await?, || {
        "the banner is shown again after reload".into()
    })?;
    b.expect_no_trackers().await?;
    expect_received(b, &["session", CONSENT_COOKIE]).await
}

async fn js_customize_and_withdraw(b: &Browser) -> Res {
    b.step("open / and the Customize layer");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    wait_for_banner_script(b).await?;
    b.click("#tc-customize > summary").await?;
    b.wait_displayed("#tc-save", true).await?;
    b.wait_displayed("#tc-cat-analytics", true).await?;

    b.step("screenshot of the second layer");
    b.screenshot("banner-second-layer.png").await?;

    b.step("default checkbox states");
    let necessary = b.find("#tc-cat-necessary").await?;
    check(
        necessary
            .is_selected()
            .await
            .map_err(ctx("necessary checked?"))?,
        || "#tc-cat-necessary is not checked".into(),
    )?;
    check(
        !necessary
            .is_enabled()
            .await
            .map_err(ctx("necessary enabled?"))?,
        || "#tc-cat-necessary is not disabled".into(),
    )?;
    let boxes = b
        .client
        .find_all(Locator::Css("#tc-banner input[type=checkbox]"))
        .await
        .map_err(ctx("find the checkboxes"))?;
    let mut optional = Vec::new();
    for element in boxes {
        let id = element.attr("id").await.map_err(ctx("checkbox id"))?;
        let id = id.unwrap_or_default();
        if id == "tc-cat-necessary" {
            continue;
        }
        let checked = element.is_selected().await.map_err(ctx("checkbox state"))?;
        check(!checked, || format!("#{id} is checked by default"))?;
        optional.push(id);
    }
    for id in ["tc-cat-preferences", "tc-cat-analytics", "tc-cat-marketing"] {
        check(optional.iter().any(|o| o == id), || {
            format!("no #{id} among the optional checkboxes {optional:?}")
        })?;
    }

    b.step("listen for consent:change, tick analytics, save");
    b.js("window.__consentEvents = []; \
          document.addEventListener('consent:change', (e) => window.__consentEvents.push(e.detail));")
        .await?;
    b.click("#tc-cat-analytics").await?;
    let analytics = b.find("#tc-cat-analytics").await?;
    check(
        analytics
            .is_selected()
            .await
            .map_err(ctx("analytics checked?"))?,
        || "#tc-cat-analytics did not get checked by the click".into(),
    )?;
    b.click("#tc-save").await?;
    b.wait_displayed("#tc-banner", false).await?;

    b.step("the consent:change event names analytics, not marketing");
    b.wait_until("one consent:change event was recorded", || async {
        Ok(b.js("return window.__consentEvents.length").await? == json!(1))
    })
    .await?;
    let granted = b.js("return window.__consentEvents[0].granted").await?;
    let granted: Vec<&str> = granted
        .as_array()
        .ok_or_else(|| format!("detail.granted is not an array: {granted}"))?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    check(
        granted.contains(&"analytics") && !granted.contains(&"marketing"),
        || format!("consent:change detail.granted is {granted:?}"),
    )?;

    b.step("reload twice: the app now sets and receives _ga, never _fbp");
    b.reload().await?;
    b.reload().await?;
    let received = b.received().await?;
    check(
        received.iter().any(|n| n == "_ga") && !received.iter().any(|n| n == "_fbp"),
        || format!("#received lists {received:?}, expected _ga and no _fbp"),
    )?;
    let names = b.cookie_names().await?;
    check(
        names.iter().any(|n| n == "_ga") && !names.iter().any(|n| n == "_fbp" || n == "theme"),
        || format!("the browser holds {names:?}, expected _ga but neither _fbp nor theme"),
    )?;

    b.step("reopen the banner with Cookie settings");
    check(!b.displayed("#tc-banner").await?, || {
        "the banner is shown after reload although a choice was made".into()
    })?;
    b.click("#tc-reopen").await?;
    b.wait_displayed("#tc-banner", true).await?;
    let reject = b.find("#tc-reject").await?;
    let value = reject
        .prop("value")
        .await
        .map_err(ctx("#tc-reject value"))?;
    let text = reject.text().await.map_err(ctx("#tc-reject text"))?;
    check(
        value.as_deref() == Some("withdraw") && text == "Withdraw consent",
        || format!("#tc-reject is {text:?} with value {value:?}, expected a withdraw button"),
    )?;

    b.step("withdraw");
    b.click("#tc-reject").await?;
    b.wait_displayed("#tc-banner", false).await?;
    let value = b
        .find("#tc-reject")
        .await?
        .prop("value")
        .await
        .map_err(ctx("#tc-reject value"))?;
    check(value.as_deref() == Some("reject_all"), || {
        format!("after withdrawing #tc-reject has value {value:?}, expected reject_all")
    })?;

    b.step("reload: _ga is gone from the browser and the app");
    b.reload().await?;
    let names = b.expect_no_trackers().await?;
    check(names.iter().any(|n| n == CONSENT_COOKIE), || {
        format!("no consent cookie after withdrawing: {names:?}")
    })?;
    let received = b.received().await?;
    check(!received.iter().any(|n| n == "_ga"), || {
        format!("#received still lists _ga after withdrawing: {received:?}")
    })
}

/// Fails if scripts ran on the page (the test page's `#js` says so).
async fn expect_scripts_off(b: &Browser) -> Res {
    let js = b.find("#js").await?.text().await.map_err(ctx("read #js"))?;
    check(js == "off", || {
        format!("scripts run although disabled: #js says {js:?}")
    })
}

async fn nojs_reject(b: &Browser) -> Res {
    b.step("open / with JavaScript disabled");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    expect_scripts_off(b).await?;

    b.step("Reject all: the form posts and is sent back to /");
    b.click("#tc-reject").await?;
    b.wait_displayed("#tc-banner", false).await?;
    b.wait_until("the page is / again", || async {
        Ok(b.client.current_url().await.map_err(ctx("url"))?.path() == "/")
    })
    .await?;
    let names = b.expect_no_trackers().await?;
    check(names.iter().any(|n| n == CONSENT_COOKIE), || {
        format!("no consent cookie after rejecting without JS: {names:?}")
    })?;
    expect_received(b, &["session", CONSENT_COOKIE]).await?;
    Ok(())
}

async fn nojs_customize_settings(b: &Browser) -> Res {
    b.step("open / with JavaScript disabled, open Customize (native <details>)");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    expect_scripts_off(b).await?;
    b.click("#tc-customize > summary").await?;
    b.wait_displayed("#tc-cat-analytics", true).await?;

    b.step("Show cookies (native <details>) lists the analytics cookies");
    b.wait_displayed("#tc-cookies-analytics table", false)
        .await?;
    b.click("#tc-cookies-analytics > summary").await?;
    b.wait_displayed("#tc-cookies-analytics table", true)
        .await?;
    let listed = b
        .find("#tc-cookies-analytics table")
        .await?
        .text()
        .await
        .map_err(ctx("#tc-cookies-analytics text"))?;
    check(listed.contains("_ga") && !listed.contains("_fbp"), || {
        format!("the analytics cookie list reads {listed:?}, expected _ga and no _fbp")
    })?;
    b.wait_displayed("#tc-cookies-marketing table", false)
        .await?;

    b.step("tick analytics and save: the form posts and is sent back to /");
    b.click("#tc-cat-analytics").await?;
    b.click("#tc-save").await?;
    b.wait_displayed("#tc-banner", false).await?;
    b.wait_until("the page is / again", || async {
        Ok(b.client.current_url().await.map_err(ctx("url"))?.path() == "/")
    })
    .await?;

    b.step("reload: the app receives _ga");
    b.reload().await?;
    let received = b.received().await?;
    check(
        received.iter().any(|n| n == "_ga") && !received.iter().any(|n| n == "_fbp"),
        || format!("#received lists {received:?}, expected _ga and no _fbp"),
    )?;

    b.step("Cookie settings link opens the settings page");
    b.click("#tc-reopen").await?;
    b.wait_until("the page is /_consent/settings", || async {
        Ok(b.client.current_url().await.map_err(ctx("url"))?.path() == "/_consent/settings")
    })
    .await?;
    b.wait_displayed("#tc-banner", true).await?;
    b.screenshot("settings-page-nojs.png").await?;
    let analytics = b.find("#tc-cat-analytics").await?;
    check(
        analytics
            .is_selected()
            .await
            .map_err(ctx("analytics checked?"))?,
        || "the settings page does not show analytics as granted".into(),
    )?;
    let reject = b.find("#tc-reject").await?;
    let value = reject
        .attr("value")
        .await
        .map_err(ctx("#tc-reject value"))?;
    check(value.as_deref() == Some("withdraw"), || {
        format!("the settings page's #tc-reject has value {value:?}, expected withdraw")
    })?;

    b.step("withdraw on the settings page: sent back to /, _ga gone");
    reject.click().await.map_err(ctx("click #tc-reject"))?;
    b.wait_until("the page is / again", || async {
        let url = b.client.current_url().await.map_err(ctx("url"))?;
        Ok(url.path() == "/" && b.displayed("#received").await?)
    })
    .await?;
    b.expect_no_trackers().await?;
    let received = b.received().await?;
    check(!received.iter().any(|n| n == "_ga"), || {
        format!("#received still lists _ga after withdrawing: {received:?}")
    })?;

    b.step("the banner's Cookie declaration link opens the declaration page");
    b.click("#tc-reopen").await?;
    b.wait_displayed("#tc-banner", true).await?;
    b.click("#tc-declaration-link").await?;
    b.wait_until("the page is /_consent/cookies", || async {
        Ok(b.client.current_url().await.map_err(ctx("url"))?.path() == "/_consent/cookies")
    })
    .await?;
    let table = b
        .find("#tc-declaration-analytics ~ table")
        .await?
        .text()
        .await
        .map_err(ctx("declaration table text"))?;
    check(table.contains("_ga"), || {
        format!("the declaration's analytics table reads {table:?}, expected _ga")
    })?;
    b.screenshot("declaration-page.png").await.map(drop)
}

/// An element's box, in CSS pixels relative to the viewport.
#[derive(Debug, Clone, Copy)]
struct Rect {
    top: f64,
    bottom: f64,
    height: f64,
}

impl Browser {
    /// The bounding box of the first element matching `css`.
    async fn rect(&self, css: &str) -> Res<Rect> {
        let value = self
            .js(&format!(
                "const r = document.querySelector({css:?}).getBoundingClientRect(); \
                 return [r.top, r.bottom, r.height];"
            ))
            .await?;
        let number = |i: usize| {
            value[i]
                .as_f64()
                .ok_or_else(|| format!("the box of {css} is {value}"))
        };
        Ok(Rect {
            top: number(0)?,
            bottom: number(1)?,
            height: number(2)?,
        })
    }

    /// The viewport's size, in CSS pixels.
    async fn viewport(&self) -> Res<(f64, f64)> {
        let value = self.js("return [innerWidth, innerHeight];").await?;
        Ok((
            value[0].as_f64().unwrap_or_default(),
            value[1].as_f64().unwrap_or_default(),
        ))
    }

    /// Resizes the window until the viewport is `width` × `height` (the window's frame,
    /// if any, is measured rather than guessed).
    async fn set_viewport(&self, width: u32, height: u32) -> Res {
        for _ in 0..3 {
            let (inner_width, inner_height) = self.viewport().await?;
            if inner_width == f64::from(width) && inner_height == f64::from(height) {
                return Ok(());
            }
            let (outer_width, outer_height) = self
                .client
                .get_window_size()
                .await
                .map_err(ctx("get the window size"))?;
            let frame_width = outer_width as f64 - inner_width;
            let frame_height = outer_height as f64 - inner_height;
            self.client
                .set_window_size(
                    (f64::from(width) + frame_width) as u32,
                    (f64::from(height) + frame_height) as u32,
                )
                .await
                .map_err(ctx("set the window size"))?;
        }
        let actual = self.viewport().await?;
        Err(format!(
            "the viewport is {actual:?}, not {width} × {height}"
        ))
    }
}

/// The first layer's three controls.
const FIRST_LAYER: [&str; 3] = ["#tc-accept", "#tc-reject", "#tc-customize > summary"];

/// Fails unless the elements of `selectors` are equally tall (to a pixel): no label
/// wrapped onto a second line.
async fn expect_equal_heights(b: &Browser, selectors: &[&str]) -> Res {
    let mut heights = Vec::new();
    for css in selectors {
        heights.push((css, b.rect(css).await?.height));
    }
    let (lowest, highest) = heights
        .iter()
        .fold((f64::MAX, 0f64), |(low, high), (_, h)| {
            (low.min(*h), high.max(*h))
        });
    check(highest - lowest <= 1.0, || {
        format!("the buttons are not equally tall: {heights:?}")
    })
}

/// Fails unless `#tc-save` is inside the viewport and not covered by anything.
async fn expect_save_in_view(b: &Browser) -> Res {
    let (_, viewport_height) = b.viewport().await?;
    let save = b.rect("#tc-save").await?;
    check(save.top >= 0.0 && save.bottom <= viewport_height, || {
        format!("#tc-save spans {save:?}, outside the viewport of height {viewport_height}")
    })?;
    let on_top = b
        .js(
            "const s = document.getElementById('tc-save'); const r = s.getBoundingClientRect(); \
             const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); \
             return e === s || s.contains(e);",
        )
        .await?;
    check(on_top == json!(true), || {
        "#tc-save is covered by another element".into()
    })
}

/// The banner at one viewport size: the first layer's buttons equally tall, Save choices
/// in view with Customize open, and the same on the settings page, where the reject
/// button says "Withdraw consent".
async fn layout(b: &Browser, width: u32, height: u32) -> Res {
    b.step(&format!("open / at {width} × {height}"));
    b.goto("/").await?;
    b.set_viewport(width, height).await?;
    wait_for_banner_script(b).await?;
    expect_equal_heights(b, &FIRST_LAYER).await?;

    b.step("open Customize: Save choices is in view");
    b.click("#tc-customize > summary").await?;
    b.wait_displayed("#tc-save", true).await?;
    b.screenshot(&format!("banner-customize-{width}x{height}.png"))
        .await?;
    expect_save_in_view(b).await?;

    b.step("accept all, then open the settings page: Withdraw consent fits its button");
    b.js("return fetch('/_consent', {method: 'POST', headers: {'content-type': 'application/json'}, \
          body: JSON.stringify({action: 'accept_all'})}).then(r => r.status);")
        .await?;
    b.goto("/_consent/settings?return_to=/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    let reject = b
        .find("#tc-reject")
        .await?
        .text()
        .await
        .map_err(ctx("read #tc-reject"))?;
    check(reject == "Withdraw consent", || {
        format!("the settings page's reject button reads {reject:?}")
    })?;
    b.screenshot(&format!("settings-page-{width}x{height}.png"))
        .await?;
    expect_equal_heights(b, &FIRST_LAYER).await?;

    b.step("open Customize on the settings page: Save choices is in view");
    b.click("#tc-customize > summary").await?;
    b.wait_displayed("#tc-save", true).await?;
    expect_save_in_view(b).await
}

async fn layout_desktop(b: &Browser) -> Res {
    layout(b, 1280, 800).await
}

async fn layout_phone(b: &Browser) -> Res {
    layout(b, 390, 844).await
}

/// The banner in the browser's language (Polish, from Chromium's preferences), and in
/// others asked for with an `Accept-Language` header.
async fn languages(b: &Browser) -> Res {
    b.step("open / with Chromium's languages set to Polish, then English");
    b.goto("/").await?;
    wait_for_banner_script(b).await?;
    let polish = BannerTexts::builtin("pl").ok_or("no Polish texts")?;
    let lang = b
        .js("return document.querySelector('.tc-consent').lang;")
        .await?;
    check(lang == json!("pl"), || {
        format!("the banner's lang is {lang}")
    })?;
    for (css, expected) in [
        ("#tc-title", &polish.title),
        ("#tc-accept", &polish.accept_all),
        ("#tc-reject", &polish.reject_all),
    ] {
        let text = b.find(css).await?.text().await.map_err(ctx(css))?;
        check(text == expected.as_ref(), || {
            format!("{css} reads {text:?}, expected {expected:?}")
        })?;
    }
    b.screenshot("banner-polish.png").await?;

    for (accept_language, code) in [
        ("el-GR,el;q=0.9", "el"),
        ("fi", "fi"),
        ("mt, en;q=0.5", "mt"),
    ] {
        b.step(&format!(
            "fetch the banner with Accept-Language: {accept_language}"
        ));
        let texts = BannerTexts::builtin(code).ok_or("no texts")?;
        let found = b
            .js(&format!(
                "return fetch('/_consent/banner', {{headers: {{'accept-language': {accept_language:?}}}}}) \
                 .then(r => r.text()).then(html => {{ \
                   const d = new DOMParser().parseFromString(html, 'text/html'); \
                   return [d.querySelector('.tc-consent').lang, \
                           d.querySelector('#tc-reject').textContent, \
                           d.querySelector('#tc-save').textContent]; }});"
            ))
            .await?;
        let expected = json!([code, texts.reject_all, texts.save]);
        check(found == expected, || {
            format!("the banner for {accept_language:?} is {found}, expected {expected}")
        })?;
    }
    Ok(())
}

/// The computed `background-color` of the first element matching `css`.
async fn background(b: &Browser, css: &str) -> Res<Value> {
    b.js(&format!(
        "return getComputedStyle(document.querySelector({css:?})).backgroundColor;"
    ))
    .await
}

/// The dark default under `prefers-color-scheme: dark`, and a site's own custom property
/// winning over the defaults whatever the order of the stylesheets.
async fn theme(b: &Browser) -> Res {
    b.step("open / in the dark scheme: the dark defaults apply");
    b.goto("/").await?;
    wait_for_banner_script(b).await?;
    let dark = b
        .js("return matchMedia('(prefers-color-scheme: dark)').matches;")
        .await?;
    check(dark == json!(true), || {
        "the browser does not prefer the dark scheme".into()
    })?;
    let banner = background(b, "#tc-banner").await?;
    check(banner == json!("rgb(28, 29, 32)"), || {
        format!("the dark banner's background is {banner}")
    })?;
    b.screenshot("banner-dark.png").await?;

    b.step("a rule of the site's own, loaded before the banner's stylesheet, restyles it");
    b.js("const style = document.createElement('style'); \
          style.textContent = '.tc-consent { --tc-button-bg: #004d40; --tc-radius: 0px; }'; \
          document.head.prepend(style); return true;")
        .await?;
    for css in FIRST_LAYER {
        let button = background(b, css).await?;
        check(button == json!("rgb(0, 77, 64)"), || {
            format!("{css}'s background is {button} after restyling")
        })?;
    }
    let radius = b
        .js("return getComputedStyle(document.getElementById('tc-banner')).borderTopLeftRadius;")
        .await?;
    check(radius == json!("0px"), || {
        format!("the banner's radius is {radius} after restyling")
    })
}

async fn keyboard_only(b: &Browser) -> Res {
    b.step("open /: focus starts in the banner");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    b.wait_until("focus is inside the banner", || async {
        let inside = b
            .js("const b = document.getElementById('tc-banner'); \
                 return b !== null && b.contains(document.activeElement);")
            .await?;
        Ok(inside == json!(true))
    })
    .await?;

    b.step("Tab to Reject all (Accept all first)");
    let mut order = Vec::new();
    for _ in 0..10 {
        b.press(Key::Tab).await?;
        let id = b.active_id().await?;
        order.push(id.clone());
        if id == "tc-reject" {
            break;
        }
    }
    check(order == ["tc-accept", "tc-reject"], || {
        format!("Tab moved focus through {order:?}, expected [\"tc-accept\", \"tc-reject\"]")
    })?;
    b.screenshot("keyboard-focus.png").await?;

    b.step("Enter on Reject all");
    b.press(Key::Enter).await?;
    b.wait_displayed("#tc-banner", false).await?;
    let names = b.expect_no_trackers().await?;
    check(names.iter().any(|n| n == CONSENT_COOKIE), || {
        format!("no consent cookie after Enter on Reject all: {names:?}")
    })?;

    b.step("focus is not lost when the banner closes");
    let id = b.active_id().await?;
    check(id == "tc-reopen", || {
        format!("after the banner closed the focus is on {id:?}, expected tc-reopen")
    })
}

async fn nojs_nested_reject(b: &Browser) -> Res {
    b.step("open the nested page /shop/cart?x=1 with JavaScript disabled");
    b.goto("/shop/cart?x=1").await?;
    b.wait_displayed("#tc-banner", true).await?;
    expect_scripts_off(b).await?;

    b.step("the Cookie settings link returns to /shop/cart?x=1");
    let href = b
        .find("#tc-reopen")
        .await?
        .attr("href")
        .await
        .map_err(ctx("#tc-reopen href"))?
        .unwrap_or_default();
    let expected = "/_consent/settings?return_to=%2Fshop%2Fcart%3Fx%3D1";
    let settings_ok = check(href == expected, || {
        format!("#tc-reopen links to {href:?}, expected {expected:?}")
    });

    b.step("Reject all: sent back to /shop/cart?x=1 (and the settings link pointed there)");
    b.click("#tc-reject").await?;
    b.wait_until("the form post has been answered", || async {
        let url = b.client.current_url().await.map_err(ctx("url"))?;
        Ok(url.path() != "/_consent" && b.ready_state().await? == "complete")
    })
    .await?;
    let url = b.client.current_url().await.map_err(ctx("url"))?;
    let back = format!(
        "{}{}",
        url.path(),
        url.query().map_or(String::new(), |q| format!("?{q}"))
    );
    let back_ok = check(back == "/shop/cart?x=1", || {
        format!("after Reject all the browser is at {back:?}, expected \"/shop/cart?x=1\"")
    });
    b.expect_no_trackers().await?;
    // Both problems, if both occur.
    match (settings_ok, back_ok) {
        (Ok(()), Ok(())) => Ok(()),
        (settings, back) => Err([settings, back]
            .into_iter()
            .filter_map(Result::err)
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

// ---------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------

/// `chromedriver` on `PATH`; `None` (after a loud message) when it is missing outside
/// CI. Under CI (`CI` set) a missing driver fails the test.
fn chromedriver_or_skip(test: &str) -> Option<PathBuf> {
    if let Some(path) = find_on_path("chromedriver") {
        return Some(path);
    }
    let message = "chromedriver is not on PATH: install Chromium and its driver \
                   (Debian: `apt-get install chromium chromium-driver`)";
    if std::env::var_os("CI").is_some() {
        panic!("{message}; CI must run the browser tests");
    }
    eprintln!(
        "\n**********************************************************************\n\
         SKIPPED {test} (tests/browser.rs): {message}.\n\
         **********************************************************************\n"
    );
    None
}

/// One Chromium at a time: the tests of this file take turns.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// Serves `app`, starts chromedriver, runs `scenarios` (each returns its failure, if
/// any) within [`WHOLE_TEST`], and fails the test with every scenario's failure.
// The lock only serializes whole tests, each on its own runtime and thread.
#[allow(clippy::await_holding_lock)]
async fn browser_test<F, Fut>(test: &str, app: Router, scenarios: F)
where
    F: FnOnce(Driver, String) -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    let Some(chromedriver) = chromedriver_or_skip(test) else {
        return;
    };
    let _turn = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let failures = tokio::time::timeout(WHOLE_TEST, async {
        let addr = serve(app).await;
        match Driver::start(&chromedriver, test).await {
            Ok(driver) => scenarios(driver, format!("http://{addr}")).await,
            Err(e) => vec![format!("chromedriver: {e}")],
        }
    })
    .await
    .unwrap_or_else(|_| vec![format!("{test} took longer than {WHOLE_TEST:?}")]);
    eprintln!(
        "[browser] {test}: done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{test}: {} browser scenario(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn banner_in_headless_chromium() {
    let app = Router::new().route("/", get(page)).layer(layer());
    browser_test(
        "banner_in_headless_chromium",
        app,
        |driver, base| async move {
            let mut failures = Vec::new();
            let scenarios: [(&'static str, bool, Scenario); 5] = [
                ("js_reject", true, |b| Box::pin(js_reject(b))),
                ("js_customize_and_withdraw", true, |b| {
                    Box::pin(js_customize_and_withdraw(b))
                }),
                ("nojs_reject", false, |b| Box::pin(nojs_reject(b))),
                ("nojs_customize_settings", false, |b| {
                    Box::pin(nojs_customize_settings(b))
                }),
                ("keyboard_only", true, |b| Box::pin(keyboard_only(b))),
            ];
            for (name, javascript, scenario) in scenarios {
                failures.extend(run_scenario(&driver, &base, name, javascript, scenario).await);
            }
            failures
        },
    )
    .await;
}

/// The banner's layout at 1280 × 800 and on a 390 × 844 phone, its language, and its
/// theme.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn banner_layout_and_languages() {
    let app = Router::new().route("/", get(page)).layer(layer());
    browser_test(
        "banner_layout_and_languages",
        app,
        |driver, base| async move {
            let desktop = Setup {
                viewport: (1280, 800),
                ..Setup::DESKTOP
            };
            let phone = Setup {
                viewport: (390, 844),
                mobile: true,
                ..Setup::DESKTOP
            };
            let polish = Setup {
                accept_languages: Some("pl,en"),
                ..Setup::DESKTOP
            };
            let dark = Setup {
                dark: true,
                ..Setup::DESKTOP
            };
            let scenarios: [(&'static str, Setup, Scenario); 4] = [
                ("layout_desktop", desktop, |b| Box::pin(layout_desktop(b))),
                ("layout_phone", phone, |b| Box::pin(layout_phone(b))),
                ("languages", polish, |b| Box::pin(languages(b))),
                ("theme", dark, |b| Box::pin(theme(b))),
            ];
            let mut failures = Vec::new();
            for (name, setup, scenario) in scenarios {
                failures.extend(run_scenario_with(&driver, &base, name, setup, scenario).await);
            }
            failures
        },
    )
    .await;
}

/// A page of a nested router (`Router::nest`) sends the visitor back to itself after a
/// choice made without JavaScript, and its "Cookie settings" link returns there too.
///
/// Fails today: the `ConsentBanner` extractor builds `return_to` from the request URI
/// the handler sees, which axum has stripped of the nesting prefix, so the forms send
/// the visitor to `/cart?x=1` (404) instead of `/shop/cart?x=1`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_page_nojs_choice_returns_to_that_page() {
    let shop = Router::new().route("/cart", get(page));
    let app = Router::new().nest("/shop", shop).layer(layer());
    browser_test(
        "nested_page_nojs_choice_returns_to_that_page",
        app,
        |driver, base| async move {
            run_scenario(&driver, &base, "nojs_nested_reject", false, |b| {
                Box::pin(nojs_nested_reject(b))
            })
            .await
            .into_iter()
            .collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------------------------
// The HTML gate
// ---------------------------------------------------------------------------------

/// Requests for the local "tracker" script, as the server saw them.
static TRACKER_REQUESTS: AtomicUsize = AtomicUsize::new(0);

/// A full page with no banner of its own (the gate injects it): the gtag tag, a local
/// tracker declared with `.script_rule`, and a GA-shaped inline snippet.
async fn gated_page() -> Html<&'static str> {
    Html(concat!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<title>HTML gate</title>\n",
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-DEMO\"></script>\n",
        "</head>\n<body>\n<h1>HTML gate</h1>\n",
        "<p>Tracker: <span id=\"tracker\">off</span></p>\n",
        "<script src=\"/tracker.js\"></script>\n",
        "<script>window.gaSnippetRan = true;",
        "(function(i,s,o,g){i.gaUrl=g;})(window,document,'script',",
        "'https://www.google-analytics.com/analytics.js');</script>\n",
        "</body>\n</html>\n",
    ))
}

async fn tracker_js() -> impl IntoResponse {
    TRACKER_REQUESTS.fetch_add(1, Ordering::SeqCst);
    (
        [(axum::http::header::CONTENT_TYPE, "text/javascript")],
        "window.trackerRan = (window.trackerRan || 0) + 1;\n\
         document.getElementById('tracker').textContent = 'on';\n\
         document.cookie = 'tracker_id=1; path=/';\n",
    )
}

fn gated_layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret([7u8; 32])
        .secure(false)
        .analytics(["_ga"])
        .html_gate(
            tower_consent::HtmlGate::new()
                .script_rule("/tracker.js", tower_consent::Category::Analytics)
                .google_consent_mode(tower_consent::ConsentModeMapping::new()),
        )
        .build()
        .expect("valid configuration")
}

/// `window.dataLayer` as plain arrays.
async fn data_layer(b: &Browser) -> Res<Value> {
    b.js("return (window.dataLayer || []).map((a) => Array.from(a));")
        .await
}

async fn html_gate_accept(b: &Browser) -> Res {
    b.step("open / with a fresh cookie jar: the banner is injected");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    wait_for_banner_script(b).await?;

    b.step("refused: the tracker never ran, was never requested, wrote nothing");
    let state = b
        .js(
            "return [window.trackerRan === undefined, window.gaSnippetRan === undefined, \
             document.getElementById('tracker').textContent];",
        )
        .await?;
    check(state == json!([true, true, "off"]), || {
        format!("held-back scripts ran: {state}")
    })?;
    check(TRACKER_REQUESTS.load(Ordering::SeqCst) == 0, || {
        "the server was asked for /tracker.js before consent".into()
    })?;
    let names = b.cookie_names().await?;
    check(!names.iter().any(|n| n == "tracker_id"), || {
        format!("the tracker's cookie exists: {names:?}")
    })?;

    b.step("Consent Mode: the default denies all but security, and waits for an update");
    let layer = data_layer(b).await?;
    let default = json!(["consent", "default", {
        "ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied",
        "analytics_storage": "denied", "functionality_storage": "denied",
        "personalization_storage": "denied", "security_storage": "granted",
        "wait_for_update": 500
    }]);
    check(layer == json!([default]), || {
        format!("dataLayer is {layer}")
    })?;

    b.step("Accept all: the tracker runs without a reload");
    b.js("window.__tcSamePage = true").await?;
    b.click("#tc-accept").await?;
    b.wait_until("#tracker says on", || async {
        Ok(
            b.js("return document.getElementById('tracker').textContent")
                .await?
                == json!("on"),
        )
    })
    .await?;
    let state = b
        .js("return [window.__tcSamePage === true, window.trackerRan, window.gaSnippetRan === true, window.gaUrl];")
        .await?;
    check(
        state
            == json!([
                true,
                1,
                true,
                "https://www.google-analytics.com/analytics.js"
            ]),
        || format!("after accepting: {state}"),
    )?;
    check(TRACKER_REQUESTS.load(Ordering::SeqCst) == 1, || {
        format!(
            "/tracker.js requested {} times",
            TRACKER_REQUESTS.load(Ordering::SeqCst)
        )
    })?;
    let layer = data_layer(b).await?;
    let update = json!(["consent", "update", {
        "ad_storage": "granted", "ad_user_data": "granted", "ad_personalization": "granted",
        "analytics_storage": "granted", "functionality_storage": "granted",
        "personalization_storage": "granted", "security_storage": "granted"
    }]);
    check(layer.get(1) == Some(&update), || {
        format!("dataLayer is {layer}")
    })?;

    b.step("reload: the tracker runs natively, the default is granted");
    b.reload().await?;
    b.wait_until("#tracker says on", || async {
        Ok(
            b.js("return document.getElementById('tracker').textContent")
                .await?
                == json!("on"),
        )
    })
    .await?;
    check(TRACKER_REQUESTS.load(Ordering::SeqCst) == 2, || {
        "/tracker.js not requested on reload".into()
    })?;
    let layer = data_layer(b).await?;
    let granted = json!(["consent", "default", {
        "ad_storage": "granted", "ad_user_data": "granted", "ad_personalization": "granted",
        "analytics_storage": "granted", "functionality_storage": "granted",
        "personalization_storage": "granted", "security_storage": "granted"
    }]);
    check(layer.get(0) == Some(&granted), || {
        format!("dataLayer is {layer}")
    })?;
    let source = b.client.source().await.map_err(ctx("page source"))?;
    check(
        source.contains(
            "<script async=\"\" src=\"https://www.googletagmanager.com/gtag/js?id=G-DEMO\">",
        ) || source
            .contains("<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-DEMO\">"),
        || "the gtag tag is not served as written after consent".into(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_gate_in_headless_chromium() {
    let app = Router::new()
        .route("/", get(gated_page))
        .route("/tracker.js", get(tracker_js))
        .layer(gated_layer());
    browser_test(
        "html_gate_in_headless_chromium",
        app,
        |driver, base| async move {
            run_scenario(&driver, &base, "html_gate_accept", true, |b| {
                Box::pin(html_gate_accept(b))
            })
            .await
            .into_iter()
            .collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------------------------
// The gate in real stacks (issue 22): ServeDir, precompressed files and
// CompressionLayer, with the browser's HTTP cache on
// ---------------------------------------------------------------------------------

/// Requests for the stack's tracker script, as the server saw them.
static STACK_TRACKER_REQUESTS: AtomicUsize = AtomicUsize::new(0);

/// What the server answered to each request for `/`: whether the browser revalidated
/// (sent `If-None-Match`) and the status.
static PAGE_LOG: Mutex<Vec<(bool, u16)>> = Mutex::new(Vec::new());

/// A static page with a local tracker declared by `.script_rule` and the site's own
/// A/B script annotated `data-consent="analytics"`.
const STACK_PAGE: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
    <title>Real stack</title>\n</head>\n<body>\n<h1>Real stack</h1>\n\
    <p>Tracker: <span id=\"tracker\">off</span></p>\n\
    <script src=\"/stack-tracker.js\"></script>\n\
    <script data-consent=\"analytics\">window.abRan = true; document.cookie = 'ab_variant=B; path=/';</script>\n\
    <p>A page long enough to be worth compressing, served from a directory by ServeDir.</p>\n\
    </body>\n</html>\n";

async fn stack_tracker_js() -> impl IntoResponse {
    STACK_TRACKER_REQUESTS.fetch_add(1, Ordering::SeqCst);
    (
        [(axum::http::header::CONTENT_TYPE, "text/javascript")],
        "window.trackerRan = (window.trackerRan || 0) + 1;\n\
         document.getElementById('tracker').textContent = 'on';\n\
         document.cookie = 'tracker_id=1; path=/';\n",
    )
}

/// Records how `/` was asked for and answered, outside every other layer.
async fn log_page(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let page = request.uri().path() == "/";
    let revalidating = request
        .headers()
        .contains_key(axum::http::header::IF_NONE_MATCH);
    let response = next.run(request).await;
    if page {
        PAGE_LOG
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((revalidating, response.status().as_u16()));
    }
    response
}

fn last_page_request() -> Option<(bool, u16)> {
    PAGE_LOG
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .last()
        .copied()
}

fn stack_layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret([7u8; 32])
        .secure(false)
        .analytics(["_ga", "ab_variant", "tracker_id"])
        .html_gate(
            tower_consent::HtmlGate::new()
                .script_rule("/stack-tracker.js", tower_consent::Category::Analytics),
        )
        .build()
        .expect("valid configuration")
}

/// A directory with the page as `index.html` and `index.html.gz`, for the rest of the
/// test binary's life.
fn stack_site() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tower-consent-stack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a site directory");
    std::fs::write(dir.join("index.html"), STACK_PAGE).expect("index.html");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, STACK_PAGE.as_bytes()).expect("gzip");
    std::fs::write(dir.join("index.html.gz"), gz.finish().expect("gzip")).expect("index.html.gz");
    dir
}

/// How the stack around `ServeDir` is built.
#[derive(Clone, Copy)]
enum Stack {
    Plain,
    PrecompressedGzip,
    CompressionOutside,
    CompressionInside,
}

fn stack_app(stack: Stack) -> Router {
    use tower_http::compression::CompressionLayer;
    use tower_http::services::ServeDir;
    let dir = stack_site();
    let files = match stack {
        Stack::PrecompressedGzip => ServeDir::new(dir).precompressed_gzip(),
        _ => ServeDir::new(dir),
    };
    let site = Router::new()
        .route("/stack-tracker.js", get(stack_tracker_js))
        .fallback_service(files);
    let app = match stack {
        Stack::Plain | Stack::PrecompressedGzip => site.layer(stack_layer()),
        Stack::CompressionOutside => site.layer(stack_layer()).layer(CompressionLayer::new()),
        Stack::CompressionInside => site.layer(CompressionLayer::new()).layer(stack_layer()),
    };
    app.layer(axum::middleware::from_fn(log_page))
}

/// Whether the held-back scripts ran on the page now shown, and what `#tracker` says.
async fn stack_scripts(b: &Browser) -> Res<Value> {
    b.js(
        "return [window.trackerRan !== undefined, window.abRan === true, \
         document.getElementById('tracker').textContent];",
    )
    .await
}

async fn stack_page_loaded(b: &Browser) -> Res {
    b.wait_until("the page is complete", || async {
        Ok(b.ready_state().await? == "complete")
    })
    .await
}

/// accept → visit → withdraw → revisit, with the browser's HTTP cache on.
async fn stack_accept_withdraw(b: &Browser) -> Res {
    PAGE_LOG.lock().unwrap_or_else(|e| e.into_inner()).clear();
    STACK_TRACKER_REQUESTS.store(0, Ordering::SeqCst);

    b.step("open / with a fresh cookie jar: the banner, nothing held back runs");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    wait_for_banner_script(b).await?;
    let state = stack_scripts(b).await?;
    check(state == json!([false, false, "off"]), || {
        format!("held-back scripts ran before consent: {state}")
    })?;
    check(STACK_TRACKER_REQUESTS.load(Ordering::SeqCst) == 0, || {
        "the tracker was requested before consent".into()
    })?;

    b.step("Accept all: the tracker and the A/B script run without a reload");
    b.click("#tc-accept").await?;
    b.wait_until("#tracker says on", || async {
        Ok(stack_scripts(b).await?[2] == json!("on"))
    })
    .await?;

    b.step("visit / after accepting: the cached undecided copy is not confirmed");
    b.goto("/").await?;
    stack_page_loaded(b).await?;
    let logged = last_page_request();
    check(logged == Some((true, 200)), || {
        format!("the browser's revalidation of its undecided copy was answered {logged:?}")
    })?;
    b.wait_until("#tracker says on", || async {
        Ok(stack_scripts(b).await?[2] == json!("on"))
    })
    .await?;
    check(!b.displayed("#tc-banner").await?, || {
        "the banner reappeared after a choice".into()
    })?;

    b.step("revisit / in the same state: the app's 304 still works");
    b.goto("/").await?;
    stack_page_loaded(b).await?;
    let logged = last_page_request();
    check(logged == Some((true, 304)), || {
        format!("a revalidation in the same state was answered {logged:?}")
    })?;
    check(!b.displayed("#tc-banner").await?, || {
        "the banner reappeared from the cache".into()
    })?;

    b.step("withdraw");
    let status = b
        .js("return fetch('/_consent', {method: 'DELETE'}).then((r) => r.status);")
        .await?;
    check(status == json!(200), || {
        format!("withdrawal answered {status}")
    })?;

    b.step("revisit / after withdrawing: no held-back script runs");
    b.goto("/").await?;
    stack_page_loaded(b).await?;
    let logged = last_page_request();
    check(logged == Some((true, 200)), || {
        format!("the browser's revalidation of its accepted copy was answered {logged:?}")
    })?;
    // Give a script that would run from the cache the time to run.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let state = stack_scripts(b).await?;
    check(state == json!([false, false, "off"]), || {
        format!("held-back scripts ran after the withdrawal: {state}")
    })?;
    let source = b.client.source().await.map_err(ctx("page source"))?;
    check(
        source.contains("data-consent-src=\"/stack-tracker.js\""),
        || "the tracker is not held back after the withdrawal".into(),
    )
}

async fn stack_test(test: &str, stack: Stack) {
    browser_test(test, stack_app(stack), |driver, base| async move {
        run_scenario(&driver, &base, "stack_accept_withdraw", true, |b| {
            Box::pin(stack_accept_withdraw(b))
        })
        .await
        .into_iter()
        .collect()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servedir_page_through_the_http_cache() {
    stack_test("servedir_page_through_the_http_cache", Stack::Plain).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servedir_precompressed_gzip_through_the_http_cache() {
    stack_test(
        "servedir_precompressed_gzip_through_the_http_cache",
        Stack::PrecompressedGzip,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compression_outside_the_layer_through_the_http_cache() {
    stack_test(
        "compression_outside_the_layer_through_the_http_cache",
        Stack::CompressionOutside,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compression_inside_the_layer_through_the_http_cache() {
    stack_test(
        "compression_inside_the_layer_through_the_http_cache",
        Stack::CompressionInside,
    )
    .await;
}

/// A page that shows user content a sanitizer passed (it keeps `data-*`): forged
/// `data-consent-*` attributes meant to become script once the visitor accepts, beside
/// the app's own tracker, which the gate holds back.
async fn comments_page() -> Html<&'static str> {
    Html(concat!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<title>Comments</title>\n</head>\n<body>\n<h1>Comments</h1>\n",
        "<p>Tracker: <span id=\"tracker\">off</span></p>\n",
        "<script src=\"/comment-tracker.js\"></script>\n",
        "<div class=\"comment\">\n",
        // Annotated: the gate holds it back, and renames what the page wrote.
        "<img id=\"g1\" data-consent=\"analytics\" data-consent-src=\"/missing.png\" ",
        "data-consent-onerror=\"window.xss=(window.xss||[]).concat('onerror')\" alt=\"\">\n",
        "<iframe id=\"g2\" data-consent=\"analytics\" ",
        "data-consent-srcdoc=\"<script>parent.xss=(parent.xss||[]).concat('srcdoc')</script>\"></iframe>\n",
        // Not held back: a forged mark that guesses a token.
        "<a id=\"g3\" href=\"#\" data-consent=\"analytics\" data-consent-held=\"00000000000000000000000000000000\" ",
        "data-consent-href=\"javascript:window.xss=(window.xss||[]).concat('href')\">a link</a>\n",
        "</div>\n</body>\n</html>\n",
    ))
}

static COMMENT_TRACKER_REQUESTS: AtomicUsize = AtomicUsize::new(0);

async fn comment_tracker_js() -> impl IntoResponse {
    COMMENT_TRACKER_REQUESTS.fetch_add(1, Ordering::SeqCst);
    (
        [(axum::http::header::CONTENT_TYPE, "text/javascript")],
        "document.getElementById('tracker').textContent = 'on';\n",
    )
}

async fn forged_attributes_stay_inert(b: &Browser) -> Res {
    b.step("open /comments with a fresh cookie jar: the banner is injected");
    b.goto("/comments").await?;
    b.wait_displayed("#tc-banner", true).await?;
    wait_for_banner_script(b).await?;
    check(COMMENT_TRACKER_REQUESTS.load(Ordering::SeqCst) == 0, || {
        "the held-back tracker was requested before consent".into()
    })?;

    b.step("Accept all: the gate's own held-back script runs");
    b.click("#tc-accept").await?;
    b.wait_until("#tracker says on", || async {
        Ok(
            b.js("return document.getElementById('tracker').textContent")
                .await?
                == json!("on"),
        )
    })
    .await?;

    b.step("the forged attributes stayed inert");
    b.click("#g3").await?;
    // Long enough for an image error or a frame's script to have run.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let state = b
        .js(
            "const g1 = document.getElementById('g1'), g2 = document.getElementById('g2'); \
             return [window.xss === undefined, g1.hasAttribute('onerror'), g1.hasAttribute('src'), \
             g2.hasAttribute('srcdoc'), document.getElementById('g3').getAttribute('href')];",
        )
        .await?;
    check(state == json!([true, false, false, false, "#"]), || {
        format!("user content came alive after Accept all: {state}")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_gate_forged_attributes_stay_inert_in_headless_chromium() {
    let app = Router::new()
        .route("/comments", get(comments_page))
        .route("/comment-tracker.js", get(comment_tracker_js))
        .layer(
            ConsentLayer::builder()
                .secret([7u8; 32])
                .secure(false)
                .html_gate(
                    tower_consent::HtmlGate::new()
                        .script_rule("/comment-tracker.js", tower_consent::Category::Analytics),
                )
                .build()
                .expect("valid configuration"),
        );
    browser_test(
        "html_gate_forged_attributes_stay_inert_in_headless_chromium",
        app,
        |driver, base| async move {
            run_scenario(&driver, &base, "forged_attributes_stay_inert", true, |b| {
                Box::pin(forged_attributes_stay_inert(b))
            })
            .await
            .into_iter()
            .collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------------------------
// Embeds behind their placeholder, and storage keys (issue 24)
// ---------------------------------------------------------------------------------

/// Requests for the loopback page standing in for a video vendor's player.
static EMBED_REQUESTS: AtomicUsize = AtomicUsize::new(0);

/// Two players of the "vendor" (an embed rule makes the loopback `/embed/` one), a
/// marketing script, and a script that writes keys into the browser's storage: an
/// analytics tracker's (built in: Amplitude's `AMP_*`, Hotjar's `hjViewportId`), a
/// preferences key the app declares, and one nobody declares.
async fn embeds_page() -> Html<&'static str> {
    Html(concat!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<title>Embeds</title>\n</head>\n<body>\n<h1>Embeds</h1>\n",
        "<div id=\"box1\"><iframe id=\"v1\" width=\"560\" height=\"315\" src=\"/embed/one\" ",
        "title=\"Video one\" frameborder=\"0\" allowfullscreen></iframe></div>\n",
        "<p id=\"after1\">After the first video.</p>\n",
        "<div id=\"box2\"><iframe id=\"v2\" width=\"560\" height=\"315\" src=\"/embed/two\" ",
        "title=\"Video two\" frameborder=\"0\"></iframe></div>\n",
        "<script src=\"/marketing.js\"></script>\n",
        // User content forging a placeholder (it cannot know the response's token) in
        // front of a frame it annotated for marketing.
        "<div id=\"forged\"><span data-tc-embed=\"00000000000000000000000000000000\">",
        "<button type=\"button\" data-tc-embed-allow id=\"forged-allow\">Win a prize</button>",
        "</span><iframe data-consent=\"marketing\" data-consent-held=\"00000000000000000000000000000000\" ",
        "src=\"/embed/forged\"></iframe></div>\n",
        "<script>window.writeKeys = () => { localStorage.setItem('AMP_1a2b', 'device'); ",
        "sessionStorage.setItem('hjViewportId', 'v'); localStorage.setItem('theme_choice', 'dark'); ",
        "localStorage.setItem('site_note', 'kept'); }; writeKeys();</script>\n",
        // Room to scroll the players above the open banner.
        "<div style=\"height:1000px\"></div>\n</body>\n</html>\n",
    ))
}

async fn embed_player(path: axum::extract::Path<String>) -> impl IntoResponse {
    EMBED_REQUESTS.fetch_add(1, Ordering::SeqCst);
    Html(format!(
        "<!doctype html><title>player</title><body><p id=\"who\">player {}</p></body>",
        escape(&path)
    ))
}

async fn marketing_js() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/javascript")],
        "window.marketingRan = (window.marketingRan || 0) + 1;\n",
    )
}

fn embeds_layer() -> ConsentLayer {
    use tower_consent::{Category, Embed, EmbedKind, HtmlGate};
    ConsentLayer::builder()
        .secret([7u8; 32])
        .secure(false)
        .known_trackers()
        .local_storage(Category::Preferences, ["theme_choice"])
        .html_gate(
            HtmlGate::new()
                .embed(Embed::new("127.0.0.1/embed/", "YouTube", EmbedKind::Video))
                .script_rule("/marketing.js", Category::Marketing),
        )
        .build()
        .expect("valid configuration")
}

fn embeds_app() -> Router {
    Router::new()
        .route("/", get(embeds_page))
        .route("/embed/{video}", get(embed_player))
        .route("/marketing.js", get(marketing_js))
        .layer(embeds_layer())
}

/// The consent cookie's value, if any.
async fn consent_cookie(b: &Browser) -> Res<Option<String>> {
    let cookies = b
        .client
        .get_all_cookies()
        .await
        .map_err(ctx("read cookies"))?;
    Ok(cookies
        .iter()
        .find(|c| c.name() == CONSENT_COOKIE)
        .map(|c| c.value().to_owned()))
}

/// The box of the first element matching `css`: `[left, top, width, height]`.
async fn rect(b: &Browser, css: &str) -> Res<Value> {
    b.js(&format!(
        "const r = document.querySelector('{css}').getBoundingClientRect(); \
         return [r.left, r.top, r.width, r.height];"
    ))
    .await
}

/// What the player in a same-origin frame says, or null while it says nothing.
async fn frame_text(b: &Browser, id: &str) -> Res<Value> {
    b.js(&format!(
        "const f = document.getElementById('{id}'); \
         const p = f && f.contentDocument && f.contentDocument.getElementById('who'); \
         return p ? p.textContent : null;"
    ))
    .await
}

async fn embeds_load_one_then_allow(b: &Browser) -> Res {
    EMBED_REQUESTS.store(0, Ordering::SeqCst);
    b.step("open / with a fresh cookie jar: two placeholders, nothing loaded");
    b.goto("/").await?;
    b.wait_displayed("#box1 .tc-embed [data-tc-embed-load]", true)
        .await?;
    b.wait_displayed("#box2 .tc-embed [data-tc-embed-allow]", true)
        .await?;
    check(
        !b.displayed("#v1").await? && !b.displayed("#v2").await?,
        || "a held-back frame is displayed".into(),
    )?;
    let label = b
        .js("return document.querySelector('#box1 .tc-embed').getAttribute('aria-label')")
        .await?;
    check(label == json!("Content from YouTube"), || {
        format!("label {label}")
    })?;
    check(EMBED_REQUESTS.load(Ordering::SeqCst) == 0, || {
        "the vendor's player was requested before anything was loaded".into()
    })?;
    let marketing = b.js("return window.marketingRan === undefined").await?;
    check(marketing == json!(true), || "marketing.js ran".into())?;
    b.screenshot("embed-placeholder.png").await?;
    let placeholder = rect(b, "#box1 .tc-embed").await?;
    let after = rect(b, "#after1").await?;
    let cookie = consent_cookie(b).await?;

    b.step("a forged placeholder's button records nothing and loads nothing");
    b.js("document.getElementById('forged').scrollIntoView()")
        .await?;
    b.click("#forged-allow").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    check(consent_cookie(b).await? == cookie, || {
        "a forged placeholder recorded a choice".into()
    })?;
    check(EMBED_REQUESTS.load(Ordering::SeqCst) == 0, || {
        "a forged placeholder loaded a frame".into()
    })?;
    b.js("window.scrollTo(0, 0)").await?;

    b.step("Load this one: the first video loads without a reload, nothing recorded");
    b.js("window.__tcSamePage = true").await?;
    b.click("#box1 .tc-embed [data-tc-embed-load]").await?;
    b.wait_until("the first player loaded", || async {
        Ok(frame_text(b, "v1").await? == json!("player one"))
    })
    .await?;
    let state = b
        .js("return [window.__tcSamePage === true, document.querySelectorAll('#box1 .tc-embed').length, \
             document.querySelectorAll('#box2 .tc-embed').length, window.marketingRan === undefined];")
        .await?;
    check(state == json!([true, 0, 1, true]), || {
        format!("after loading one: {state}")
    })?;
    check(EMBED_REQUESTS.load(Ordering::SeqCst) == 1, || {
        format!("{} player requests", EMBED_REQUESTS.load(Ordering::SeqCst))
    })?;
    check(consent_cookie(b).await? == cookie, || {
        "loading one embed changed the consent cookie".into()
    })?;
    b.step("no layout shift: the frame took the placeholder's box");
    let frame = rect(b, "#v1").await?;
    check(frame == placeholder, || {
        format!("placeholder {placeholder}, frame {frame}")
    })?;
    let moved = rect(b, "#after1").await?;
    check(moved == after, || {
        format!("the next paragraph moved: {after} → {moved}")
    })?;

    b.step("Allow Marketing: recorded as a choice, every marketing element comes alive");
    // Above the open banner, which covers the bottom of the window.
    b.js("document.getElementById('box2').scrollIntoView()")
        .await?;
    b.click("#box2 .tc-embed [data-tc-embed-allow]").await?;
    b.wait_until("the second player loaded", || async {
        Ok(frame_text(b, "v2").await? == json!("player two"))
    })
    .await?;
    b.wait_until("marketing.js ran", || async {
        Ok(b.js("return window.marketingRan").await? == json!(1))
    })
    .await?;
    let state = b
        .js(
            "return [window.__tcSamePage === true, document.querySelectorAll('.tc-embed').length, \
             document.getElementById('tc-cat-marketing').checked, \
             document.getElementById('tc-cat-analytics').checked, \
             document.getElementById('tc-banner').hidden];",
        )
        .await?;
    check(state == json!([true, 0, true, false, true]), || {
        format!("after allowing marketing: {state}")
    })?;
    check(consent_cookie(b).await?.is_some(), || {
        "no consent cookie after allowing marketing".into()
    })?;

    b.step("reload: the players are served as written");
    b.reload().await?;
    b.wait_until("both players loaded natively", || async {
        Ok(frame_text(b, "v1").await? == json!("player one")
            && frame_text(b, "v2").await? == json!("player two"))
    })
    .await?;
    let placeholders = b
        .js("return document.querySelectorAll('.tc-embed').length")
        .await?;
    check(placeholders == json!(0), || {
        "placeholders after consent".into()
    })
}

async fn embeds_nojs_settings_link(b: &Browser) -> Res {
    EMBED_REQUESTS.store(0, Ordering::SeqCst);
    b.step("open / without JavaScript: the placeholder shows its link, not its buttons");
    b.goto("/").await?;
    b.wait_displayed("#box1 .tc-embed .tc-embed-settings", true)
        .await?;
    check(
        !b.displayed("#box1 .tc-embed [data-tc-embed-load]").await?
            && !b.displayed("#box1 .tc-embed [data-tc-embed-allow]").await?,
        || "the placeholder's buttons are displayed without JavaScript".into(),
    )?;
    b.screenshot("embed-placeholder-nojs.png").await?;
    b.step("its link opens the cookie settings, with the way back");
    b.click("#box1 .tc-embed .tc-embed-settings").await?;
    b.wait_displayed("#tc-back", true).await?;
    let url = b.client.current_url().await.map_err(ctx("current URL"))?;
    check(url.path() == "/_consent/settings", || format!("at {url}"))?;
    check(url.query() == Some("return_to=%2F"), || format!("at {url}"))?;
    check(EMBED_REQUESTS.load(Ordering::SeqCst) == 0, || {
        "the vendor's player was requested".into()
    })
}

/// The storage keys the page's script wrote that are still there.
async fn stored_keys(b: &Browser) -> Res<Value> {
    b.js("return ['AMP_1a2b', 'theme_choice', 'site_note'].filter((k) => localStorage.getItem(k) !== null)\
          .concat(sessionStorage.getItem('hjViewportId') !== null ? ['hjViewportId'] : []);")
        .await
}

async fn storage_removed_when_refused(b: &Browser) -> Res {
    b.step("open / with a fresh cookie jar: refused keys are removed at page load");
    b.goto("/").await?;
    b.wait_displayed("#tc-banner", true).await?;
    wait_for_banner_script(b).await?;
    let kept = stored_keys(b).await?;
    check(kept == json!(["site_note"]), || {
        format!("after load: {kept}")
    })?;

    b.step("Accept all: the script writes its keys again, and they stay");
    b.click("#tc-accept").await?;
    b.wait_displayed("#tc-banner", false).await?;
    b.js("writeKeys()").await?;
    b.reload().await?;
    let kept = stored_keys(b).await?;
    check(
        kept == json!(["AMP_1a2b", "theme_choice", "site_note", "hjViewportId"]),
        || format!("granted: {kept}"),
    )?;

    b.step("withdraw analytics only: its keys are gone at once, the others stay");
    b.click("#tc-reopen").await?;
    b.wait_displayed("#tc-banner", true).await?;
    b.click("#tc-customize > summary").await?;
    b.click("#tc-cat-analytics").await?;
    b.click("#tc-save").await?;
    b.wait_until("the analytics keys are gone", || async {
        Ok(stored_keys(b).await? == json!(["theme_choice", "site_note"]))
    })
    .await?;

    b.step("withdraw everything: the preferences key goes too, the undeclared one stays");
    b.click("#tc-reopen").await?;
    b.wait_displayed("#tc-banner", true).await?;
    b.click("#tc-reject").await?;
    b.wait_until("only the undeclared key is left", || async {
        Ok(stored_keys(b).await? == json!(["site_note"]))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeds_and_storage_in_headless_chromium() {
    browser_test(
        "embeds_and_storage_in_headless_chromium",
        embeds_app(),
        |driver, base| async move {
            let mut failures = Vec::new();
            let scenarios: [(&'static str, bool, Scenario); 3] = [
                ("embeds_load_one_then_allow", true, |b| {
                    Box::pin(embeds_load_one_then_allow(b))
                }),
                ("embeds_nojs_settings_link", false, |b| {
                    Box::pin(embeds_nojs_settings_link(b))
                }),
                ("storage_removed_when_refused", true, |b| {
                    Box::pin(storage_removed_when_refused(b))
                }),
            ];
            for (name, javascript, scenario) in scenarios {
                failures.extend(run_scenario(&driver, &base, name, javascript, scenario).await);
            }
            failures
        },
    )
    .await;
}
