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

use super::attributes::{renames, Attrs, Input, Urls};
use super::csp::InlineScripts;
use super::output::{Edit, MisplacedTag, Output};
use super::url::{decode_references, Base, Url};
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
    /// The text buffer of the last script released, kept for the next one.
    spare_text: String,
    /// The buffer the last script was released in, kept for the next one.
    spare_release: String,
    /// Inside a neutralised `<video>`, `<audio>` or `<picture>`: its category key.
    media: Option<String>,
    /// The placeholders written after held-back iframes, by category key.
    placeholders: Vec<(String, String)>,
    /// The page already carries the banner.
    banner_seen: bool,
    banner_done: bool,
    consent_mode_done: bool,
}

/// A held-back inline script: its start tag's attributes and the text read so far.
struct Hold {
    attributes: Vec<(String, String)>,
    text: String,
    /// How much the rewriter had written when it last took text of the script: more
    /// at the end of the document means lol_html wrote something after the text.
    written_at: usize,
    /// It outgrew the limit: it was written back neutralised and closed, with no text;
    /// the rest of its text and its end tag are dropped.
    dropped: bool,
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
}

impl Shared {
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
    /// A tag to hold back was not where lol_html was to write it.
    #[error(transparent)]
    Misplaced(#[from] MisplacedTag),
    /// Used after a failure or after the end.
    #[error("the HTML gate was used after it ended")]
    Ended,
}

impl Rewriter {
    pub(crate) fn new(page: Page, encoding: AsciiCompatibleEncoding, charset_known: bool) -> Self {
        let granted = page.consent.granted_set();
        // A charset the response names is final; otherwise a `<meta>` may change it.
        let utf8 = charset_known && <&encoding_rs::Encoding>::from(encoding) == encoding_rs::UTF_8;
        let nothing_to_match = page
            .consent
            .config()
            .html
            .as_ref()
            .is_none_or(|gate| gate.matcher.categories().is_subset(granted));
        // Nothing at all can be held back: no markup needs defusing.
        let everything_granted = page.consent.config().categories.all().is_subset(granted);
        let shared = Shared {
            page,
            granted,
            nothing_to_match,
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
            let text = ElementContentHandlers::default().text(|chunk: &mut TextChunk<'_>| {
                in_context(|context| {
                    let written = written(&context.output);
                    on_script_text(&context.shared, &mut context.state, chunk, written)
                })
            });
            let end = DocumentContentHandlers::default().end(|end: &mut DocumentEnd<'_>| {
                in_context(|context| {
                    let written = written(&context.output);
                    on_document_end(&context.shared, &mut context.state, end, written)
                })
            });
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
            let settings = if everything_granted {
                settings
            } else {
                settings.append_element_content_handler((
                    Cow::Owned(selectors.foreign.clone()),
                    ElementContentHandlers::default().text(defuse_cdata),
                ))
            };
            let settings =
                selectors
                    .resources
                    .iter()
                    .fold(settings, |settings, (tag, selector)| {
                        let tag: &'static str = tag;
                        settings.append_element_content_handler((
                            Cow::Owned(selector.clone()),
                            ElementContentHandlers::default().element(
                                move |el: &mut El<'_, '_>| {
                                    in_context(|context| on_resource(context, el, tag))
                                },
                            ),
                        ))
                    });
            HtmlRewriter::new(settings, Sink)
        });
        Self {
            rewriter: Mutex::new(rewriter),
            context: Some(Context {
                shared,
                state: State::default(),
                input: Input::new(utf8),
                output: Output::default(),
            }),
            unreadable: None,
        }
    }

    /// A rewriter that fails at once: the page is in `charset`, which lol_html
    /// cannot parse.
    pub(crate) fn unreadable(charset: String) -> Self {
        Self {
            rewriter: Mutex::new(None),
            context: None,
            unreadable: Some(charset),
        }
    }

    fn gone(&mut self) -> RewriteError {
        match self.unreadable.take() {
            Some(charset) => RewriteError::Charset(charset),
            None => RewriteError::Ended,
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
            return Err(self.gone());
        };
        if let Some(context) = &mut self.context {
            context.input.keep(chunk);
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
            return Err(self.gone());
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

fn on_document_end(
    shared: &Shared,
    state: &mut State,
    end: &mut DocumentEnd<'_>,
    written: usize,
) -> HandlerResult {
    if let Some(hold) = state.hold.take() {
        if hold.dropped {
            return Ok(());
        }
        if written != hold.written_at {
            // After the script's text lol_html wrote an unfinished tag (`</script
            // src="…`): appended after it, the script could become that tag's
            // attribute for a browser, and what follows it live markup.
            return Err("the document ended in an unfinished tag after a held script".into());
        }
        // The document ended inside a held script, whose raw text ran to the end:
        // decide on what was read. Nothing else is ever appended at the end, where it
        // could complete a tag the document left unfinished.
        let out = release(shared, state, hold);
        end.append(&out, ContentType::Html);
    }
    Ok(())
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
    if tag == "base" {
        if state.base.is_none() {
            if let Some(href) = el.get_attribute("href") {
                state.base = Some(Base::parse(&href));
            }
        }
        return Ok(());
    }
    match glance(shared, gate, state, input, el, tag) {
        Glance::Keep => return Ok(()),
        Glance::InlineScript => return inline_script(state, input, output, el),
        Glance::Read => {}
    }
    let categories = &shared.page.consent.config().categories;
    let attrs = match (shared.nothing_to_match, gate.annotations) {
        (false, _) => Attrs::read(el, input),
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
                    let written = attrs.data_consent.as_deref();
                    neutralise(shared, state, output, input, el, tag, &key, written)
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
        if let Some(key) = state.media.clone() {
            let written = attrs.data_consent.as_deref();
            return neutralise(shared, state, output, input, el, tag, &key, written);
        }
    }
    // Nothing left to match (`shared.nothing_to_match`): no URL was read.
    let Some(urls) = &attrs.urls else {
        return Ok(());
    };
    match classify(shared, state.base.as_ref(), urls, tag) {
        Some(Verdict::Neutralise(key)) => {
            let written = attrs.data_consent.as_deref();
            return neutralise(shared, state, output, input, el, tag, key, written);
        }
        Some(Verdict::Keep) => {}
        // A script with a URL runs that, never its text: only inline ones are read.
        None if tag == "script"
            && ["src", "href", "xlink:href"]
                .iter()
                .all(|a| urls.get(a).is_none())
            && is_executable(attrs.kind.as_deref()) =>
        {
            return inline_script(state, input, output, el);
        }
        None => {}
    }
    Ok(())
}

/// An inline script that may run: read before it is written (see [`hold`]).
fn inline_script(
    state: &mut State,
    input: &Input,
    output: &mut Output,
    el: &mut El<'_, '_>,
) -> HandlerResult {
    if el.namespace_uri() != HTML {
        // In SVG (and MathML) a script's content is markup, not raw text: holding it
        // back would reorder the page. It cannot be read first, so it is held back
        // whole.
        neutralise_undecidable(output, input, el, "svg-inline-script")
    } else {
        let written = written(output);
        hold(state, input, el, written)
    }
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
/// the rules or the catalog could match appears anywhere in it
/// ([`ResourceMatcher::may_match_tag`]; not for a script, whose text is read when it
/// has no URL, nor with a `<base>` to resolve against). Most elements of a page are
/// such, and reading their attributes one by one is most of the gate's cost.
///
/// [`ResourceMatcher::may_match_tag`]: super::catalog::ResourceMatcher::may_match_tag
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
    if gate.annotations && names_an_annotation(&written) {
        return Glance::Read;
    }
    if shared.nothing_to_match {
        return Glance::Keep;
    }
    if tag == "script" {
        return if written.eq_ignore_ascii_case(b"<script>") {
            Glance::InlineScript
        } else {
            Glance::Read
        };
    }
    if state.base.is_none() && !gate.matcher.may_match_tag(&written) {
        return Glance::Keep;
    }
    Glance::Read
}

/// Whether a start tag may have a `data-consent` or `data-category` attribute: it has
/// `data-c` in any case.
fn names_an_annotation(tag: &[u8]) -> bool {
    memchr::memchr_iter(b'-', tag).any(|dash| {
        dash >= 4
            && tag[dash - 4..dash].eq_ignore_ascii_case(b"data")
            && tag
                .get(dash + 1)
                .is_some_and(|b| b.eq_ignore_ascii_case(&b'c'))
    })
}

/// What the rules and the catalog say about an element's URLs; `None` if none matched.
fn classify(shared: &Shared, base: Option<&Base>, urls: &Urls<'_>, tag: &str) -> Option<Verdict> {
    let gate = shared.gate()?;
    let find = |url: &str| gate.matcher.find(&Url::new(url).target(base));
    let mut found = None;
    for &attribute in url_attributes(tag) {
        let Some(value) = urls.get(attribute) else {
            continue;
        };
        let hit = match attribute {
            "srcset" | "imagesrcset" => decode_references(value)
                .split_ascii_whitespace()
                .map(|token| token.trim_end_matches(','))
                .find_map(find),
            "srcdoc" => gate.matcher.scan(&decode_references(value)),
            _ => find(value),
        };
        if let Some(hit) = hit {
            if hit.category == 0 {
                return Some(Verdict::Keep);
            }
            if !shared.granted.contains(hit.category) {
                tracing::debug!(vendor = hit.vendor, tag, "tracker held back");
                return Some(Verdict::Neutralise(shared.key(hit.category)));
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
    let script = tag == "script";
    let moved: &'static [_] = if script { &SCRIPT_MOVED } else { &MOVED };
    let edit = Edit {
        at: self::written(output),
        len: el.source_location().bytes().len(),
        name: tag,
        plain: script,
        mark,
    };
    output.edit(edit, renames(el, input, moved, script))?;
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

const HTML: &str = "http://www.w3.org/1999/xhtml";

/// Holds back a script the gate cannot decide on, naming why; it is never activated.
fn neutralise_undecidable(
    output: &mut Output,
    input: &Input,
    el: &El<'_, '_>,
    why: &'static str,
) -> HandlerResult {
    let edit = Edit {
        at: written(output),
        len: el.source_location().bytes().len(),
        name: "script",
        plain: true,
        mark: Some(("data-consent-blocked", why)),
    };
    Ok(output.edit(edit, renames(el, input, &[], true))?)
}

/// Starts holding an inline script back: its start tag is removed and written again,
/// decided on its whole text, at its end tag (or the end of the document). A script
/// the kept chunk shows to be empty is written back at once, as it would be with no
/// text.
fn hold(state: &mut State, input: &Input, el: &mut El<'_, '_>, written: usize) -> HandlerResult {
    if state.hold.is_some() {
        // A script element inside a held one's raw text: lol_html read markup where a
        // browser reads text (`<script a=>` is one such start tag), so neither script
        // can be written back where a browser would read it.
        return Err("a script started inside a held script's text".into());
    }
    let attributes: Vec<_> = el
        .attributes()
        .iter()
        .map(|a| (a.name(), a.value()))
        .collect();
    let empty = input.script_is_empty(el.source_location().bytes().end);
    if empty == Some(true) {
        let mut decided = String::new();
        write_start_tag(&mut decided, &attributes, None);
        el.start_tag().replace(&decided, ContentType::Html);
        return Ok(());
    }
    el.start_tag().remove();
    state.hold = Some(Hold {
        attributes,
        text: std::mem::take(&mut state.spare_text),
        written_at: written,
        dropped: false,
    });
    if let Some(handlers) = el.end_tag_handlers() {
        // Captures nothing (the context has all it needs): no allocation for the box.
        handlers.push(Box::new(|end: &mut EndTag<'_>| {
            in_context(|context| {
                let state = &mut context.state;
                match state.hold.take() {
                    Some(hold) if hold.dropped => end.remove(),
                    Some(hold) => {
                        let out = release(&context.shared, state, hold);
                        end.before(&out, ContentType::Html);
                        state.spare_release = out;
                    }
                    None => {}
                }
                Ok(())
            })
        }));
    }
    Ok(())
}

fn on_script_text(
    shared: &Shared,
    state: &mut State,
    chunk: &mut TextChunk<'_>,
    written: usize,
) -> HandlerResult {
    let Some(hold) = state.hold.as_mut() else {
        return Ok(());
    };
    if hold.dropped {
        // Text lol_html reads as data (not script text) follows markup it read inside
        // the script: it stays, after the script a browser now sees closed.
        if chunk.text_type() == TextType::ScriptData {
            chunk.remove();
        }
        return Ok(());
    }
    let limit = shared.gate().map_or(0, |gate| gate.inline_script_limit);
    let text = chunk.as_str();
    if hold.text.len() + text.len() > limit {
        // Too long to decide: the script is written neutralised, never to run, and
        // closed at once with no text. What lol_html reads before its end tag is
        // dropped if it is text of the script, and written where a browser reads it
        // as lol_html does otherwise: after the end tag, not inside a script whose
        // end a browser could find earlier than lol_html.
        tracing::warn!(
            limit,
            "inline script longer than the HTML gate's inline_script_limit held back \
             and emptied; mark it data-consent=\"necessary\" or raise the limit"
        );
        let mut out = String::new();
        write_start_tag(&mut out, &hold.attributes, Some(Neutral::TooLong));
        out.push_str("</script>");
        chunk.before(&out, ContentType::Html);
        chunk.remove();
        hold.dropped = true;
        let text = std::mem::take(&mut hold.text);
        recycle(state, text);
        return Ok(());
    }
    // Read to the end tag (or the end of the document): a script's text may come as
    // more than one text node (lol_html splits it at a `<` before the end of the
    // document), so the last chunk of one is not the end of the script.
    if !text.is_empty() {
        hold.text.push_str(text);
        chunk.remove();
    }
    hold.written_at = written;
    Ok(())
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

/// Writes a held script back, decided on its whole text, in the state's spare release
/// buffer; its text buffer is kept for the next one.
fn release(shared: &Shared, state: &mut State, hold: Hold) -> String {
    let hit = shared.gate().and_then(|gate| gate.matcher.scan(&hold.text));
    let neutral = match hit {
        Some(hit) if hit.category != 0 && !shared.granted.contains(hit.category) => {
            tracing::debug!(vendor = hit.vendor, "inline tracker snippet held back");
            Some(Neutral::Category(shared.key(hit.category)))
        }
        _ => None,
    };
    let mut out = std::mem::take(&mut state.spare_release);
    out.clear();
    write_start_tag(&mut out, &hold.attributes, neutral);
    out.push_str(&hold.text);
    recycle(state, hold.text);
    out
}

/// Keeps a released script's text buffer for the next one.
fn recycle(state: &mut State, mut text: String) {
    text.clear();
    state.spare_text = text;
}

enum Neutral<'a> {
    Category(&'a str),
    TooLong,
}

/// Writes a `<script>` start tag with `attributes`, neutralised if asked.
fn write_start_tag(
    out: &mut String,
    attributes: &[(String, String)],
    neutral: Option<Neutral<'_>>,
) {
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
