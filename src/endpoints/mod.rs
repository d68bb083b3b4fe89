//! The consent endpoints the layer answers itself, before the app sees the request.
//!
//! | Request | Answer |
//! | --- | --- |
//! | `GET {prefix}` | the consent state as JSON |
//! | `POST {prefix}` | records a choice (JSON → `200` with the new state; form → `303` back) |
//! | `DELETE {prefix}` | withdraws consent (`200` with the new state) |
//! | `GET {prefix}/banner` | the banner as an HTML fragment |
//! | `GET {prefix}/settings` | a page with the banner open (the no-JavaScript settings) |
//! | `GET {prefix}/cookies` | the cookie declaration: a page, or JSON for `Accept: application/json` |
//! | `GET {prefix}/banner.js`, `…/banner.css` | the banner's assets, with `ETag` |
//! | `GET /.well-known/gpc.json` | the Global Privacy Control support document |
//! | `GET {prefix}/report` | the undeclared-cookie report as JSON, if configured and allowed |
//! | `GET {prefix}/records` | with a ledger: the visitor's records as JSON |
//! | `DELETE {prefix}/records` | with a ledger: erases the visitor's records and withdraws |
//!
//! State-changing requests must come from the same origin (see
//! [`same_origin`](crate::same_origin)); bad input is a `4xx` JSON error and records
//! nothing.

mod assets;
pub(crate) mod choice_request;
mod declaration;
pub(crate) mod json;
#[cfg(feature = "ledger")]
pub(crate) mod ledger;
mod problem;
#[cfg(feature = "ledger")]
mod recorded;
#[cfg(feature = "ledger")]
mod records;
mod state;

use bytes::Bytes;
use http::header::{ACCEPT, ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, LOCATION, VARY};
use http::request::Parts;
use http::{HeaderValue, Method, Response, StatusCode};

use self::assets::Asset;
use self::choice_request::{ChoiceRequest, MAX_BODY};
pub(crate) use self::problem::Problem;
use crate::banner::AssetAttributes;
use crate::classify::Classifier;
use crate::consent::Decision;
#[cfg(feature = "ledger")]
use crate::ledger::LedgerConfig;
use crate::report::Access;
use crate::report_once::ReportOnce;
use crate::request_state::{NotRecorded, RequestState};
use crate::same_origin::{same_site_path, Refusal};
use crate::{BuildError, Consent};

/// The path of the GPC support document.
const GPC_JSON: &str = "/.well-known/gpc.json";

/// Endpoint settings, fixed at build time. The banner's (texts, languages, the prefix
/// its forms post to) are the consent's: see [`BannerConfig`](crate::banner::BannerConfig).
#[derive(Debug)]
pub(crate) struct Endpoints {
    prefix: String,
    gpc_last_update: Option<String>,
    /// Whether `/.well-known/gpc.json` is served: the layer honours GPC for some
    /// visitors.
    gpc_json: bool,
    /// Who may read `{prefix}/report`; `None`: nobody, the endpoint does not exist.
    report_access: Option<Access>,
    /// Whether `{prefix}/records` is served (a ledger is configured).
    #[cfg(feature = "ledger")]
    records: bool,
    /// The causes of refused choices from pages that were logged.
    refusals: ReportOnce,
}

impl Endpoints {
    pub(crate) fn new(prefix: String, gpc_last_update: Option<String>) -> Self {
        Self {
            prefix,
            gpc_last_update,
            gpc_json: false,
            report_access: None,
            #[cfg(feature = "ledger")]
            records: false,
            refusals: ReportOnce::new(),
        }
    }

    /// Serves `/.well-known/gpc.json` when `serve`.
    pub(crate) fn serving_gpc_json(mut self, serve: bool) -> Self {
        self.gpc_json = serve;
        self
    }

    /// Serves the undeclared-cookie report to requests `access` allows.
    pub(crate) fn with_report_access(mut self, access: Option<Access>) -> Self {
        self.report_access = access;
        self
    }

    /// Serves the visitor's records at `{prefix}/records`.
    #[cfg(feature = "ledger")]
    pub(crate) fn with_records(mut self) -> Self {
        self.records = true;
        self
    }

    /// The endpoint `path` names, if any.
    pub(crate) fn route(&self, path: &str) -> Option<Endpoint> {
        if path == GPC_JSON && self.gpc_json {
            return Some(Endpoint::GpcJson);
        }
        let rest = path.strip_prefix(self.prefix.as_str())?;
        Some(match rest {
            "" => Endpoint::Consent,
            "/banner" => Endpoint::Banner,
            "/settings" => Endpoint::Settings,
            "/cookies" => Endpoint::Declaration,
            "/banner.js" => Endpoint::Asset(Asset::Script),
            "/banner.css" => Endpoint::Asset(Asset::Stylesheet),
            "/report" if self.report_access.is_some() => Endpoint::Report,
            #[cfg(feature = "ledger")]
            "/records" if self.records => Endpoint::Records,
            _ if rest.starts_with('/') => Endpoint::NotFound,
            _ => return None,
        })
    }
}

/// What the endpoints answer from besides the request's consent (which carries the
/// banner and the categories): their own settings, the classifier's report and, with
/// a ledger, its settings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings<'a> {
    pub(crate) endpoints: &'a Endpoints,
    /// Whose undeclared-cookie report `{prefix}/report` serves.
    pub(crate) classifier: &'a Classifier,
    #[cfg(feature = "ledger")]
    pub(crate) ledger: Option<&'a LedgerConfig>,
}

/// The version of the banner's assets, for their URLs and `ETag`.
pub(crate) fn asset_version() -> String {
    assets::version()
}

/// What a request to the endpoints asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `{prefix}`: read, record or withdraw.
    Consent,
    Banner,
    Settings,
    /// `{prefix}/cookies`: the cookie declaration.
    Declaration,
    Asset(Asset),
    GpcJson,
    /// `{prefix}/report`, when the app configured who may read it.
    Report,
    /// `{prefix}/records`: the visitor's ledger records (answered in `endpoints::ledger`).
    #[cfg(feature = "ledger")]
    Records,
    NotFound,
}

impl Endpoint {
    /// Whether the answer is the same for every visitor (the banner's assets, the GPC
    /// document), and so may be cached by shared caches.
    pub(crate) fn is_static(self) -> bool {
        matches!(self, Endpoint::Asset(_) | Endpoint::GpcJson)
    }

    /// Whether answering needs the request body.
    pub(crate) fn needs_body(self, method: &Method) -> bool {
        self == Endpoint::Consent && method == Method::POST
    }
}

/// The request body of an endpoint request, as far as it was read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BodyRead<'a> {
    /// The whole body (empty when the endpoint needs none).
    Read(&'a [u8]),
    /// More than [`MAX_BODY`] bytes.
    TooLarge,
    /// The body stream failed.
    Unreadable,
}

/// A decision an endpoint made, and the choice request it was made from.
pub(crate) type Recorded = (Decision, ChoiceRequest);

/// Answers an endpoint request. Returns the response and the decision it records, if
/// any. An error answer records nothing, not even a pending GPC decision.
pub(crate) fn answer(
    endpoint: Endpoint,
    parts: &Parts,
    body: BodyRead<'_>,
    state: &mut RequestState,
    settings: Settings<'_>,
) -> (Response<Bytes>, Option<Recorded>) {
    match respond(endpoint, parts, body, state, settings) {
        Ok(answer) => answer,
        Err(problem) => {
            state.discard_pending();
            crate::metrics::endpoint_error(problem.code());
            let response = if from_a_page(parts) {
                refusal_page(&problem, parts, body, state, settings.endpoints)
            } else {
                problem.into_response()
            };
            (response, None)
        }
    }
}

/// Whether a changing request was sent by a page rather than a script: the banner's
/// form without JavaScript (`application/x-www-form-urlencoded`), or a request that
/// asks for HTML. It gets a page, not JSON, when its choice is refused.
fn from_a_page(parts: &Parts) -> bool {
    if parts.method != Method::POST && parts.method != Method::DELETE {
        return false;
    }
    let form = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    form || parts.headers.get_all(ACCEPT).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("text/html"))
    })
}

/// The refusal of a choice sent by a page, as a page in the visitor's language naming
/// the cause; each cause is logged once.
fn refusal_page(
    problem: &Problem,
    parts: &Parts,
    body: BodyRead<'_>,
    state: &RequestState,
    endpoints: &Endpoints,
) -> Response<Bytes> {
    if endpoints.refusals.first_time(problem.message()) {
        tracing::warn!(
            code = problem.code(),
            cause = problem.message(),
            path = state.path(),
            "a choice sent from a page was refused; the visitor was shown why"
        );
    }
    let banner = &state.consent().context().banner;
    let language = banner.language(parts.headers.get(ACCEPT_LANGUAGE));
    let return_to = match body {
        BodyRead::Read(body) => form_urlencoded::parse(body)
            .find(|(name, _)| name == "return_to")
            .map(|(_, value)| value.into_owned()),
        BodyRead::TooLarge | BodyRead::Unreadable => None,
    };
    let html = banner.refusal(
        language,
        problem.message(),
        return_to.as_deref().unwrap_or("/"),
    );
    let mut response = Response::new(Bytes::from(html));
    *response.status_mut() = problem.status();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.append(VARY, HeaderValue::from_static("accept-language"));
    problem.add_headers(headers);
    response
}

fn respond(
    endpoint: Endpoint,
    parts: &Parts,
    body: BodyRead<'_>,
    state: &RequestState,
    settings: Settings<'_>,
) -> Result<(Response<Bytes>, Option<Recorded>), Problem> {
    let consent = state.consent();
    let endpoints = settings.endpoints;
    let banner = &consent.context().banner;
    let reading = parts.method == Method::GET || parts.method == Method::HEAD;
    let answer = match endpoint {
        Endpoint::NotFound => return Err(Problem::not_found()),
        // Answered asynchronously by the ledger; never routed without one.
        #[cfg(feature = "ledger")]
        Endpoint::Records => return Err(Problem::not_found()),
        Endpoint::Consent if reading => {
            let language = banner.language(parts.headers.get(ACCEPT_LANGUAGE));
            let json = state_json(consent, language);
            (json::answer(StatusCode::OK, json), None)
        }
        Endpoint::Consent if parts.method == Method::POST => {
            state.same_origin().map_err(forbidden)?;
            let body = match body {
                BodyRead::Read(body) => body,
                BodyRead::TooLarge => {
                    return Err(Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("a choice is at most {MAX_BODY} bytes"),
                    ))
                }
                BodyRead::Unreadable => {
                    return Err(Problem::bad_request("the request body could not be read"))
                }
            };
            let request = choice_request::parse(parts, body, &consent.context().categories)?;
            record(parts, state, request, &settings)?
        }
        Endpoint::Consent if parts.method == Method::DELETE => {
            state.same_origin().map_err(forbidden)?;
            let request = ChoiceRequest {
                choice: crate::Choice::withdraw(),
                return_to: None,
            };
            record(parts, state, request, &settings)?
        }
        Endpoint::Consent => return Err(Problem::method_not_allowed("GET, HEAD, POST, DELETE")),
        _ if !reading => return Err(Problem::method_not_allowed("GET, HEAD")),
        Endpoint::Banner | Endpoint::Settings => {
            let language = banner.language(parts.headers.get(ACCEPT_LANGUAGE));
            let return_to = query_param(parts, "return_to").unwrap_or_else(|| "/".to_owned());
            let html = consent.banner_in(
                language,
                &return_to,
                endpoint == Endpoint::Settings,
                AssetAttributes::default(),
            );
            let mut response = Response::new(Bytes::from(html));
            let headers = response.headers_mut();
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.append(VARY, HeaderValue::from_static("accept-language"));
            (response, None)
        }
        Endpoint::Declaration => (declaration::respond(parts, consent.context()), None),
        Endpoint::Asset(asset) => (assets::respond(asset, parts, banner.asset_version()), None),
        Endpoint::Report => {
            let allowed = endpoints
                .report_access
                .as_ref()
                .is_some_and(|access| access.0.allows(parts));
            if !allowed {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "the report is only for requests the application allows",
                ));
            }
            let json = settings.classifier.report().to_json();
            (json::answer(StatusCode::OK, json), None)
        }
        Endpoint::GpcJson => {
            let json = crate::gpc::well_known_json(endpoints.gpc_last_update.as_deref());
            let mut response = json::answer(StatusCode::OK, json);
            response.headers_mut().insert(
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            (response, None)
        }
    };
    Ok(answer)
}

/// Records a parsed choice: JSON requests get the new state, forms a `303` back.
fn record(
    parts: &Parts,
    state: &RequestState,
    request: ChoiceRequest,
    settings: &Settings<'_>,
) -> Result<(Response<Bytes>, Option<Recorded>), Problem> {
    // With a ledger, a choice is recorded at a bounded rate per client: checked once
    // the request is found valid and from this site.
    #[cfg(feature = "ledger")]
    if let Some(ledger) = settings.ledger {
        state.same_origin().map_err(forbidden)?;
        ledger
            .admit(state.client())
            .map_err(|limited| Problem::rate_limited(limited.retry_after))?;
    }
    #[cfg(not(feature = "ledger"))]
    let _ = settings;
    let decision = state
        .decide(&request.choice)
        .map_err(|reason| match reason {
            NotRecorded::CrossSite(refusal) => forbidden(refusal),
            NotRecorded::NoRandomness => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "no_randomness",
                "the server could not draw a consent id; try again",
            ),
        })?;
    let response = match &request.return_to {
        Some(return_to) => {
            let mut response = Response::new(Bytes::new());
            *response.status_mut() = StatusCode::SEE_OTHER;
            let location = HeaderValue::from_str(same_site_path(return_to))
                .unwrap_or(HeaderValue::from_static("/"));
            response.headers_mut().insert(LOCATION, location);
            response
        }
        None => {
            let consent = state.consent().with_decision(decision);
            let banner = &consent.context().banner;
            let json = state_json(
                &consent,
                banner.language(parts.headers.get(ACCEPT_LANGUAGE)),
            );
            json::answer(StatusCode::OK, json)
        }
    };
    Ok((response, Some((decision, request))))
}

fn state_json(consent: &Consent, language: usize) -> String {
    let (tag, texts) = consent.context().banner.texts(language);
    state::to_json(consent, tag, texts)
}

fn forbidden(reason: Refusal) -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "cross_site_request",
        format!("{reason}: consent can only be changed from this site"),
    )
}

fn query_param(parts: &Parts, name: &str) -> Option<String> {
    let query = parts.uri.query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Checks an endpoint prefix when the layer is built.
pub(crate) fn validate_prefix(prefix: &str) -> Result<(), BuildError> {
    let valid = prefix.len() > 1
        && prefix.starts_with('/')
        && !prefix.ends_with('/')
        && !prefix.contains("//")
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(BuildError::InvalidPrefix(prefix.to_owned()))
    }
}
