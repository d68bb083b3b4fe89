//! The per-response rewriter: lol_html with the gate's element handlers, fed chunk by
//! chunk by the response body.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use lol_html::html_content::{ContentType, DocumentEnd, Element, EndTag, TextChunk};
use lol_html::send::SendHandlerTypes;
use lol_html::send::{DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, Settings};
use lol_html::{AsciiCompatibleEncoding, HandlerResult, MemorySettings, OutputSink};

use super::csp::InlineScripts;
use super::url::{decode_references, locate, Base};
use crate::category::{CategoryIndex, CategorySet};
use crate::consent::Consent;

type El<'r, 't> = Element<'r, 't, SendHandlerTypes>;

/// What one response's handlers know about the visitor and the page.
pub(crate) struct Page {
    /// The consent in force for this response (a choice recorded by it included).
    pub(crate) consent: Consent,
    /// The banner language (an index of the configured texts).
    pub(crate) language: usize,
    /// Where the banner's forms and the placeholders' links send the visitor back.
    pub(crate) return_to: String,
    /// What the response's CSP allows for the scripts the gate inserts.
    pub(crate) inline: InlineScripts,
}

/// What the handlers learn while the document streams by.
#[derive(Default)]
struct State {
    /// The first `<base href>`.
    base: Option<Base>,
    /// An inline script held back while its text is read.
    hold: Option<Hold>,
    /// Inside a neutralised `<video>`, `<audio>` or `<picture>`: its category key.
    media: Option<String>,
    /// The page already carries the banner.
    banner_seen: bool,
    banner_done: bool,
    consent_mode_done: bool,
}

/// A held-back inline script: its start tag's attributes and the text read so far.
struct Hold {
    attributes: Vec<(String, String)>,
    text: String,
}

struct Shared {
    page: Page,
    granted: CategorySet,
    /// Every category the rules and the catalog can name is granted (or there are
    /// none): URLs and inline scripts need no reading.
    nothing_to_match: bool,
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // Handlers run one at a time; a poisoned lock only means an earlier handler
        // panicked, and its state is still the best there is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn gate(&self) -> Option<&super::HtmlConfig> {
        self.page.consent.config().html.as_ref()
    }

    fn key(&self, index: CategoryIndex) -> &'static str {
        self.page
            .consent
            .config()
            .categories
            .category(index)
            .map_or("unknown", |c| c.key())
    }
}

/// Collects what the rewriter writes.
struct Sink(Arc<Mutex<Vec<u8>>>);

impl OutputSink for Sink {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(chunk);
    }
}

/// The rewriter of one response.
pub(crate) struct Rewriter {
    // In a mutex only to be `Sync` (the handlers are `Send` boxes): always reached
    // through `get_mut`, never locked.
    rewriter: Mutex<Option<HtmlRewriter<'static, Sink>>>,
    output: Arc<Mutex<Vec<u8>>>,
    /// A charset the rewriter cannot read: the body fails at once.
    unreadable: Option<String>,
}

/// Why a rewrite failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RewriteError {
    /// lol_html failed: memory limit, ambiguous markup, a handler error.
    #[error("the HTML gate could not rewrite the page: {0}")]
    Rewriting(#[from] lol_html::errors::RewritingError),
    /// The response's charset is not one lol_html can parse (UTF-16 and the like).
    #[error("the HTML gate cannot read the charset {0:?}; the page was not sent")]
    Charset(String),
    /// Used after a failure or after the end.
    #[error("the HTML gate was used after it ended")]
    Ended,
}

impl Rewriter {
    pub(crate) fn new(page: Page, encoding: AsciiCompatibleEncoding, charset_known: bool) -> Self {
        let granted = page.consent.granted_set();
        let nothing_to_match = page
            .consent
            .config()
            .html
            .as_ref()
            .is_none_or(|gate| gate.matcher.categories().is_subset(granted));
        let shared = Arc::new(Shared {
            page,
            granted,
            nothing_to_match,
            state: Mutex::new(State::default()),
        });
        let output = Arc::new(Mutex::new(Vec::with_capacity(16 * 1024)));
        let rewriter = shared.gate().map(|gate| {
            let selectors = &gate.selectors;
            let handler = |f: fn(&Arc<Shared>, &mut El<'_, '_>) -> HandlerResult| {
                let shared = shared.clone();
                ElementContentHandlers::default().element(move |el: &mut El<'_, '_>| f(&shared, el))
            };
            let text = {
                let shared = shared.clone();
                ElementContentHandlers::default()
                    .text(move |chunk: &mut TextChunk<'_>| on_script_text(&shared, chunk))
            };
            let end = {
                let shared = shared.clone();
                DocumentContentHandlers::default()
                    .end(move |end: &mut DocumentEnd<'_>| on_document_end(&shared, end))
            };
            let settings = Settings::new_send()
                .append_element_content_handler((
                    Cow::Owned(selectors.head.clone()),
                    handler(on_head),
                ))
                .append_element_content_handler((
                    Cow::Owned(selectors.body.clone()),
                    handler(on_body),
                ))
                .append_element_content_handler((
                    Cow::Owned(selectors.banner.clone()),
                    handler(on_banner),
                ))
                .append_element_content_handler((Cow::Owned(selectors.script.clone()), text))
                .append_document_content_handler(end)
                .with_encoding(encoding)
                .with_adjust_charset_on_meta_tag(!charset_known)
                .with_memory_settings(
                    MemorySettings::new().with_max_allowed_memory_usage(gate.memory_limit),
                );
            let settings =
                selectors
                    .resources
                    .iter()
                    .fold(settings, |settings, (tag, selector)| {
                        let shared = shared.clone();
                        let tag: &'static str = tag;
                        settings.append_element_content_handler((
                            Cow::Owned(selector.clone()),
                            ElementContentHandlers::default()
                                .element(move |el: &mut El<'_, '_>| on_resource(&shared, el, tag)),
                        ))
                    });
            HtmlRewriter::new(settings, Sink(output.clone()))
        });
        Self {
            rewriter: Mutex::new(rewriter),
            output,
            unreadable: None,
        }
    }

    /// A rewriter that fails at once: the page is in `charset`, which lol_html
    /// cannot parse.
    pub(crate) fn unreadable(charset: String) -> Self {
        Self {
            rewriter: Mutex::new(None),
            output: Arc::default(),
            unreadable: Some(charset),
        }
    }

    fn gone(&mut self) -> RewriteError {
        match self.unreadable.take() {
            Some(charset) => RewriteError::Charset(charset),
            None => RewriteError::Ended,
        }
    }

    fn take_output(&self) -> Bytes {
        let mut output = self
            .output
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // The next chunk's output is likely as long: no regrowing from zero.
        let capacity = output.len().max(1024);
        Bytes::from(std::mem::replace(
            &mut *output,
            Vec::with_capacity(capacity),
        ))
    }

    /// Feeds a chunk; returns what the rewriter wrote so far.
    pub(crate) fn write(&mut self, chunk: &[u8]) -> Result<Bytes, RewriteError> {
        let rewriter = self
            .rewriter
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(active) = rewriter.as_mut() else {
            return Err(self.gone());
        };
        if let Err(error) = active.write(chunk) {
            // A rewriter that failed must not be used again.
            *rewriter = None;
            return Err(error.into());
        }
        Ok(self.take_output())
    }

    /// Ends the document; returns the rest.
    pub(crate) fn end(&mut self) -> Result<Bytes, RewriteError> {
        let rewriter = self
            .rewriter
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(rewriter) = rewriter else {
            return Err(self.gone());
        };
        rewriter.end()?;
        Ok(self.take_output())
    }
}

fn on_head(shared: &Arc<Shared>, el: &mut El<'_, '_>) -> HandlerResult {
    let mut state = shared.state();
    if !state.consent_mode_done {
        state.consent_mode_done = true;
        if let Some(snippet) = consent_mode_snippet(shared) {
            el.prepend(&snippet, ContentType::Html);
        }
    }
    Ok(())
}

fn on_body(shared: &Arc<Shared>, el: &mut El<'_, '_>) -> HandlerResult {
    let mut state = shared.state();
    if !state.consent_mode_done {
        // No `<head>` tag: the defaults still come before every script of the body.
        state.consent_mode_done = true;
        if let Some(snippet) = consent_mode_snippet(shared) {
            el.before(&snippet, ContentType::Html);
        }
    }
    drop(state);
    let injects = shared.gate().is_some_and(|gate| gate.inject_banner);
    if let (true, Some(handlers)) = (injects, el.end_tag_handlers()) {
        let shared = Arc::clone(shared);
        handlers.push(Box::new(move |end: &mut EndTag<'_>| {
            if let Some(banner) = take_banner(&shared) {
                end.before(&banner, ContentType::Html);
            }
            Ok(())
        }));
    }
    Ok(())
}

fn on_banner(shared: &Arc<Shared>, _: &mut El<'_, '_>) -> HandlerResult {
    shared.state().banner_seen = true;
    Ok(())
}

fn on_document_end(shared: &Shared, end: &mut DocumentEnd<'_>) -> HandlerResult {
    let hold = shared.state().hold.take();
    if let Some(hold) = hold {
        // The document ended inside a held script, whose raw text ran to the end:
        // decide on what was read. Nothing else is ever appended at the end, where it
        // could complete a tag the document left unfinished.
        let out = release(shared, hold);
        end.append(&out, ContentType::Html);
    }
    Ok(())
}

/// The banner, once, unless the page has one or injection is off.
fn take_banner(shared: &Shared) -> Option<String> {
    let gate = shared.gate()?;
    let mut state = shared.state();
    if !gate.inject_banner || state.banner_seen || state.banner_done {
        return None;
    }
    state.banner_done = true;
    drop(state);
    let page = &shared.page;
    let endpoints = &page.consent.config().endpoints;
    Some(endpoints.banner(&page.consent, page.language, &page.return_to, false))
}

fn consent_mode_snippet(shared: &Shared) -> Option<String> {
    let mode = shared.gate()?.consent_mode.as_ref()?;
    let nonce = match &shared.page.inline {
        InlineScripts::Allowed => None,
        InlineScripts::Nonce(nonce) => Some(nonce.as_str()),
        InlineScripts::Forbidden => {
            tracing::debug!("CSP allows no inline script: no Consent Mode defaults inserted");
            return None;
        }
    };
    let consent = &shared.page.consent;
    Some(mode.snippet(shared.granted, consent.decided(), nonce))
}

/// The attributes of a resource element the gate reads, taken in one pass over its
/// attributes (the first of each name, as `get_attribute` finds it): one lookup per
/// name would lower-case the name and walk the attributes again every time.
#[derive(Default)]
struct Attrs {
    data_consent: Option<String>,
    data_category: Option<String>,
    kind: Option<String>,
    /// `None` when no URL is to be read (nothing left to match).
    urls: Option<Urls>,
}

/// The URL attributes of a resource element.
#[derive(Default)]
struct Urls {
    src: Option<String>,
    href: Option<String>,
    xlink_href: Option<String>,
    srcset: Option<String>,
    srcdoc: Option<String>,
    poster: Option<String>,
    data: Option<String>,
    imagesrcset: Option<String>,
}

impl Attrs {
    /// Everything, URLs included, in one pass.
    fn read(el: &El<'_, '_>) -> Self {
        let mut attrs = Self {
            urls: Some(Urls::default()),
            ..Self::default()
        };
        for attribute in el.attributes() {
            let name = attribute.name();
            let Some(slot) = attrs.slot(&name) else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(attribute.value());
            }
        }
        attrs
    }

    /// Only what the annotations need, looked up one by one (fewer lookups than the
    /// element has attributes); no URL.
    fn annotations(el: &El<'_, '_>, tag: &str) -> Self {
        let mut attrs = Self {
            data_consent: el.get_attribute("data-consent"),
            ..Self::default()
        };
        if attrs.data_consent.is_none() && tag == "script" {
            attrs.kind = el.get_attribute("type");
            if is_plain_text(attrs.kind.as_deref()) {
                attrs.data_category = el.get_attribute("data-category");
            }
        }
        attrs
    }

    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        let urls = self.urls.as_mut()?;
        Some(match name {
            "data-consent" => &mut self.data_consent,
            "data-category" => &mut self.data_category,
            "type" => &mut self.kind,
            "src" => &mut urls.src,
            "href" => &mut urls.href,
            "xlink:href" => &mut urls.xlink_href,
            "srcset" => &mut urls.srcset,
            "srcdoc" => &mut urls.srcdoc,
            "poster" => &mut urls.poster,
            "data" => &mut urls.data,
            "imagesrcset" => &mut urls.imagesrcset,
            _ => return None,
        })
    }
}

impl Urls {
    /// The value of one of the URL attributes.
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "src" => &self.src,
            "href" => &self.href,
            "xlink:href" => &self.xlink_href,
            "srcset" => &self.srcset,
            "srcdoc" => &self.srcdoc,
            "poster" => &self.poster,
            "data" => &self.data,
            "imagesrcset" => &self.imagesrcset,
            _ => &None,
        }
        .as_deref()
    }
}

/// What a resource element must become.
enum Verdict {
    /// Left exactly as written.
    Keep,
    /// Held back for category `key`.
    Neutralise(String),
}

fn on_resource(shared: &Arc<Shared>, el: &mut El<'_, '_>, tag: &'static str) -> HandlerResult {
    let Some(gate) = shared.gate() else {
        return Ok(());
    };
    if tag == "base" {
        let mut state = shared.state();
        if state.base.is_none() {
            if let Some(href) = el.get_attribute("href") {
                state.base = Some(Base::parse(&href));
            }
        }
        return Ok(());
    }
    let categories = &shared.page.consent.config().categories;
    let attrs = match (shared.nothing_to_match, gate.annotations) {
        (false, _) => Attrs::read(el),
        // No URL is read: only the annotations are looked up.
        (true, true) => Attrs::annotations(el, tag),
        (true, false) => Attrs::default(),
    };
    if gate.annotations {
        if let Some(key) = &attrs.data_consent {
            let key = key.trim().to_ascii_lowercase();
            return match categories.index_of_key(&key) {
                Some(0) => Ok(()),
                Some(index) if shared.granted.contains(index) => Ok(()),
                _ => {
                    neutralise(shared, el, tag, &key);
                    Ok(())
                }
            };
        }
        if tag == "script" && is_plain_text(attrs.kind.as_deref()) {
            if let Some(key) = &attrs.data_category {
                let key = key.trim().to_ascii_lowercase();
                match categories.index_of_key(&key) {
                    Some(index) if shared.granted.contains(index) => activate(el),
                    // Inert as written; marked so banner.js can activate it.
                    _ => set(el, "data-consent", &key),
                }
                return Ok(());
            }
        }
    }
    if matches!(tag, "source" | "track" | "img") {
        let media = shared.state().media.clone();
        if let Some(key) = media {
            neutralise(shared, el, tag, &key);
            return Ok(());
        }
    }
    // Nothing left to match (`shared.nothing_to_match`): no URL was read.
    let Some(urls) = &attrs.urls else {
        return Ok(());
    };
    match classify(shared, urls, tag) {
        Some(Verdict::Neutralise(key)) => neutralise(shared, el, tag, &key),
        Some(Verdict::Keep) => {}
        // A script with a URL runs that, never its text: only inline ones are read.
        None if tag == "script"
            && ["src", "href", "xlink:href"]
                .iter()
                .all(|a| urls.get(a).is_none())
            && is_executable(attrs.kind.as_deref()) =>
        {
            if el.namespace_uri() == SVG {
                // In SVG a script's content is markup, not raw text: holding it back
                // would reorder the page. It cannot be read first, so it is held back
                // whole.
                neutralise_undecidable(el, "svg-inline-script");
            } else {
                hold(shared, el);
            }
        }
        None => {}
    }
    Ok(())
}

/// What the rules and the catalog say about an element's URLs; `None` if none matched.
fn classify(shared: &Shared, urls: &Urls, tag: &str) -> Option<Verdict> {
    let gate = shared.gate()?;
    let base = shared.state().base.clone();
    let mut found = None;
    for &attribute in url_attributes(tag) {
        let Some(value) = urls.get(attribute) else {
            continue;
        };
        let hit = match attribute {
            "srcset" | "imagesrcset" => decode_references(value)
                .split_ascii_whitespace()
                .map(|token| token.trim_end_matches(','))
                .find_map(|url| gate.matcher.find(&locate(url, base.as_ref()))),
            "srcdoc" => gate
                .matcher
                .scan(&decode_references(value).to_ascii_lowercase()),
            _ => gate.matcher.find(&locate(value, base.as_ref())),
        };
        if let Some(hit) = hit {
            if hit.category == 0 {
                return Some(Verdict::Keep);
            }
            if !shared.granted.contains(hit.category) {
                tracing::debug!(vendor = hit.vendor, tag, "tracker held back");
                return Some(Verdict::Neutralise(shared.key(hit.category).to_owned()));
            }
            found = Some(Verdict::Keep);
        }
    }
    found
}

/// The attributes of `tag` that load something.
fn url_attributes(tag: &str) -> &'static [&'static str] {
    match tag {
        "script" => &["src", "href", "xlink:href"],
        "iframe" | "frame" => &["src", "srcdoc"],
        "img" | "source" => &["src", "srcset"],
        "video" => &["src", "poster"],
        "audio" | "embed" | "input" => &["src"],
        "object" => &["data"],
        "link" => &["href", "imagesrcset"],
        "image" => &["href", "xlink:href"],
        _ => &["src", "href", "srcset", "data"],
    }
}

/// Attributes moved to `data-consent-*` when an element is held back, with the names
/// they move to (`:` becomes `-`).
const MOVED: [(&str, &str); 9] = [
    ("src", "data-consent-src"),
    ("srcset", "data-consent-srcset"),
    ("href", "data-consent-href"),
    ("data", "data-consent-data"),
    ("poster", "data-consent-poster"),
    ("srcdoc", "data-consent-srcdoc"),
    ("imagesrcset", "data-consent-imagesrcset"),
    ("xlink:href", "data-consent-xlink-href"),
    ("integrity", "data-consent-integrity"),
];

/// Those of a held-back script.
const SCRIPT_MOVED: [(&str, &str); 3] = [
    ("src", "data-consent-src"),
    ("href", "data-consent-href"),
    ("xlink:href", "data-consent-xlink-href"),
];

fn neutralise(shared: &Arc<Shared>, el: &mut El<'_, '_>, tag: &str, key: &str) {
    if tag == "script" {
        if let Some(kind) = el.get_attribute("type") {
            set(el, "data-consent-type", &kind);
        }
        set(el, "type", "text/plain");
        move_attributes(el, &SCRIPT_MOVED);
    } else {
        move_attributes(el, &MOVED);
    }
    set(el, "data-consent", key);
    match tag {
        "iframe" | "frame" => el.after(&placeholder(shared, key), ContentType::Html),
        "video" | "audio" | "picture" => {
            shared.state().media = Some(key.to_owned());
            if let Some(handlers) = el.end_tag_handlers() {
                let shared = Arc::clone(shared);
                handlers.push(Box::new(move |_: &mut EndTag<'_>| {
                    shared.state().media = None;
                    Ok(())
                }));
            }
        }
        _ => {}
    }
}

/// Moves each of `attributes` (pairs of [`MOVED`]) the element has to its
/// `data-consent-<name>`, in the order given. The element's attributes are read in one
/// pass, not looked up one name at a time.
fn move_attributes(el: &mut El<'_, '_>, attributes: &[(&str, &str)]) {
    let mut values: [Option<String>; MOVED.len()] = Default::default();
    let mut any = false;
    for attribute in el.attributes() {
        let name = attribute.name();
        if let Some(i) = attributes.iter().position(|&(a, _)| a == name) {
            if values[i].is_none() {
                values[i] = Some(attribute.value());
                any = true;
            }
        }
    }
    if !any {
        return;
    }
    for (&(attribute, moved), value) in attributes.iter().zip(values) {
        if let Some(value) = value {
            set(el, moved, &value);
            el.remove_attribute(attribute);
        }
    }
}

fn set(el: &mut El<'_, '_>, name: &str, value: &str) {
    // Names here are fixed ASCII; lol_html refuses only names with spaces, `=`, `/`
    // or `>`.
    if el.set_attribute(name, value).is_err() {
        tracing::error!(name, "attribute refused");
    }
}

/// The client-side convention, granted: the element becomes what it stands for.
fn activate(el: &mut El<'_, '_>) {
    match el.get_attribute("data-type") {
        Some(kind) => {
            set(el, "type", &kind);
            el.remove_attribute("data-type");
        }
        None => el.remove_attribute("type"),
    }
    if let Some(src) = el.get_attribute("data-src") {
        set(el, "src", &src);
        el.remove_attribute("data-src");
    }
}

fn is_plain_text(kind: Option<&str>) -> bool {
    kind.is_some_and(|k| k.trim().eq_ignore_ascii_case("text/plain"))
}

/// Whether a `<script type>` runs: no type, an empty one, a JavaScript MIME type or
/// `module`.
fn is_executable(kind: Option<&str>) -> bool {
    let Some(kind) = kind else { return true };
    let kind = kind.trim().to_ascii_lowercase();
    kind.is_empty()
        || kind == "module"
        || matches!(
            kind.split(';').next().unwrap_or("").trim(),
            "text/javascript"
                | "application/javascript"
                | "application/ecmascript"
                | "application/x-ecmascript"
                | "application/x-javascript"
                | "text/ecmascript"
                | "text/javascript1.0"
                | "text/javascript1.1"
                | "text/javascript1.2"
                | "text/javascript1.3"
                | "text/javascript1.4"
                | "text/javascript1.5"
                | "text/jscript"
                | "text/livescript"
                | "text/x-ecmascript"
                | "text/x-javascript"
        )
}

const SVG: &str = "http://www.w3.org/2000/svg";

/// Neutralises a script the gate cannot decide on, naming why; it is never activated.
fn neutralise_undecidable(el: &mut El<'_, '_>, why: &str) {
    if let Some(kind) = el.get_attribute("type") {
        set(el, "data-consent-type", &kind);
    }
    set(el, "type", "text/plain");
    set(el, "data-consent-blocked", why);
}

/// Starts holding an inline script back: its start tag is removed and written again,
/// decided, at its end tag.
fn hold(shared: &Arc<Shared>, el: &mut El<'_, '_>) {
    let attributes = el
        .attributes()
        .iter()
        .map(|a| (a.name(), a.value()))
        .collect();
    el.start_tag().remove();
    shared.state().hold = Some(Hold {
        attributes,
        text: String::new(),
    });
    if let Some(handlers) = el.end_tag_handlers() {
        let shared = Arc::clone(shared);
        handlers.push(Box::new(move |end: &mut EndTag<'_>| {
            let hold = shared.state().hold.take();
            if let Some(hold) = hold {
                let out = release(&shared, hold);
                end.before(&out, ContentType::Html);
            }
            Ok(())
        }));
    }
}

fn on_script_text(shared: &Shared, chunk: &mut TextChunk<'_>) -> HandlerResult {
    let mut state = shared.state();
    let Some(hold) = state.hold.as_mut() else {
        return Ok(());
    };
    let limit = shared.gate().map_or(0, |gate| gate.inline_script_limit);
    let text = chunk.as_str();
    if hold.text.len() + text.len() > limit {
        // Too long to decide: the script is written neutralised, never to run, and the
        // rest of its text passes as it comes.
        let Some(hold) = state.hold.take() else {
            return Ok(());
        };
        drop(state);
        tracing::warn!(
            limit,
            "inline script longer than the HTML gate's inline_script_limit held back; \
             mark it data-consent=\"necessary\" or raise the limit"
        );
        let mut out = start_tag(&hold.attributes, Some(Neutral::TooLong), &hold.text);
        out.push_str(&hold.text);
        chunk.before(&out, ContentType::Html);
        return Ok(());
    }
    hold.text.push_str(text);
    chunk.remove();
    Ok(())
}

/// Writes a held script back, decided on its whole text.
fn release(shared: &Shared, hold: Hold) -> String {
    let hit = shared.gate().and_then(|gate| gate.matcher.scan(&hold.text));
    let neutral = match hit {
        Some(hit) if hit.category != 0 && !shared.granted.contains(hit.category) => {
            tracing::debug!(vendor = hit.vendor, "inline tracker snippet held back");
            Some(Neutral::Category(shared.key(hit.category)))
        }
        _ => None,
    };
    let mut out = start_tag(&hold.attributes, neutral, &hold.text);
    out.push_str(&hold.text);
    out
}

enum Neutral<'a> {
    Category(&'a str),
    TooLong,
}

/// A `<script>` start tag with `attributes`, neutralised if asked.
/// `text` is the held text that follows: room is made for it.
fn start_tag(attributes: &[(String, String)], neutral: Option<Neutral<'_>>, text: &str) -> String {
    let mut out = String::with_capacity(128 + text.len());
    out.push_str("<script");
    let mut push = |name: &str, value: &str| {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        // Escaped in place: no copy of the value per attribute.
        let mut rest = value;
        while let Some(at) = rest.find('"') {
            out.push_str(&rest[..at]);
            out.push_str("&quot;");
            rest = &rest[at + 1..];
        }
        out.push_str(rest);
        out.push('"');
    };
    for (name, value) in attributes {
        match (&neutral, name.as_str()) {
            (Some(_), "type") => push("data-consent-type", value),
            (Some(Neutral::Category(_)), "data-consent") => {}
            _ => push(name, value),
        }
    }
    match neutral {
        Some(Neutral::Category(key)) => {
            push("type", "text/plain");
            push("data-consent", key);
        }
        Some(Neutral::TooLong) => {
            push("type", "text/plain");
            push("data-consent-blocked", "inline-script-limit");
        }
        None => {}
    }
    out.push('>');
    out
}

/// The accessible stand-in shown after a held-back iframe.
fn placeholder(shared: &Shared, key: &str) -> String {
    let page = &shared.page;
    let config = page.consent.config();
    let (tag, texts) = config.endpoints.texts(page.language);
    let category = config
        .categories
        .index_of_key(key)
        .and_then(|index| config.categories.category(index));
    let (label, description) = match category {
        Some(category) => config.categories.text(category, tag, texts),
        None => (key, ""),
    };
    let link = format!(
        "{}/settings?return_to={}",
        config.endpoints.prefix(),
        form_urlencoded::byte_serialize(page.return_to.as_bytes()).collect::<String>()
    );
    format!(
        "<div class=\"tc-placeholder\" role=\"note\" data-consent-placeholder=\"{key}\">\
         <p><strong>{}</strong> {}</p><p><a href=\"{}\">{}</a></p></div>",
        escape(label),
        escape(description),
        escape(&link),
        escape(&texts.settings),
        key = escape(key),
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::banner::escape_into(&mut out, text);
    out
}
