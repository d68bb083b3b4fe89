//! A small axum site behind a [`ConsentLayer`]: one page that tries to set a session,
//! a preference, an analytics and a marketing cookie on every response, shows which
//! cookies the app actually received, and carries the consent banner (Accept all,
//! Reject all, Customize, and a permanent "Cookie settings" link). The banner works
//! with and without JavaScript.
//!
//! Run it:
//!
//! ```text
//! cargo run --example demo            # PORT=8080 to change the port
//! ```
//!
//! and open <http://127.0.0.1:3000>, or try it with curl. The page links to its cookie
//! declaration, <http://127.0.0.1:3000/_consent/cookies>, which lists the demo's rules
//! and the catalog trackers it has seen this site use. Without a consent decision
//! only the necessary `session` cookie reaches the app, and the layer deletes the
//! tracking cookies the browser claims to hold:
//!
//! ```text
//! curl -i -H 'Cookie: session=1; _ga=GA1.2.3; _fbp=fb.1.2' http://127.0.0.1:3000/
//! ```
//!
//! The page lists only `session`; the response carries `Set-Cookie: _ga=; Max-Age=0…`
//! and `Set-Cookie: _fbp=; Max-Age=0…`, and neither the app's `_ga=GA1…` nor its
//! `theme=dark`. Accept everything with a cookie jar, then ask again:
//!
//! ```text
//! curl -c jar -b jar -H 'Sec-Fetch-Site: same-origin' -d action=accept_all http://127.0.0.1:3000/_consent
//! curl -i -c jar -b jar http://127.0.0.1:3000/
//! ```
//!
//! Now all four cookies are set and sent back.
//!
//! Every decision is recorded in the proof-of-consent ledger before its cookie is set:
//! in SQLite (`consent-ledger.db` in the working directory, or `LEDGER_DB`), or in
//! PostgreSQL when `DATABASE_URL` is set (schema `tower_consent`, or `LEDGER_SCHEMA`). The page lists the visitor's records and links
//! to their JSON export at `/_consent/records`.
//!
//! Decisions are recorded at a bounded rate per client (the ledger's default
//! `RateLimit`: a burst of 100, then one a second), the client being the connection's
//! address (served with `ConnectInfo`). From one address, the 101st choice in a row is
//! answered `429` with `Retry-After`, and nothing is recorded:
//!
//! ```text
//! for i in $(seq 110); do curl -s -o /dev/null -w '%{http_code}\n' -H 'Sec-Fetch-Site: same-origin' -d action=reject_all http://127.0.0.1:3000/_consent; done | sort | uniq -c
//! ```
//!
//! Behind a proxy every connection is the proxy's: with `TRUST_X_FORWARDED_FOR=1` the
//! demo takes the client from the last `X-Forwarded-For` address instead (the one
//! your proxy appends; only for a demo behind a proxy that writes it, or a load test).
//!
//! Several instances on one PostgreSQL ledger (`DATABASE_URL`, a `PORT` each) share
//! one cookie declaration: a catalog tracker one instance sees is listed by all of
//! them within ten seconds. `/ads` sets Google Ads's `_gcl_au`, `/clarity` Microsoft
//! Clarity's `_clck` (catalog entries, declared by no rule of the demo):
//!
//! ```text
//! DATABASE_URL=postgres://postgres@127.0.0.1/test PORT=3001 cargo run --example demo &
//! DATABASE_URL=postgres://postgres@127.0.0.1/test PORT=3002 cargo run --example demo &
//! curl -s -o /dev/null http://127.0.0.1:3001/ads; curl -s -o /dev/null http://127.0.0.1:3002/clarity
//! sleep 10; for port in 3001 3002; do curl -s -H 'Accept: application/json' http://127.0.0.1:$port/_consent/cookies | grep -o '"name":"[^"]*"[^}]*"catalog":true' | cut -d'"' -f4 | sort | tr '\n' ' '; echo; done
//! ```
//!
//! The HTML gate is on: the page includes Google's plain gtag tag and a local
//! analytics script marked `data-consent="analytics"` that turns a line of the page
//! green. Without consent the served HTML holds both held back (`type="text/plain"`);
//! after "Accept all" the local script runs at once, without a reload (the gtag tag
//! cannot load offline, which is fine), and the next page load serves both as written:
//!
//! ```text
//! curl -s http://127.0.0.1:3000/ | grep -E 'gtag/js|data-consent="analytics"'
//! ```
//!
//! Regimes by region: the demo takes the visitor's region from Cloudflare's
//! `CF-IPCountry` and `cf-region-code` headers. It trusts them only because it is a
//! demo: behind Cloudflare, an origin may trust them only if it cannot be reached
//! around Cloudflare. So curl can play a visitor from anywhere. A Californian gets
//! the opt-out regime: `_ga` and `_fbp` reach the app without any choice, and the page
//! offers "Do Not Sell or Share My Personal Information":
//!
//! ```text
//! curl -i -H 'CF-IPCountry: US' -H 'cf-region-code: CA' -H 'Cookie: session=1; _ga=GA1.2.3; _fbp=fb.1.2' http://127.0.0.1:3000/
//! ```
//!
//! With `-H 'Sec-GPC: 1'` the signal refuses the sale and sharing of personal data:
//! `_fbp` is withheld and deleted, `_ga` still passes, and the refusal is recorded.
//! With `CF-IPCountry: DE`, or without the headers, both are withheld and deleted, as
//! for everyone without a region.
//!
//! The consent cookie is signed with `CONSENT_SECRET` (32 bytes or more); without it
//! the demo draws a random secret, so choices are forgotten when it restarts.

use std::error::Error;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::Request;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::HeaderMap;
use axum::middleware::map_request;
use axum::response::{AppendHeaders, Html, IntoResponse};
use axum::routing::get;
use axum::{Extension, Router};
use tower_consent::ledger::{ClientIp, Ledger, LedgerStore, PgStore, Record, SqliteStore, Who};
use tower_consent::{
    Category, Consent, ConsentBanner, ConsentLayer, ConsentModeMapping, HtmlGate, Lifetime, Regime,
    RegionSource, Rule,
};
use tracing_subscriber::EnvFilter;

const DEFAULT_PORT: u16 = 3000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let port = match std::env::var("PORT") {
        Ok(text) => text
            .parse::<u16>()
            .map_err(|e| format!("PORT must be a port number, got {text:?}: {e}"))?,
        Err(_) => DEFAULT_PORT,
    };

    let ledger = Ledger::from_arc(ledger_store().await?);
    // Records older than the retention period (three years by default) go every hour.
    tokio::spawn(
        ledger
            .clone()
            .continuously_delete_expired(std::time::Duration::from_secs(3600)),
    );

    let consent = ConsentLayer::builder()
        .secret(secret()?)
        // The demo runs over plain http://127.0.0.1, where browsers refuse `Secure`
        // cookies (and the `__Host-` name that needs them). In production keep the
        // default `secure(true)`.
        .secure(false)
        // Rules with what the cookie declaration (/_consent/cookies) shows about them.
        .rule(
            Rule::new("session", Category::Necessary)
                .purpose("Keeps the demo's session.")
                .lifetime(Lifetime::Session),
        )
        .rule(
            Rule::new("theme", Category::Preferences)
                .purpose("Remembers the colour theme.")
                .lifetime(Lifetime::Session),
        )
        .analytics(["_ga", "_ga_*"])
        .marketing(["_fbp"])
        .known_trackers()
        .ledger(ledger.clone())
        // The visitor's region from Cloudflare's headers, trusted here only because
        // this is a demo: a real origin must not be reachable around Cloudflare, or
        // anybody can claim any region.
        .region_source(RegionSource::cloudflare())
        // Tracker scripts, iframes and pixels are held back in the HTML until consent;
        // Google Consent Mode defaults go first in <head>.
        .html_gate(HtmlGate::new().google_consent_mode(ConsentModeMapping::new()))
        .build()?;

    let app = Router::new()
        .route("/", get(page))
        // A catalog tracker each, declared by no rule here, set by the app: what the
        // instances of a fleet share in their cookie declaration.
        .route(
            "/ads",
            get(|| async { set_cookie("_gcl_au=1.1.42.1700000000") }),
        )
        .route(
            "/clarity",
            get(|| async { set_cookie("_clck=abc123%7C2%7Cf0") }),
        )
        .layer(consent)
        .layer(Extension(ledger));
    // Without it, the layer counts each connection's address (`ConnectInfo` below).
    let app = if std::env::var_os("TRUST_X_FORWARDED_FOR").is_some() {
        app.layer(map_request(forwarded_client))
    } else {
        app
    };

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e} (set PORT to use another port)"))?;
    println!("tower-consent demo listening on http://{addr}");
    // The connection's address is the client the ledger's rate limit counts.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}

/// The client as the proxy in front says: the last `X-Forwarded-For` address.
async fn forwarded_client(mut request: Request) -> Request {
    let last = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|address| address.trim().parse::<IpAddr>().ok())
        .next_back();
    if let Some(ip) = last {
        request.extensions_mut().insert(ClientIp(ip));
    }
    request
}

/// A page that sets `cookie` (for 10 minutes).
fn set_cookie(cookie: &'static str) -> impl IntoResponse {
    (
        AppendHeaders([(SET_COOKIE, format!("{cookie}; Path=/; Max-Age=600"))]),
        Html("<!doctype html><title>set</title><p>set</p>"),
    )
}

/// The ledger's store: PostgreSQL at `DATABASE_URL`, else the SQLite file `LEDGER_DB`
/// (default `consent-ledger.db`).
async fn ledger_store() -> Result<std::sync::Arc<dyn LedgerStore>, Box<dyn Error>> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let schema = std::env::var("LEDGER_SCHEMA").unwrap_or_else(|_| "tower_consent".into());
        let store = PgStore::connect_in(&url, &schema)
            .await
            .map_err(|e| format!("cannot use PostgreSQL at DATABASE_URL: {e}"))?;
        println!("recording consent in PostgreSQL (schema {schema})");
        return Ok(std::sync::Arc::new(store));
    }
    let path = std::env::var("LEDGER_DB").unwrap_or_else(|_| "consent-ledger.db".to_owned());
    let store = SqliteStore::open(&path)
        .await
        .map_err(|e| format!("cannot open the ledger {path}: {e}"))?;
    println!("recording consent in {path} (SQLite; set DATABASE_URL for PostgreSQL)");
    Ok(std::sync::Arc::new(store))
}

/// The signing secret: `CONSENT_SECRET`, or 32 fresh random bytes.
fn secret() -> Result<Vec<u8>, Box<dyn Error>> {
    if let Ok(secret) = std::env::var("CONSENT_SECRET") {
        if secret.len() < 32 {
            return Err(format!(
                "CONSENT_SECRET must be at least 32 bytes, it has {}",
                secret.len()
            )
            .into());
        }
        return Ok(secret.into_bytes());
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a secret: {e}"))?;
    println!(
        "CONSENT_SECRET is not set: generated a random secret; \
         consent choices reset when the demo restarts"
    );
    Ok(bytes.to_vec())
}

/// The cookies the app tries to set on every page; the layer removes those the
/// visitor has not consented to.
const APP_COOKIES: [&str; 4] = [
    "session=demo-session; Path=/; HttpOnly",
    "theme=dark; Path=/",
    "_ga=GA1.1.12345.67890; Path=/; Max-Age=31536000",
    // HttpOnly: scripts cannot delete it, the layer can.
    "_fbp=fb.1.1700000000.1234; Path=/; Max-Age=7776000; HttpOnly",
];

async fn page(
    consent: Consent,
    banner: ConsentBanner,
    headers: HeaderMap,
    Extension(ledger): Extension<Ledger>,
) -> impl IntoResponse {
    let set_cookies = AppendHeaders(APP_COOKIES.map(|value| (SET_COOKIE, value)));
    let records = match consent.id() {
        Some(id) => ledger.history(&Who::Consent(id)).await.map_err(|e| {
            tracing::warn!(error = %e, "reading the ledger failed");
        }),
        None => Ok(Vec::new()),
    };
    (
        set_cookies,
        Html(render(&consent, &banner, &headers, records.ok().as_deref())),
    )
}

/// The visitor's records as table rows: time, revision, choice, wording version.
fn record_rows(records: Option<&[Record]>) -> String {
    let Some(records) = records else {
        return "<tr><td colspan=5><em>the ledger could not be read</em></td></tr>".to_owned();
    };
    if records.is_empty() {
        return "<tr><td colspan=5><em>none yet: make a choice</em></td></tr>".to_owned();
    }
    let mut rows = String::new();
    for record in records.iter().rev() {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td><td><code>{}</code></td></tr>",
            record
                .recorded_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            record.revision,
            record.action,
            escape(&record.granted.join(", ")),
            record.source,
            escape(record.wording.get(..12).unwrap_or(&record.wording)),
        );
    }
    rows
}

const STYLE: &str = "\
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
td code { word-break: break-all; }
footer { margin: 2rem 0 8rem; }
";

fn render(
    consent: &Consent,
    banner: &ConsentBanner,
    headers: &HeaderMap,
    records: Option<&[Record]>,
) -> String {
    let mut rows = String::new();
    for header in headers.get_all(COOKIE) {
        // Non-UTF-8 bytes are shown replaced, never trusted.
        let text = String::from_utf8_lossy(header.as_bytes());
        for pair in text.split(';') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (name, value) = pair.split_once('=').unwrap_or(("", pair));
            let _ = write!(
                rows,
                "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
                escape(name.trim()),
                escape(value.trim())
            );
        }
    }
    if rows.is_empty() {
        rows.push_str("<tr><td colspan=2><em>none</em></td></tr>");
    }

    let granted = consent
        .granted()
        .map(Category::key)
        .collect::<Vec<_>>()
        .join(", ");
    let id = consent
        .id()
        .map_or_else(|| "—".to_owned(), |id| id.to_string());
    let source = consent.source().map_or("—", |source| source.as_str());
    let decided = match (consent.decided(), consent.regime()) {
        (true, _) => "yes",
        (false, Regime::OptIn) => "no — only necessary cookies pass",
        (false, _) => "no — this region's regime lets every category pass until you refuse",
    };
    let region = consent
        .region()
        .map_or_else(|| "unknown".to_owned(), |region| region.to_string());

    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tower-consent demo</title>
<style>
{style}</style>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO"></script>
</head>
<body>
<h1>tower-consent demo</h1>
<p>Every response of this page tries to set four cookies: <code>session</code> (necessary),
<code>theme</code> (preferences), <code>_ga</code> (analytics) and <code>_fbp</code> (marketing).
The consent layer strips the <code>Set-Cookie</code> headers of categories you have not
accepted, removes those cookies from requests before the app sees them, and deletes them
from your browser.</p>

<h2>Cookies your browser sent that the app received</h2>
<table>
<thead><tr><th>Name</th><th>Value</th></tr></thead>
<tbody id="received">{rows}</tbody>
</table>

<h2>Current consent</h2>
<table>
<tbody>
<tr><th>Region</th><td id="region">{region}</td></tr>
<tr><th>Regime</th><td id="regime">{regime}</td></tr>
<tr><th>Decided</th><td>{decided}</td></tr>
<tr><th>Granted categories</th><td>{granted}</td></tr>
<tr><th>Consent id</th><td><code>{id}</code></td></tr>
<tr><th>Policy revision</th><td>{revision}</td></tr>
<tr><th>Source</th><td>{source}</td></tr>
</tbody>
</table>

<h2>Analytics script</h2>
<p id="analytics-status">The analytics script has not run: the HTML gate holds it back
until you accept analytics.</p>
<script data-consent="analytics">
  var line = document.getElementById('analytics-status');
  line.textContent = 'The analytics script ran: you accepted analytics.';
  line.style.color = '#0a7a2f';
</script>

<h2>Your consent records</h2>
<p>Each decision is written to the proof-of-consent ledger before its cookie is set.
Download them as JSON: <a href="/_consent/records" id="export">/_consent/records</a>.</p>
<table>
<thead><tr><th>Time (UTC)</th><th>Revision</th><th>Choice</th><th>Source</th><th>Wording version</th></tr></thead>
<tbody id="records">{records}</tbody>
</table>

<p>Change your choice at any time with the “Cookie settings” link below (“Your Privacy
Choices” where the regime is opt-out). Which cookies
this site uses, and what for: the <a href="/_consent/cookies" id="declaration">cookie
declaration</a> (it also lists the catalog trackers this site is seen to use: those
the app sets, and those the browsers of three visitors send).</p>
<footer>{banner}</footer>
</body>
</html>
"#,
        style = STYLE,
        rows = rows,
        region = escape(&region),
        regime = consent.regime(),
        decided = decided,
        granted = escape(&granted),
        id = escape(&id),
        revision = consent.revision(),
        source = escape(source),
        banner = banner,
        records = record_rows(records),
    )
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
