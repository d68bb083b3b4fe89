//! The per-response rewriter: lol_html with the gate's element handlers, fed chunk by
//! chunk by the response body.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Mutex;

use bytes::Bytes;
use lol_html::errors::RewritingError;
use lol_html::html_content::{ContentType, DocumentEnd, Element, EndTag, TextChunk, TextType};
use lol_html::send::SendHandlerTypes;
use lol_html::send::{DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, Settings};
use lol_html::{AsciiCompatibleEncoding, HandlerResult, MemorySettings, OutputSink};

use super::attributes::{renames, Attrs, Input, Unwritten, Urls};
use super::catalog::{Hit, LastFound};
use super::csp::InlineScripts;
use super::glance::must_read;
use super::misread::is_misread;
use super::output::{Edit, MisplacedTag, Output, Rename};
use super::srcset::srcset_urls;
use super::url::{decode_references, Location, TooDeep, Url};
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
    /// The page's URL, which its relative URLs resolve against until a `<base>`.
    pub(crate) location: Location,
}

/// What the handlers learn while the document streams by.
#[derive(Default)]
struct State {
    /// Where the document's relative URLs resolve: the page's URL, then the first
    /// `<base href>` a browser honours.
    location: Location,
    /// That `<base>` was read: every later one is ignored.
    base_taken: bool,
    /// The last URL an element's attribute named, and what it found.
    last_found: LastFound,
    /// An element that loads something came: a `<base>` now comes too late to be
    /// taken.
    resources_seen: bool,
    /// Where the page first wrote `<template` (in any case), if it did before a
    /// `<base>` was decided on: a `<base>` after it may be inside a template.
    first_template: Option<usize>,
    /// An inline script held back while its text is read.
    hold: Option<Hold>,
    /// The text buffer of the last script released, kept for the next one.
    spare_text: String,
    /// Inside a neutralised `<video>`, `<audio>` or `<picture>`: its category key.
    media: Option<String>,
    /// The placeholders written after held-back iframes, by category key.
    placeholders: Vec<(String, String)>,
    /// The page already carries the banner.
    banner_seen: bool,
    banner_done: bool,
    consent_mode_done: bool,
}

/// An inline script being read: what lol_html writes from its start tag on is held
/// back in the output until it is decided.
struct Hold {
    /// Where its start tag is in what lol_html writes, and its length.
    at: usize,
    len: usize,
    /// Its `type` attribute, renamed if the script is held back.
    kind: Option<Rename>,
    /// Its text so far, as lol_html decoded it.
    text: String,
    /// Annotated `necessary` (or a granted category): past the inline script limit it
    /// runs unread, as the app said it may.
    vouched: bool,
    /// Written the client-side way (`type="text/plain" data-category`) and granted:
    /// the renames that make it run, applied if its text loads nothing refused.
    activation: Option<Vec<Rename>>,
}

/// What the handlers read and change while the document streams by.
struct Context {
    /// What they only read.
    shared: Shared,
    state: State,
    /// The chunk being rewritten, where attributes are read in place.
    input: Input,
    /// What lol_html wrote and the gate has not sent yet; its buffer is lent to the
    /// sink during each call into lol_html.
    output: Output,
}

/// What every handler of one response knows and never changes.
struct Shared {
    page: Page,
    granted: CategorySet,
    /// Every category the rules and the catalog can name is granted (or there are
    /// none): URLs and inline scripts need no reading.
    nothing_to_match: bool,
    /// Every category is granted: nothing can be held back, no markup needs defusing.
    everything_granted: bool,
    /// A relative URL may match whatever it says ([`ResourceMatcher::matches_around`]):
    /// no start tag is kept unread.
    matches_around: bool,
}

impl Shared {
    fn gate(&self) -> Option<&super::HtmlConfig> {
        self.page.consent.config().html.as_ref()
    }

    /// Whether `hit` names a category this visitor refused (never `necessary`).
    fn refuses(&self, hit: &Hit) -> bool {
        hit.category != 0 && !self.granted.contains(hit.category)
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

// lol_html calls the sink and the handlers only from within `HtmlRewriter::write` and
// `end`, synchronously, on the thread that calls them. The rewriter lends its context
// to the handlers of that thread for the length of the call and takes it back after,
// and collects the output the same way: no lock is taken per handler or per output
// chunk (a `Mutex` for each was a measurable share of a page's time).
thread_local! {
    /// What the rewrite running on this thread has written during the current call.
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The context of the rewrite running on this thread.
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

/// How much the rewrite running on this thread has written so far.
fn written(output: &Output) -> usize {
    output.written(OUTPUT.with_borrow(Vec::len))
}

/// Runs `handler` with the context of the rewrite running on this thread.
fn in_context(handler: impl FnOnce(&mut Context) -> HandlerResult) -> HandlerResult {
    CONTEXT.with_borrow_mut(|context| match context {
        Some(context) => handler(context),
        None => Err("an HTML gate handler ran outside its rewrite".into()),
    })
}

/// Collects what the rewriter writes into [`OUTPUT`].
struct Sink;

impl OutputSink for Sink {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        OUTPUT.with_borrow_mut(|output| output.extend_from_slice(chunk));
    }
}

/// The rewriter of one response.
pub(crate) struct Rewriter {
    // In a mutex only to be `Sync` (the handlers are `Send` boxes): always reached
    // through `get_mut`, never locked.
    rewriter: Mutex<Option<HtmlRewriter<'static, Sink>>>,
    /// Lent to the handlers during each call into lol_html.
    context: Option<Context>,
}

/// Why a rewrite failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RewriteError {
    /// lol_html failed: memory limit, ambiguous markup, a handler error.
    #[error("the HTML gate could not rewrite the page: {0}")]
    Rewriting(#[from] lol_html::errors::RewritingError),
    /// A tag to hold back was not where lol_html was to write it.
    #[error(transparent)]
    Misplaced(#[from] MisplacedTag),
    /// Used after a failure or after the end.
    #[error("the HTML gate was used after it ended")]
    Ended,
}

impl Rewriter {
    pub(crate) fn new(
        mut page: Page,
        encoding: AsciiCompatibleEncoding,
        charset_known: bool,
    ) -> Self {
        let granted = page.consent.granted_set();
        let location = std::mem::take(&mut page.location);
        // A charset the response names is final; otherwise a `<meta>` may change it.
        let utf8 = charset_known && <&encoding_rs::Encoding>::from(encoding) == encoding_rs::UTF_8;
        let nothing_to_match = page
            .consent
            .config()
            .html
            .as_ref()
            .is_none_or(|gate| gate.matcher.categories().is_subset(granted));
        let everything_granted = page.consent.config().categories.all().is_subset(granted);
        let matches_around = page
            .consent
            .config()
            .html
            .as_ref()
            .is_some_and(|gate| gate.matcher.matches_around(&location));
        let shared = Shared {
            page,
            granted,
            nothing_to_match,
            everything_granted,
            matches_around,
        };
        // The handlers capture nothing but a tag name: what they read and change is
        // the context, lent to them for each call into lol_html.
        let rewriter = shared.gate().map(|gate| {
            let selectors = &gate.selectors;
            let handler = |f: fn(&Shared, &mut State, &mut El<'_, '_>) -> HandlerResult| {
                ElementContentHandlers::default().element(move |el: &mut El<'_, '_>| {
                    in_context(|context| f(&context.shared, &mut context.state, el))
                })
            };
            let end = DocumentContentHandlers::default()
                .end(|_: &mut DocumentEnd<'_>| in_context(on_document_end));
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
                .append_document_content_handler(end)
                .with_encoding(encoding)
                .with_adjust_charset_on_meta_tag(!charset_known)
                .with_memory_settings(
                    MemorySettings::new().with_max_allowed_memory_usage(gate.memory_limit),
                );
            let settings = if everything_granted {
                settings
            } else {
                settings
                    .append_element_content_handler((
                        Cow::Owned(selectors.foreign.clone()),
                        ElementContentHandlers::default().text(defuse_cdata),
                    ))
                    .append_element_content_handler((
                        Cow::Owned(selectors.text.clone()),
                        ElementContentHandlers::default()
                            .element(|el: &mut El<'_, '_>| {
                                in_context(|context| hide_if_misread(&context.input, el).map(drop))
                            })
                            .text(read_as_a_script_is),
                    ))
            };
            let settings =
                selectors
                    .resources
                    .iter()
                    .fold(settings, |settings, (tag, selector)| {
                        let tag: &'static str = tag;
                        let handlers = ElementContentHandlers::default().element(
                            move |el: &mut El<'_, '_>| {
                                in_context(|context| on_resource(context, el, tag))
                            },
                        );
                        let handlers = match tag {
                            "script" => handlers.text(|chunk: &mut TextChunk<'_>| {
                                in_context(|context| on_script_text(context, chunk))
                            }),
                            "iframe" if !everything_granted => handlers.text(read_as_a_script_is),
                            _ => handlers,
                        };
                        settings.append_element_content_handler((
                            Cow::Owned(selector.clone()),
                            handlers,
                        ))
                    });
            HtmlRewriter::new(settings, Sink)
        });
        Self {
            rewriter: Mutex::new(rewriter),
            context: Some(Context {
                shared,
                state: State {
                    location,
                    ..State::default()
                },
                input: Input::new(utf8),
                output: Output::default(),
            }),
        }
    }

    /// Runs `rewrite` (a call into lol_html) with `context` lent to the handlers and
    /// its output buffer to the sink, and returns what can be sent.
    fn run(
        context: &mut Option<Context>,
        rewrite: impl FnOnce() -> Result<(), RewritingError>,
    ) -> Result<Bytes, RewriteError> {
        let Some(mut lent) = context.take() else {
            return Err(RewriteError::Ended);
        };
        OUTPUT.set(lent.output.lend());
        CONTEXT.set(Some(lent));
        let rewritten = rewrite();
        let buffer = OUTPUT.take();
        // After a failure the context stays with the rewriter, which is not used again.
        let mut back = CONTEXT.take().ok_or(RewriteError::Ended)?;
        rewritten?;
        back.output.take_back(buffer);
        let sent = back.output.send();
        *context = Some(back);
        Ok(sent?)
    }

    /// Feeds a chunk; returns what the rewriter wrote so far.
    pub(crate) fn write(&mut self, chunk: &Bytes) -> Result<Bytes, RewriteError> {
        let rewriter = self
            .rewriter
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(active) = rewriter.as_mut() else {
            return Err(RewriteError::Ended);
        };
        if let Some(context) = &mut self.context {
            context.input.keep(chunk);
            let state = &mut context.state;
            // Until a `<base>` is decided on (or can no longer be taken).
            if state.first_template.is_none() && !state.base_taken && !state.resources_seen {
                state.first_template = context.input.find_start_tag(b"template");
            }
        }
        Self::run(&mut self.context, || active.write(chunk)).inspect_err(|_| {
            // A rewriter that failed must not be used again.
            *rewriter = None;
        })
    }

    /// Ends the document; returns the rest.
    pub(crate) fn end(&mut self) -> Result<Bytes, RewriteError> {
        let rewriter = self
            .rewriter
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(rewriter) = rewriter else {
            return Err(RewriteError::Ended);
        };
        Self::run(&mut self.context, || rewriter.end())
    }
}

fn on_head(shared: &Shared, state: &mut State, el: &mut El<'_, '_>) -> HandlerResult {
    if !state.consent_mode_done {
        state.consent_mode_done = true;
        if let Some(snippet) = consent_mode_snippet(shared) {
            el.prepend(&snippet, ContentType::Html);
        }
    }
    Ok(())
}

fn on_body(shared: &Shared, state: &mut State, el: &mut El<'_, '_>) -> HandlerResult {
    if !state.consent_mode_done {
        // No `<head>` tag: the defaults still come before every script of the body.
        state.consent_mode_done = true;
        if let Some(snippet) = consent_mode_snippet(shared) {
            el.before(&snippet, ContentType::Html);
        }
    }
    let injects = shared.gate().is_some_and(|gate| gate.inject_banner);
    if let (true, Some(handlers)) = (injects, el.end_tag_handlers()) {
        handlers.push(Box::new(|end: &mut EndTag<'_>| {
            in_context(|context| {
                if let Some(banner) = take_banner(&context.shared, &mut context.state) {
                    end.before(&banner, ContentType::Html);
                }
                Ok(())
            })
        }));
    }
    Ok(())
}

fn on_banner(_: &Shared, state: &mut State, _: &mut El<'_, '_>) -> HandlerResult {
    state.banner_seen = true;
    Ok(())
}

fn on_document_end(context: &mut Context) -> HandlerResult {
    // The document ended inside a held script, whose text ran to the end: it is
    // decided on what was read.
    match context.state.hold.take() {
        Some(hold) => release(context, hold, false),
        None => Ok(()),
    }
}

/// The banner, once, unless the page has one or injection is off.
fn take_banner(shared: &Shared, state: &mut State) -> Option<String> {
    let gate = shared.gate()?;
    if !gate.inject_banner || state.banner_seen || state.banner_done {
        return None;
    }
    state.banner_done = true;
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

/// What a resource element must become.
enum Verdict {
    /// Left exactly as written.
    Keep,
    /// Held back for category `key`.
    Neutralise(&'static str),
    /// Held back for good ([`block`]).
    Block(&'static str),
}

fn on_resource(context: &mut Context, el: &mut El<'_, '_>, tag: &'static str) -> HandlerResult {
    let Context {
        shared,
        state,
        input,
        output,
    } = context;
    let Some(gate) = shared.gate() else {
        return Ok(());
    };
    if state.hold.is_some() {
        // lol_html read markup inside a script a browser reads as text: what it wrote
        // there would be the script's text for a browser, unread by the gate.
        return Err("an element inside a held script's text".into());
    }
    if matches!(tag, "script" | "iframe")
        && !shared.everything_granted
        && hide_if_misread(input, el)?
    {
        return Ok(());
    }
    if tag == "base" {
        return on_base(shared, state, output, input, el);
    }
    state.resources_seen = true;
    match glance(shared, gate, state, input, el, tag) {
        Glance::Keep => return Ok(()),
        Glance::InlineScript => return inline_script(state, input, output, el, false, false),
        Glance::Read => {}
    }
    let categories = &shared.page.consent.config().categories;
    let attrs = match (shared.nothing_to_match, gate.annotations) {
        (false, _) => Attrs::read(el, input),
        // No URL is read: only the annotations are looked up.
        (true, true) => Attrs::annotations(el, tag),
        (true, false) => Attrs::default(),
    };
    // Annotated `necessary` or a granted category: nothing is held back for the
    // annotation, and nothing is exempted by it either (markup may be user content):
    // the element's URLs, or an inline script's text, are read as if it had none.
    let mut vouched = false;
    if gate.annotations {
        if let Some(key) = &attrs.data_consent {
            let key = key.trim().to_ascii_lowercase();
            match categories.index_of_key(&key) {
                Some(index) if index == 0 || shared.granted.contains(index) => vouched = true,
                _ => {
                    let written = attrs.data_consent.as_deref();
                    return neutralise(shared, state, output, input, el, tag, &key, written);
                }
            }
        } else if tag == "script" && is_plain_text(attrs.kind.as_deref()) {
            if let Some(key) = &attrs.data_category {
                let key = key.trim().to_ascii_lowercase();
                // What it loads once active: its `data-src`, or its own URLs.
                let data_src = el.get_attribute("data-src");
                let own = attrs.urls.as_ref().and_then(|urls| {
                    let found = classify(shared, &state.location, &mut state.last_found, urls, tag);
                    match found {
                        Some(Verdict::Neutralise(key) | Verdict::Block(key)) => Some(key),
                        Some(Verdict::Keep) | None => None,
                    }
                });
                let refused = data_src
                    .as_deref()
                    .and_then(|src| refused_url(shared, &state.location, src))
                    .or(own);
                let external = data_src.is_some()
                    || attrs.urls.as_ref().is_some_and(|urls| {
                        ["src", "href", "xlink:href"]
                            .iter()
                            .any(|a| urls.get(a).is_some())
                    });
                match (categories.index_of_key(&key), refused) {
                    // What it would load is refused: it stays inert, marked for that.
                    (_, Some(refused)) => set(el, "data-consent", refused),
                    (Some(index), None) if shared.granted.contains(index) => {
                        if !external {
                            // Its text runs once it is active: read first, as any
                            // inline script is.
                            return activate_when_read(state, input, output, el);
                        }
                        activate(el);
                    }
                    // Inert as written; marked so banner.js can activate it.
                    _ => set(el, "data-consent", &key),
                }
                return Ok(());
            }
        }
    }
    if matches!(tag, "source" | "track" | "img") {
        if let Some(key) = state.media.clone() {
            let written = attrs.data_consent.as_deref();
            return neutralise(shared, state, output, input, el, tag, &key, written);
        }
    }
    // Nothing left to match (`shared.nothing_to_match`): no URL was read.
    let Some(urls) = &attrs.urls else {
        return Ok(());
    };
    match classify(shared, &state.location, &mut state.last_found, urls, tag) {
        Some(Verdict::Neutralise(key)) => {
            let written = attrs.data_consent.as_deref();
            return neutralise(shared, state, output, input, el, tag, key, written);
        }
        Some(Verdict::Block(why)) => return block(output, input, el, tag, why),
        Some(Verdict::Keep) => {}
        // A script with a URL runs that, never its text: only inline ones are read.
        None if tag == "script"
            && ["src", "href", "xlink:href"]
                .iter()
                .all(|a| urls.get(a).is_none())
            && is_executable(attrs.kind.as_deref()) =>
        {
            return inline_script(state, input, output, el, true, vouched);
        }
        None => {}
    }
    Ok(())
}

/// A `<base>`: the first with an `href` that a browser honours (in HTML, outside a
/// `<template>`) sets the document's base URL. Every other `<base href>` is ignored
/// by a browser as by the gate, and its `href` is moved to `data-consent-href`
/// (`data-consent-blocked="ignored-base"`): where lol_html and a browser would
/// disagree on the nesting of a `<base>` (foreign content), the browser then finds no
/// other base than the gate's.
///
/// lol_html does not say whether an element is inside a `<template>` (a selector for
/// it would cost every element of every page), so a first `<base>` that the page
/// wrote after a `<template` start tag, which may hold it, is not taken either: its
/// `href` is moved (`data-consent-blocked="base-after-template"`), and the page's
/// URLs resolve against the page's URL for the browser as for the gate.
///
/// A first `<base>` after an element that loads something (HTML requires it before
/// them) is not taken either: a browser may resolve such an element's URL against it
/// (an image parses its URL in a microtask, after later tags were parsed), and the
/// gate, which read that element against the page's URL, cannot read it again. Its
/// `href` is moved (`data-consent-blocked="late-base"`): the page's URLs then resolve
/// against the page's URL for the browser as for the gate.
fn on_base(
    shared: &Shared,
    state: &mut State,
    output: &mut Output,
    input: &Input,
    el: &mut El<'_, '_>,
) -> HandlerResult {
    let Some(href) = el.get_attribute("href") else {
        return Ok(());
    };
    let first = !state.base_taken && el.namespace_uri() == HTML;
    let at = el.source_location().bytes().start;
    let after_template = state.first_template.is_some_and(|template| template < at);
    if first && !state.resources_seen && !after_template {
        state.base_taken = true;
        state.location.set_base(&href);
        state.last_found = LastFound::default();
        return Ok(());
    }
    state.base_taken |= first;
    if shared.nothing_to_match {
        // No URL is matched: where they resolve changes nothing.
        return Ok(());
    }
    // Whether `<template` was looked for depends on where chunks end once an element
    // that loads something came: that reason comes first.
    let why = match (first, state.resources_seen) {
        (true, true) => "late-base",
        (true, false) => "base-after-template",
        (false, _) => "ignored-base",
    };
    tracing::debug!(why, "a <base> the gate does not take: its href moved");
    block(output, input, el, "base", why)
}

/// The text handler of the elements besides scripts whose content a browser reads as
/// text. It does nothing, but makes lol_html read their content as it reads a
/// script's: without one, it would read some of them right (after a start tag it handed
/// to an element handler only, it resumes in the element's text state), which the gate
/// cannot tell from the start tag ([`super::misread`]).
fn read_as_a_script_is(_: &mut TextChunk<'_>) -> HandlerResult {
    Ok(())
}

/// Makes `el` a `<template>` if lol_html reads its content as markup where a browser
/// reads text ([`super::misread`]); whether it did.
fn hide_if_misread(
    input: &Input,
    el: &mut El<'_, '_>,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    if !is_misread(el, input) {
        return Ok(false);
    }
    tracing::warn!(
        tag = %el.tag_name(),
        "a start tag ending in `=` (`<script a=>`), after which lol_html reads markup \
         where a browser reads text: the element was made an inert <template>"
    );
    el.set_tag_name("template")?;
    set(el, "data-consent-blocked", "misread-tag");
    Ok(true)
}

/// What the start tag of a resource element, as the page wrote it, tells before any
/// attribute is read.
enum Glance {
    /// Left as written.
    Keep,
    /// A bare `<script>`: an inline script that runs.
    InlineScript,
    /// Its attributes decide.
    Read,
}

/// What `el`'s start tag as the page wrote it tells. It is kept when it is not inside
/// held-back media, has no annotation, and either nothing is left to match or no URL
/// the rules or the catalog could match appears anywhere in it ([`must_read`]; not for
/// a script, whose text is read when it has no URL, nor with a `<base>` to resolve
/// against). Most elements of a page are such, and reading their attributes one by
/// one is most of the gate's cost.
fn glance(
    shared: &Shared,
    gate: &super::HtmlConfig,
    state: &State,
    input: &Input,
    el: &El<'_, '_>,
    tag: &str,
) -> Glance {
    if state.media.is_some() {
        return Glance::Read;
    }
    let Some(written) = input.start_tag(el) else {
        return Glance::Read;
    };
    if shared.nothing_to_match {
        return if must_read(&written, gate.annotations, None) {
            Glance::Read
        } else {
            Glance::Keep
        };
    }
    if tag == "script" {
        return if written.eq_ignore_ascii_case(b"<script>") {
            Glance::InlineScript
        } else {
            Glance::Read
        };
    }
    let resolves_elsewhere = state.base_taken || shared.matches_around;
    if !resolves_elsewhere && !must_read(&written, gate.annotations, Some(&gate.matcher)) {
        return Glance::Keep;
    }
    Glance::Read
}

/// What the rules and the catalog say about an element's URLs; `None` if none matched.
/// Every URL of the element is read: one that names `necessary` or a granted category
/// does not exempt another that a browser may load instead (`src` and `srcdoc`, the
/// candidates of a `srcset`).
fn classify(
    shared: &Shared,
    location: &Location,
    last_found: &mut LastFound,
    urls: &Urls<'_>,
    tag: &str,
) -> Option<Verdict> {
    let gate = shared.gate()?;
    let refused = |hit: &Hit| shared.refuses(hit);
    let find = |url: Url<'_>| gate.matcher.find(&url.target(location), refused);
    let mut found = None;
    for &attribute in url_attributes(tag) {
        let Some(value) = urls.get(attribute) else {
            continue;
        };
        let hit = match attribute {
            "srcset" | "imagesrcset" => first_refused(
                srcset_urls(&decode_references(value)).map(|url| find(Url::decoded(url))),
                refused,
            ),
            "srcdoc" => gate.matcher.scan_document(value, refused),
            _ => last_found.get_or(value, || find(Url::new(value))),
        };
        let Ok(hit) = hit else {
            tracing::warn!(
                tag,
                attribute,
                "a document nested too deep to read held back"
            );
            return Some(Verdict::Block("nested-too-deep"));
        };
        if let Some(hit) = hit {
            if refused(&hit) {
                tracing::debug!(vendor = hit.vendor, tag, "tracker held back");
                return Some(Verdict::Neutralise(shared.key(hit.category)));
            }
            found = Some(Verdict::Keep);
        }
    }
    found
}

/// The key of the category the rules or the catalog refuse the URL `raw` (an
/// attribute value as written) for, if any; `nested-too-deep`, the key of no
/// category, for a document nested too deep to read.
fn refused_url(shared: &Shared, location: &Location, raw: &str) -> Option<&'static str> {
    let refused = |hit: &Hit| shared.refuses(hit);
    let found = shared
        .gate()?
        .matcher
        .find(&Url::new(raw).target(location), refused);
    match found {
        Ok(hit) => hit.filter(refused).map(|hit| shared.key(hit.category)),
        Err(TooDeep) => Some("nested-too-deep"),
    }
}

/// Of what the URLs of one attribute found, the first hit `refused`, else the first.
fn first_refused(
    found: impl IntoIterator<Item = Result<Option<Hit>, TooDeep>>,
    refused: impl Fn(&Hit) -> bool,
) -> Result<Option<Hit>, TooDeep> {
    let mut first = None;
    for hit in found {
        let Some(hit) = hit? else {
            continue;
        };
        if refused(&hit) {
            return Ok(Some(hit));
        }
        first.get_or_insert(hit);
    }
    Ok(first)
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

/// Holds `el` back for category `key`, which the page `written` in its `data-consent`
/// if it did.
#[allow(clippy::too_many_arguments)]
fn neutralise(
    shared: &Shared,
    state: &mut State,
    output: &mut Output,
    input: &Input,
    el: &mut El<'_, '_>,
    tag: &'static str,
    key: &str,
    written: Option<&str>,
) -> HandlerResult {
    let categories = &shared.page.consent.config().categories;
    // A key the page wrote and no category has stays as written: nothing activates it.
    let mark = categories
        .index_of_key(key)
        .map(|index| shared.key(index))
        .filter(|&key| written != Some(key))
        .map(|key| ("data-consent", key));
    hold_back_tag(output, input, el, tag, mark)?;
    match tag {
        // In SVG or MathML a frame is inert, and the placeholder's HTML would end the
        // foreign content early: a browser would then read what follows (a CDATA
        // section, say) differently from lol_html.
        "iframe" | "frame" if el.namespace_uri() == HTML => {
            el.after(placeholder(shared, state, key), ContentType::Html);
        }
        "video" | "audio" | "picture" => {
            state.media = Some(key.to_owned());
            if let Some(handlers) = el.end_tag_handlers() {
                handlers.push(Box::new(move |_: &mut EndTag<'_>| {
                    in_context(|context| {
                        context.state.media = None;
                        Ok(())
                    })
                }));
            }
        }
        _ => {}
    }
    Ok(())
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

pub(super) fn is_plain_text(kind: Option<&str>) -> bool {
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

pub(super) const HTML: &str = "http://www.w3.org/1999/xhtml";

/// Holds `el` back for good, `why` in its `data-consent-blocked`: what it would load
/// or run cannot be decided, so no category's consent activates it.
fn block(
    output: &mut Output,
    input: &Input,
    el: &El<'_, '_>,
    tag: &'static str,
    why: &'static str,
) -> HandlerResult {
    hold_back_tag(output, input, el, tag, Some(("data-consent-blocked", why)))
}

/// Holds the start tag of `el` back in the output, `mark` inserted: what loads
/// something moves to a data attribute, and a script gets `type="text/plain"`.
fn hold_back_tag(
    output: &mut Output,
    input: &Input,
    el: &El<'_, '_>,
    tag: &'static str,
    mark: Option<(&'static str, &'static str)>,
) -> HandlerResult {
    let script = tag == "script";
    let moved: &'static [_] = if script { &SCRIPT_MOVED } else { &MOVED };
    let edit = Edit {
        at: written(output),
        len: el.source_location().bytes().len(),
        name: tag,
        plain: script,
        mark,
    };
    Ok(output.edit(edit, renames(el, input, moved, script))?)
}

/// An inline script that may run, read before it is written: what lol_html writes
/// from its start tag on is held back until the script is decided on its whole text,
/// at the text's last chunk (or the end of the document). With `attributes` (a bare
/// `<script>` has none), its `type` is looked up to be renamed.
fn inline_script(
    state: &mut State,
    input: &Input,
    output: &mut Output,
    el: &mut El<'_, '_>,
    attributes: bool,
    vouched: bool,
) -> HandlerResult {
    if el.namespace_uri() != HTML {
        // In SVG (and MathML) a script's content is markup, not raw text: holding it
        // back would reorder the page. It cannot be read first, so it is held back
        // whole.
        return block(output, input, el, "script", "svg-inline-script");
    }
    let tag = el.source_location().bytes();
    let empty = script_is_empty(input, tag.end);
    if empty == Some(true) {
        // No text: nothing it could load.
        return Ok(());
    }
    let kind = match attributes {
        true => renames(el, input, &[], true).next().transpose()?,
        false => None,
    };
    let at = written(output);
    output.hold(at);
    state.hold = Some(Hold {
        at,
        len: tag.len(),
        kind,
        text: std::mem::take(&mut state.spare_text),
        vouched,
        activation: None,
    });
    // A script with text is released at its text's last chunk. Whether it has any is
    // not known when its end tag may be in the next chunk: its end tag releases it
    // then, if its text did not (lol_html reports no text for an empty one).
    if let (None, Some(handlers)) = (empty, el.end_tag_handlers()) {
        // Captures nothing (the context has all it needs): no allocation for the box.
        handlers.push(Box::new(|_: &mut EndTag<'_>| {
            in_context(|context| match context.state.hold.take() {
                Some(hold) => release(context, hold, false),
                None => Ok(()),
            })
        }));
    }
    Ok(())
}

/// Whether the text of a script whose start tag ends at `end` is empty (its end tag
/// follows at once), if the bytes after the tag are in the chunk being rewritten.
fn script_is_empty(input: &Input, end: usize) -> Option<bool> {
    const END_TAG: &[u8] = b"</script";
    let next = input.after(end, END_TAG.len() + 1)?;
    let (name, after) = next.split_at(END_TAG.len());
    Some(
        name.eq_ignore_ascii_case(END_TAG)
            && matches!(
                after,
                [b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>']
            ),
    )
}

fn on_script_text(context: &mut Context, chunk: &TextChunk<'_>) -> HandlerResult {
    let Some(hold) = context.state.hold.as_mut() else {
        return Ok(());
    };
    if chunk.text_type() != TextType::ScriptData {
        // lol_html read the script's content as something other than script text.
        return Err("a held script's text read as other than script data".into());
    }
    let limit = context
        .shared
        .gate()
        .map_or(0, |gate| gate.inline_script_limit);
    let text = chunk.as_str();
    if hold.text.len() + text.len() > limit {
        // Too long to decide: the script is held back, never to run, and the rest of
        // its text passes.
        tracing::warn!(
            limit,
            "inline script longer than the HTML gate's inline_script_limit held back; \
             mark it data-consent=\"necessary\" or raise the limit"
        );
        let Some(hold) = context.state.hold.take() else {
            return Ok(());
        };
        return release(context, hold, true);
    }
    hold.text.push_str(text);
    if !chunk.last_in_text_node() {
        return Ok(());
    }
    match context.state.hold.take() {
        Some(hold) => release(context, hold, false),
        None => Ok(()),
    }
}

/// Escapes every `<` of a `<![CDATA[` section in SVG or MathML.
///
/// lol_html leaves foreign content one level at a time where a browser leaves it
/// whole (`<svg><svg><img>` or `</p>` inside nested SVG end it for a browser, not for
/// lol_html). There a browser reads `<![CDATA[` as a comment that ends at the first
/// `>`, and the markup after it as markup, while lol_html reads it all as text the
/// gate never sees. With no `<` left, the section holds no markup in either reading.
/// In real foreign content the escapes show as written; a `<` in a CDATA section of an
/// HTML page's inline SVG is rare.
fn defuse_cdata(chunk: &mut TextChunk<'_>) -> HandlerResult {
    if chunk.text_type() == TextType::CDataSection && chunk.as_str().contains('<') {
        // Only `<`: how a section is cut into chunks changes nothing.
        let text = chunk.as_str().replace('<', "&lt;");
        chunk.replace(&text, ContentType::Html);
    }
    Ok(())
}

/// Decides a held script on its whole text (or, `too_long`, without it) and lets what
/// was held back go, its start tag edited if the script is held back.
fn release(context: &mut Context, hold: Hold, too_long: bool) -> HandlerResult {
    let Context {
        shared,
        state,
        output,
        ..
    } = context;
    let mark = if too_long && hold.vouched {
        None
    } else if too_long {
        Some(("data-consent-blocked", "inline-script-limit"))
    } else {
        let refused = |hit: &Hit| shared.refuses(hit);
        match shared
            .gate()
            .and_then(|gate| gate.matcher.scan(&hold.text, refused))
        {
            Some(hit) => {
                tracing::debug!(vendor = hit.vendor, "inline tracker snippet held back");
                Some(("data-consent", shared.key(hit.category)))
            }
            _ => None,
        }
    };
    let mut text = hold.text;
    text.clear();
    state.spare_text = text;
    let edit = |plain, mark| Edit {
        at: hold.at,
        len: hold.len,
        name: "script",
        plain,
        mark,
    };
    match (mark, hold.activation) {
        (None, None) => {}
        (Some(mark), None) => {
            output.edit(edit(true, Some(mark)), hold.kind.map(Ok::<_, Unwritten>))?
        }
        // A client-side script: it runs only if activated.
        (None, Some(activation)) => output.edit(
            edit(false, None),
            activation.into_iter().map(Ok::<_, Unwritten>),
        )?,
        (Some(_), Some(_)) if too_long => {}
        (Some(mark), Some(_)) => output.edit(
            edit(false, Some(mark)),
            std::iter::empty::<Result<Rename, Unwritten>>(),
        )?,
    }
    output.release();
    Ok(())
}

/// A granted script written the client-side way (`type="text/plain"
/// data-category="…"`) with text, not a `data-src`: held while its text is read, like
/// any inline script, and activated at its end only if the text loads nothing refused
/// (the annotation exempts nothing the rules refuse). Its `type` becomes
/// `data-consent-type`, its `data-type` (if any) its `type`.
fn activate_when_read(
    state: &mut State,
    input: &Input,
    output: &mut Output,
    el: &mut El<'_, '_>,
) -> HandlerResult {
    let activation =
        renames(el, input, &[("data-type", "type")], true).collect::<Result<Vec<_>, _>>()?;
    inline_script(state, input, output, el, false, false)?;
    // Not held (no text, or in SVG, held back whole): it stays as written, inert.
    if let Some(hold) = state.hold.as_mut() {
        hold.activation = Some(activation);
    }
    Ok(())
}

/// The accessible stand-in shown after a held-back iframe of category `key`, made
/// once per category and page.
fn placeholder<'s>(shared: &Shared, state: &'s mut State, key: &str) -> &'s str {
    let index = match state.placeholders.iter().position(|(k, _)| k == key) {
        Some(index) => index,
        None => {
            let made = make_placeholder(shared, key);
            state.placeholders.push((key.to_owned(), made));
            state.placeholders.len() - 1
        }
    };
    &state.placeholders[index].1
}

fn make_placeholder(shared: &Shared, key: &str) -> String {
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
