//! The per-response rewriter: lol_html with the gate's element handlers, fed chunk by
//! chunk by the response body.
//!
//! One element handler sees every element ([`super::element`]); text handlers read the
//! text of the elements whose text the gate decides on (inline scripts, style sheets,
//! `<noscript>`) or must make lol_html read as a browser does ([`super::misread`]).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use lol_html::errors::RewritingError;
use lol_html::html_content::{
    ContentType, Doctype, DocumentEnd, Element, EndTag, TextChunk, TextType,
};
use lol_html::send::SendHandlerTypes;
use lol_html::send::{DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, Settings};
use lol_html::{AsciiCompatibleEncoding, HandlerResult, MemorySettings, OutputSink};

use super::attributes::{renames, Attrs, Input, RenamePlan, Unwritten, Urls};
use super::catalog::{Hit, LastFound};
use super::config::HtmlConfig;
use super::csp::{InlineScripts, Nonces};
use super::element::{is_plain_text, may_load_from_attributes, tag_name, Name, HTML};
use super::embeds::{Dimension, EmbedId, Layout, Placeholder, MAX_COPIED};
use super::foreign;
use super::glance::{must_read, RecentGlances};
use super::held::{is_event_handler, Token, MOVED, OWN_PREFIX, STYLE};
use super::json::JsonScript;
use super::misread::is_misread;
use super::noscript::{Fragment, FragmentEnd, NoscriptHold};
use super::output::{Edit, MisplacedTag, Output, Rename, Replace, TagName};
use super::srcset::srcset_urls;
use super::url::{decode_references, Location, TooDeep, Url};
use crate::banner::AssetAttributes;
use crate::category::{CategoryIndex, CategorySet};
use crate::consent::Consent;
use crate::escape::escape_into;
use crate::texts::category_text;

type El<'r, 't> = Element<'r, 't, SendHandlerTypes>;

/// What one response's handlers know about the visitor and the page.
#[derive(Clone)]
pub(crate) struct Page {
    /// The consent in force for this response (a choice recorded by it included).
    pub(crate) consent: Consent,
    /// The HTML gate's settings.
    pub(crate) gate: Arc<HtmlConfig>,
    /// The banner language (an index of the configured texts).
    pub(crate) language: usize,
    /// Where the banner's forms and the placeholders' links send the visitor back.
    pub(crate) return_to: String,
    /// What the response's CSP allows for the scripts the gate inserts.
    pub(crate) inline: InlineScripts,
    /// The nonces the injected banner's script and style sheet carry.
    pub(crate) nonces: Nonces,
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
    /// That lol_html read on in SVG or MathML where a browser reads HTML
    /// ([`super::foreign`]).
    foreign_misread: bool,
    /// The last URLs elements named in their attributes, and what each found.
    last_found: LastFound,
    /// The last resource start tags glanced at, and whether each must be read.
    glances: RecentGlances,
    /// The last resource start tags held back for what their URLs load, and how.
    holds: RecentHolds,
    /// An element that loads something came: a `<base>` now comes too late to be
    /// taken.
    resources_seen: bool,
    /// Where the page first wrote `<template` (in any case), if it did before a
    /// `<base>` was decided on: a `<base>` after it may be inside a template.
    first_template: Option<usize>,
    /// An inline script or style sheet held back while its text is read.
    hold: Option<Hold>,
    /// The text buffer of the last one released, kept for the next one.
    spare_text: String,
    /// The last inline script's text read and what it found.
    last_script: LastScanned,
    /// A `<noscript>` held back while its content is read.
    noscript: Option<NoscriptHold>,
    /// Inside a neutralised `<video>`, `<audio>` or `<picture>`: its category key.
    media: Option<String>,
    /// The placeholders written after held-back iframes, by category key.
    placeholders: Vec<(String, String)>,
    /// A `<body>` start tag came: a placeholder may stand in for a held-back embed's
    /// script (in the head, its markup would end the head early).
    body: bool,
    /// The banner's style sheet was written before an embed's placeholder.
    embed_style_done: bool,
    /// The last embed placeholder written, and what it was for: a page that embeds
    /// the same player many times writes the same placeholder again without making it.
    last_embed: Option<(EmbedId, String, Layout, Arc<str>)>,
    /// The page already carries the banner.
    banner_seen: bool,
    banner_done: bool,
    consent_mode_done: bool,
    /// A doctype or an `<html>`, `<head>` or `<body>` tag: a document, not a fragment.
    document: bool,
    /// How many `<template>`s are open: their content is inert, no banner goes there.
    open_templates: usize,
    /// Where the probe the gate writes after the document is (the banner's place when
    /// the document ends as markup), and whether it was read as an element.
    probe_at: Option<usize>,
    probe_seen: bool,
    /// The response's token for the elements it holds back, made when first needed.
    token: Option<Token>,
    /// Reading a `<noscript>`'s content: what the fragment showed.
    fragment: Option<FragmentEnd>,
}

impl State {
    /// The response's token, made on first use.
    fn token(&mut self) -> Result<Token, &'static str> {
        if let Some(token) = self.token {
            return Ok(token);
        }
        let token = Token::new().ok_or("no randomness for the HTML gate's token")?;
        self.token = Some(token);
        Ok(token)
    }
}

/// The text of the last inline script read and what it found, so that a page that
/// repeats a snippet (in every block of a list) reads it once. What a script's text
/// finds depends on the text and the refused categories alone (not on the base URL),
/// which stay the same through a response.
#[derive(Default)]
struct LastScanned {
    text: String,
    found: Option<Option<Hit>>,
}

impl LastScanned {
    /// Longer scripts are not kept: they are rarely repeated, and holding them would
    /// cost memory.
    const LONGEST: usize = 4096;

    /// What `text` found, read by `scan` unless it is the last text read.
    fn get_or(&mut self, text: &str, scan: impl FnOnce() -> Option<Hit>) -> Option<Hit> {
        if let Some(found) = self.found.filter(|_| self.text == text) {
            return found;
        }
        let found = scan();
        if text.len() <= Self::LONGEST {
            self.text.clear();
            self.text.push_str(text);
            self.found = Some(found);
        }
        found
    }
}

/// A resource start tag held back for what its URLs load (nothing else: no annotation,
/// no event handler, `style` or `ping` held back), as [`on_resource`] held it back.
#[derive(Default)]
struct Held {
    /// The category key it is held back for.
    key: &'static str,
    /// The vendor that refused it.
    vendor: &'static str,
    /// The embed it is, and how its placeholder is laid out.
    embed: Option<(EmbedId, Layout)>,
    /// Its attributes renamed ([`renames`]), in their order.
    renamed: Vec<Rename>,
}

/// The last resource start tags held back for what their URLs load, kept with how, so
/// that a page that repeats a tracker's tag (a pixel or a player in every block of a
/// list) reads its attributes once. How a tag is held back depends on its bytes (kept
/// whole, up to [`RecentHolds::LONGEST`], ASCII only: any charset reads them alike)
/// and on what stays the same through a response (the visitor's choices, the rules,
/// the catalog, the annotations setting) but for the base URL: the tags kept are
/// dropped when a `<base>` is taken. Inside held-back media nothing is kept or looked
/// up: an element there is held back for the media's category.
#[derive(Default)]
struct RecentHolds {
    /// Tags and how each was held back; the oldest is replaced first. `None` (or an
    /// empty tag) matches none.
    tags: [(Vec<u8>, Option<Held>); RecentHolds::KEPT],
    /// The slot the next tag goes to.
    next: usize,
}

impl RecentHolds {
    /// How many tags are kept.
    const KEPT: usize = 8;
    /// Longer tags are not kept: they are rarely repeated, and holding them would
    /// cost memory.
    const LONGEST: usize = 512;

    /// Where `tag` is kept, if it is and `unmedia` (not inside held-back media).
    fn position(&self, tag: &[u8], unmedia: bool) -> Option<usize> {
        if !unmedia {
            return None;
        }
        self.tags
            .iter()
            .position(|(kept, held)| held.is_some() && kept[..] == *tag)
    }

    /// Whether `tag` may be kept.
    fn keeps(tag: &[u8]) -> bool {
        tag.len() <= Self::LONGEST && tag.is_ascii()
    }

    /// What the next tag kept replaces, its buffers to reuse.
    fn spare(&mut self) -> Held {
        self.tags[self.next].1.take().unwrap_or_default()
    }

    /// Keeps `tag`, held back as `held`, in the slot [`spare`](Self::spare) emptied.
    fn keep(&mut self, tag: &[u8], held: Held) {
        let (kept, slot) = &mut self.tags[self.next];
        kept.clear();
        kept.extend_from_slice(tag);
        *slot = Some(held);
        self.next = (self.next + 1) % Self::KEPT;
    }
}

/// What a held element's text is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// A script: the URLs its text mentions.
    Script,
    /// An import map or speculation rules: the URLs in its JSON.
    Json,
    /// A style sheet (in SVG or MathML, `foreign`: its text comes in several nodes and
    /// is released at its end tag).
    Css { foreign: bool },
}

/// An inline script or style sheet being read: what lol_html writes from its start tag
/// on is held back in the output until it is decided.
struct Hold {
    /// Where its start tag is in what lol_html writes, and its length.
    at: usize,
    len: usize,
    /// `script` or `style`.
    name: &'static str,
    reading: Reading,
    /// The renames of its start tag, in order: its `type` (renamed only if the element
    /// is held back), and what `attributes` holds back.
    renames: Vec<Rename>,
    /// The category of an event handler or `style` attribute of its start tag that is
    /// refused, whatever its text says.
    attributes: Option<&'static str>,
    /// Its text so far, as lol_html decoded it.
    text: String,
    /// Annotated `necessary` (or a granted category): past the inline script limit it
    /// runs (or applies) unread, as the app said it may.
    vouched: bool,
    /// Written the client-side way (`type="text/plain" data-category`) and granted:
    /// the renames that make it run, applied if its text loads nothing refused.
    activation: Option<Vec<Rename>>,
    /// The embed its text loads, if that is what holds it back ([`decide`]).
    embed: Option<EmbedId>,
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
    /// How lol_html decodes the page, for a `<noscript>`'s content read the same way.
    encoding: AsciiCompatibleEncoding,
    /// The page is UTF-8 for sure ([`Input`]).
    utf8: bool,
    /// A relative URL may match whatever it says ([`ResourceMatcher::matches_around`]):
    /// no start tag is kept unread.
    ///
    /// [`ResourceMatcher::matches_around`]: super::catalog::ResourceMatcher::matches_around
    matches_around: bool,
}

impl Shared {
    fn gate(&self) -> &HtmlConfig {
        &self.page.gate
    }

    /// Whether `hit` names a category this visitor refused (never `necessary`).
    fn refuses(&self, hit: &Hit) -> bool {
        hit.category != 0 && !self.granted.contains(hit.category)
    }

    fn key(&self, index: CategoryIndex) -> &'static str {
        self.page
            .consent
            .context()
            .categories
            .category(index)
            .map_or("unknown", |c| c.key())
    }
}

// lol_html calls the sink and the handlers only from within `HtmlRewriter::write` and
// `end`, synchronously, on the thread that calls them. The rewriter lends its context
// to the handlers of that thread for the length of the call and takes it back after,
// and collects the output the same way: no lock is taken per handler or per output
// chunk (a `Mutex` for each was a measurable share of a page's time). A handler may run
// a rewrite of its own (a `<noscript>`'s content): each call keeps what the thread
// lent before it and puts it back after.
thread_local! {
    /// What the rewrite running on this thread has written during the current call.
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The context of the rewrite running on this thread, while no handler has it.
    static CONTEXT: Cell<Option<Box<Context>>> = const { Cell::new(None) };
}

/// How much the rewrite running on this thread has written so far.
fn written(output: &Output) -> usize {
    output.written(OUTPUT.with_borrow(Vec::len))
}

/// Writes `bytes` (ASCII) where lol_html is to write the element a handler has: before
/// its start tag.
fn write_before_tag(bytes: &[u8]) {
    OUTPUT.with_borrow_mut(|output| output.extend_from_slice(bytes));
}

/// Runs `handler` with the context of the rewrite running on this thread.
fn in_context(handler: impl FnOnce(&mut Context) -> HandlerResult) -> HandlerResult {
    let Some(mut context) = CONTEXT.take() else {
        return Err("an HTML gate handler ran outside its rewrite".into());
    };
    let result = handler(&mut context);
    // What was there is `None`, taken above: nothing to drop.
    std::mem::forget(CONTEXT.replace(Some(context)));
    result
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
    context: Option<Box<Context>>,
    /// How many bytes of the page were fed.
    fed: usize,
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

/// The probe written after a document (and after a `<noscript>`'s content): read as a
/// start tag of its own, it shows that what came before ended as markup.
const PROBE_TAG: &[u8] = b"<tc-consent-probe>";

impl Rewriter {
    pub(crate) fn new(
        mut page: Page,
        encoding: AsciiCompatibleEncoding,
        charset_known: bool,
    ) -> Self {
        // A charset the response names is final; otherwise a `<meta>` may change it.
        let utf8 = charset_known && <&encoding_rs::Encoding>::from(encoding) == encoding_rs::UTF_8;
        let state = State {
            location: std::mem::take(&mut page.location),
            ..State::default()
        };
        Self::with(page, encoding, charset_known, utf8, state)
    }

    /// The rewriter of a `<noscript>`'s content, read as a fragment of the page: the
    /// same gate for the same visitor, where the page's URLs resolve, and nothing
    /// inserted.
    fn fragment(page: Page, shared: &Shared, location: Location, end: usize) -> Self {
        let state = State {
            location,
            // A `<base>` in a `<noscript>` makes its content unreadable, never the base.
            base_taken: true,
            banner_seen: true,
            consent_mode_done: true,
            fragment: Some(FragmentEnd::at(end)),
            ..State::default()
        };
        Self::with(page, shared.encoding, true, shared.utf8, state)
    }

    fn with(
        page: Page,
        encoding: AsciiCompatibleEncoding,
        charset_known: bool,
        utf8: bool,
        state: State,
    ) -> Self {
        let granted = page.consent.granted_set();
        let nothing_to_match = page.gate.matcher.categories().is_subset(granted);
        let everything_granted = page.consent.context().categories.all().is_subset(granted);
        let matches_around = page.gate.matcher.matches_around(&state.location);
        let shared = Shared {
            page,
            granted,
            nothing_to_match,
            everything_granted,
            encoding,
            utf8,
            matches_around,
        };
        let rewriter = Some(HtmlRewriter::new(
            settings(shared.gate(), everything_granted, encoding, charset_known),
            Sink,
        ));
        Self {
            rewriter: Mutex::new(rewriter),
            context: Some(Box::new(Context {
                shared,
                state,
                input: Input::new(utf8),
                output: Output::default(),
            })),
            fed: 0,
        }
    }

    /// Runs `rewrite` (a call into lol_html) with `context` lent to the handlers and
    /// its output buffer to the sink, and returns what can be sent. What this thread
    /// lent before (to the rewrite whose handler runs this one) is put back after.
    fn run(
        context: &mut Option<Box<Context>>,
        rewrite: impl FnOnce() -> Result<(), RewritingError>,
    ) -> Result<Bytes, RewriteError> {
        let Some(mut lent) = context.take() else {
            return Err(RewriteError::Ended);
        };
        let outer_output = OUTPUT.replace(lent.output.lend());
        let outer_context = CONTEXT.replace(Some(lent));
        let rewritten = rewrite();
        let buffer = OUTPUT.replace(outer_output);
        // After a failure the context stays with the rewriter, which is not used again.
        let back = CONTEXT.replace(outer_context);
        let mut back = back.ok_or(RewriteError::Ended)?;
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
        self.fed += chunk.len();
        Self::run(&mut self.context, || active.write(chunk)).inspect_err(|_| {
            // A rewriter that failed must not be used again.
            *rewriter = None;
        })
    }

    /// Ends the document; returns the rest.
    ///
    /// A document (not a fragment) that has no banner yet, because its `</body>` is
    /// implied, gets it at its end if it ends as markup: the gate writes a probe
    /// element after it, which takes the banner's place if lol_html reads it as a start
    /// tag outside any `<template>`, and is taken out again otherwise (it was then the
    /// end of an unfinished tag, comment or text element, which a banner would have
    /// completed).
    pub(crate) fn end(&mut self) -> Result<Bytes, RewriteError> {
        let rewriter = self
            .rewriter
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(mut rewriter) = rewriter else {
            return Err(RewriteError::Ended);
        };
        let probe = self.context.as_mut().is_some_and(|context| {
            let wanted = context.wants_banner_probe();
            if wanted {
                context.state.probe_at = Some(self.fed);
                context.input.keep(&Bytes::from_static(PROBE_TAG));
            }
            wanted
        });
        let mut out = BytesMut::new();
        if probe {
            out.extend_from_slice(&Self::run(&mut self.context, || rewriter.write(PROBE_TAG))?);
        }
        out.extend_from_slice(&Self::run(&mut self.context, || rewriter.end())?);
        let seen = self
            .context
            .as_ref()
            .is_some_and(|context| context.state.probe_seen);
        if probe && !seen {
            strip_probe(&mut out);
        }
        Ok(out.freeze())
    }

    /// What the fragment this rewriter read showed, once it ended.
    fn fragment_end(&self) -> Option<FragmentEnd> {
        self.context.as_ref()?.state.fragment
    }
}

/// Takes the probe (the last bytes fed) out of the end of `out`, where lol_html wrote
/// it as text, as part of a tag or (in a CDATA section) with its `<` escaped. It is
/// not there when it went with the content of a `<noscript>` the gate dropped.
fn strip_probe(out: &mut BytesMut) {
    let escaped = [&b"&lt;"[..], &PROBE_TAG[1..]].concat();
    for written in [PROBE_TAG, &escaped[..]] {
        if out.ends_with(written) {
            out.truncate(out.len() - written.len());
            return;
        }
    }
    tracing::debug!("the HTML gate's probe went with the content that ended the document");
}

impl Context {
    /// Whether the banner is still to be injected at the end of a document.
    fn wants_banner_probe(&self) -> bool {
        let state = &self.state;
        self.shared.gate().inject_banner
            && state.fragment.is_none()
            && state.document
            && !state.banner_seen
            && !state.banner_done
    }
}

/// The handlers of one response: one element handler for every element, text handlers
/// for what the gate reads as text.
fn settings(
    gate: &super::HtmlConfig,
    everything_granted: bool,
    encoding: AsciiCompatibleEncoding,
    charset_known: bool,
) -> Settings<'static, 'static> {
    let selectors = &gate.selectors;
    let text = |selector: &lol_html::Selector, handler: fn(&mut TextChunk<'_>) -> HandlerResult| {
        (
            Cow::Owned(selector.clone()),
            ElementContentHandlers::default().text(handler),
        )
    };
    let document = DocumentContentHandlers::default()
        .doctype(|_: &mut Doctype<'_>| {
            in_context(|context| {
                context.state.document = true;
                Ok(())
            })
        })
        .end(|_: &mut DocumentEnd<'_>| in_context(on_document_end));
    let settings = Settings::new_send()
        .append_element_content_handler((
            Cow::Owned(selectors.every.clone()),
            ElementContentHandlers::default()
                .element(|el: &mut El<'_, '_>| in_context(|context| on_element(context, el))),
        ))
        .append_element_content_handler(text(&selectors.script, |chunk| {
            in_context(|context| on_held_text(context, chunk))
        }))
        .append_document_content_handler(document)
        .with_encoding(encoding)
        .with_adjust_charset_on_meta_tag(!charset_known)
        .with_memory_settings(
            MemorySettings::new().with_max_allowed_memory_usage(gate.memory_limit),
        );
    if everything_granted {
        return settings;
    }
    settings
        .append_element_content_handler(text(&selectors.foreign, defuse_cdata))
        .append_element_content_handler(text(&selectors.style, |chunk| {
            in_context(|context| on_held_text(context, chunk))
        }))
        .append_element_content_handler(text(&selectors.noscript, |chunk| {
            in_context(|context| on_noscript_text(context, chunk))
        }))
        .append_element_content_handler(text(&selectors.text, read_as_a_script_is))
}

/// Every element: what its name and its start tag as written tell.
fn on_element(context: &mut Context, el: &mut El<'_, '_>) -> HandlerResult {
    if let Some(hold) = &context.state.hold {
        if hold.reading != (Reading::Css { foreign: true }) {
            // lol_html read markup inside a script a browser reads as text: what it
            // wrote there would be the script's text for a browser, unread by the gate.
            return Err("an element inside a held script's text".into());
        }
        // Markup inside an SVG or MathML style sheet: it cannot be read whole, so it
        // never applies.
        if let Some(hold) = context.state.hold.take() {
            release(
                context,
                hold,
                Some(("data-consent-blocked", "foreign-style-markup")),
            )?;
        }
    }
    if context.state.noscript.is_some() {
        return Err("an element inside a held noscript's text".into());
    }
    let Context {
        shared,
        state,
        input,
        output,
    } = context;
    let mut cx = Split {
        shared,
        state,
        input,
        output,
    };
    // The start tag as written, looked up once for all that reads it.
    let written = input.start_tag(el);
    let written = written.as_deref();
    // Most elements of a page are written bare (`<p>`, `<li>`): no attribute to read.
    let owned;
    let (raw, bare) = match written {
        Some(tag) => {
            let raw = tag_name(tag);
            (raw, tag.len() == raw.len() + 2)
        }
        None => {
            owned = el.tag_name();
            (owned.as_bytes(), false)
        }
    };
    let name = Name::of(raw);
    if el.namespace_uri() != HTML
        && !cx.shared.everything_granted
        && misread_as_foreign(cx.state, el, name, raw)?
    {
        return Ok(());
    }
    if matches!(name, Some(Name::Html | Name::Head | Name::Body)) {
        cx.state.document = true;
        cx.state.body |= name == Some(Name::Body);
    }
    if !cx.state.consent_mode_done && (name == Some(Name::Head) || Name::may_run_a_script(name)) {
        cx.state.consent_mode_done = true;
        if let Some(snippet) = consent_mode_snippet(cx.shared) {
            if name == Some(Name::Head) {
                el.prepend(&snippet, ContentType::Html);
            } else {
                // Before the first element that may run or load a script: with no
                // `<head>` tag, a browser puts it in the head it implies.
                write_before_tag(snippet.as_bytes());
            }
        }
    }
    match name {
        Some(Name::Body) => on_body(cx.shared, el),
        Some(Name::Div) => on_div(cx.state, written, el),
        Some(Name::Template) => on_template(cx.state, el),
        Some(Name::Probe) if on_probe(&mut cx, el)? => return Ok(()),
        _ => {}
    }
    match (name, name.and_then(Name::resource)) {
        (Some(Name::Noscript), _) => on_noscript(&mut cx, el),
        (Some(name), _) if name.is_text() => on_text_element(&mut cx, el, name, written),
        (_, Some(tag)) => on_resource(&mut cx, el, tag, written),
        _ if bare => Ok(()),
        _ => on_other(&mut cx, el, written),
    }
}

/// The context split for an element handler, which reads the element's start tag as
/// written (in the input) while it changes the rest.
struct Split<'c> {
    shared: &'c Shared,
    state: &'c mut State,
    input: &'c Input,
    output: &'c mut Output,
}

fn on_body(shared: &Shared, el: &mut El<'_, '_>) {
    let injects = shared.gate().inject_banner;
    if let (true, Some(handlers)) = (injects, el.end_tag_handlers()) {
        handlers.push(Box::new(|end: &mut EndTag<'_>| {
            in_context(|context| {
                if let Some(banner) = take_banner(&context.shared, &mut context.state)? {
                    end.before(&banner, ContentType::Html);
                }
                Ok(())
            })
        }));
    }
}

/// The banner's root (`<div data-tc-endpoint>`, as the banner renders it): a page that
/// has it gets no second one.
fn on_div(state: &mut State, written: Option<&[u8]>, el: &El<'_, '_>) {
    const ROOT: &[u8] = b"data-tc-endpoint";
    let may_be_root = written.is_none_or(|tag| {
        tag.windows(ROOT.len())
            .any(|window| window.eq_ignore_ascii_case(ROOT))
    });
    if may_be_root && el.has_attribute("data-tc-endpoint") {
        state.banner_seen = true;
    }
}

/// Counts the open `<template>`s: no banner goes into their inert content.
fn on_template(state: &mut State, el: &mut El<'_, '_>) {
    if el.namespace_uri() != HTML {
        return;
    }
    if let Some(handlers) = el.end_tag_handlers() {
        state.open_templates += 1;
        handlers.push(Box::new(|_: &mut EndTag<'_>| {
            in_context(|context| {
                context.state.open_templates = context.state.open_templates.saturating_sub(1);
                Ok(())
            })
        }));
    }
}

/// The probe the gate wrote after a document or a `<noscript>`'s content, read as a
/// start tag: what came before ended as markup. At the end of a document it becomes
/// the banner. Whether the element was the gate's probe (one the page wrote is an
/// element like any other).
fn on_probe(
    cx: &mut Split<'_>,
    el: &mut El<'_, '_>,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let at = el.source_location().bytes().start;
    let state = &mut *cx.state;
    if el.namespace_uri() != HTML {
        return Ok(false);
    }
    if let Some(fragment) = &mut state.fragment {
        if !fragment.probe_at(at) {
            return Ok(false);
        }
    } else if state.probe_at == Some(at) {
        state.probe_seen = true;
        if state.open_templates == 0 {
            if let Some(banner) = take_banner(cx.shared, state)? {
                el.before(&banner, ContentType::Html);
            }
        }
    } else {
        return Ok(false);
    }
    el.start_tag().remove();
    Ok(true)
}

fn on_document_end(context: &mut Context) -> HandlerResult {
    // The document ended inside a held script, style sheet or `<noscript>`, whose text
    // ran to the end: it is decided on what was read.
    if let Some(mut hold) = context.state.hold.take() {
        let mark = decide(&context.shared, &mut context.state, &mut hold);
        release(context, hold, mark)?;
    }
    if context.state.noscript.is_some() {
        finish_noscript(context)?;
    }
    Ok(())
}

/// The banner, once, unless the page has one or injection is off; it carries the
/// response's token and nonces.
fn take_banner(shared: &Shared, state: &mut State) -> Result<Option<String>, &'static str> {
    let gate = shared.gate();
    if !gate.inject_banner || state.banner_seen || state.banner_done {
        return Ok(None);
    }
    state.banner_done = true;
    let token = match shared.everything_granted {
        // Nothing is held back: nothing to activate.
        true => None,
        false => Some(state.token()?),
    };
    let page = &shared.page;
    let assets = AssetAttributes {
        held: token.as_ref().map(Token::as_str),
        script_nonce: page.nonces.script.as_deref(),
        style_nonce: page.nonces.style.as_deref(),
    };
    Ok(Some(page.consent.banner_in(
        page.language,
        &page.return_to,
        false,
        assets,
    )))
}

fn consent_mode_snippet(shared: &Shared) -> Option<String> {
    let mode = shared.gate().consent_mode.as_ref()?;
    let nonce = match &shared.page.inline {
        InlineScripts::Allowed => None,
        InlineScripts::Nonce(nonce) => Some(nonce.as_str()),
        InlineScripts::Forbidden => {
            tracing::debug!("CSP allows no inline script: no Consent Mode defaults inserted");
            return None;
        }
    };
    let consent = &shared.page.consent;
    Some(mode.snippet(shared.granted, !consent.needs_banner(), nonce))
}

/// What a resource element must become.
enum Verdict {
    /// Left exactly as written.
    Keep,
    /// Held back for category `key`; for an embed, behind its placeholder; the vendor
    /// that refused it last.
    Neutralise(&'static str, Option<EmbedId>, &'static str),
    /// Held back for good ([`block`]).
    Block(&'static str),
}

/// What an element's event handlers, `style` attribute and (on `<a>` and `<area>`)
/// `ping` load that is refused: the category of the first such, and which of them hold
/// it.
#[derive(Clone, Copy, Debug, Default)]
struct Loaders {
    key: Option<&'static str>,
    handlers: bool,
    style: bool,
    ping: bool,
}

fn on_resource(
    cx: &mut Split<'_>,
    el: &mut El<'_, '_>,
    tag: &'static str,
    written: Option<&[u8]>,
) -> HandlerResult {
    let Split {
        shared,
        state,
        input,
        output,
    } = cx;
    let (shared, input) = (*shared, *input);
    let gate = shared.gate();
    if matches!(tag, "script" | "iframe")
        && !shared.everything_granted
        && hide_if_misread(input, el)?
    {
        return Ok(());
    }
    if tag == "base" {
        if let Some(fragment) = &mut state.fragment {
            // A `<base>` in a `<noscript>` sets the base of the whole page for a
            // browser without JavaScript: another page than the one the gate reads.
            fragment.unreadable("noscript-base");
            return Ok(());
        }
        if on_base(shared, state, output, input, el)? {
            return Ok(());
        }
        // A `<base>` the page keeps carries event handlers like any element; they load
        // nothing before a later `<base>`, so they do not make that one late.
        let seen = state.resources_seen;
        on_other(cx, el, written)?;
        cx.state.resources_seen = seen;
        return Ok(());
    }
    state.resources_seen = true;
    if tag == "script" && mark_banner_script(shared, state, written, el)? {
        // The banner's own script: never held back.
        return Ok(());
    }
    match glance(shared, gate, state, written, tag) {
        Glance::Keep => return Ok(()),
        Glance::InlineScript => {
            let reading = Reading::Script;
            return hold_text(state, input, output, el, "script", reading, None, false);
        }
        Glance::Read => {}
    }
    if let Some(at) =
        written.and_then(|written| state.holds.position(written, state.media.is_none()))
    {
        // Held back before, written the same: held back the same way, unread.
        let held = std::mem::take(&mut state.holds.tags[at].1);
        let done = match &held {
            Some(held) => {
                tracing::debug!(vendor = held.vendor, tag, "tracker held back");
                let embed = held.embed.as_ref().map(|(embed, layout)| (*embed, layout));
                let loaders = Loaders::default();
                let renamed = Some(&held.renamed[..]);
                neutralise(
                    shared, state, output, input, el, tag, held.key, None, loaders, embed, renamed,
                )
            }
            None => Err("a kept hold gone".into()),
        };
        state.holds.tags[at].1 = held;
        return done;
    }
    let categories = &shared.page.consent.context().categories;
    let attrs = match (shared.nothing_to_match, gate.annotations) {
        (false, _) => Attrs::read(el, input, tag == "iframe"),
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
                    // What its event handlers, `style` or `ping` load that is refused
                    // goes aside with it, as for an element held back for its URLs (a
                    // key no category has held back nothing of them before: a fuzz
                    // finding).
                    let loaders = read_loaders(shared, &state.location, &attrs, false);
                    return neutralise(
                        shared, state, output, input, el, tag, &key, written, loaders, None, None,
                    );
                }
            }
        } else if tag == "script" && is_plain_text(attrs.kind.as_deref()) {
            if let Some(key) = &attrs.data_category {
                let key = key.trim().to_ascii_lowercase();
                return client_side_script(shared, state, output, input, el, &attrs, key);
            }
        }
    }
    if matches!(tag, "source" | "track" | "img") {
        if let Some(key) = state.media.clone() {
            let written = attrs.data_consent.as_deref();
            let loaders = Loaders::default();
            return neutralise(
                shared, state, output, input, el, tag, &key, written, loaders, None, None,
            );
        }
    }
    // Nothing left to match (`shared.nothing_to_match`): no URL was read.
    let Some(urls) = &attrs.urls else {
        return Ok(());
    };
    if tag == "meta"
        && !attrs
            .http_equiv
            .as_deref()
            .is_some_and(|value| super::refresh::is_refresh(value.trim()))
    {
        // Only a refresh navigates.
        return Ok(());
    }
    let loaders = read_loaders(shared, &state.location, &attrs, false);
    let verdict = classify(shared, &state.location, &mut state.last_found, urls, tag);
    match verdict {
        Some(Verdict::Neutralise(key, embed, vendor)) => {
            let written_key = attrs.data_consent.as_deref();
            let embed = embed.map(|embed| match tag {
                "iframe" => (embed, layout_of(&attrs, loaders.style)),
                _ => (embed, Layout::default()),
            });
            // Kept when the tag's bytes alone decided: no annotation, nothing held
            // back for its event handlers, `style` or `ping` (their own readings),
            // not inside held-back media.
            let keep = written.filter(|written| {
                written_key.is_none()
                    && loaders.key.is_none()
                    && state.media.is_none()
                    && RecentHolds::keeps(written)
            });
            let Some(written) = keep else {
                let embed = embed.as_ref().map(|(embed, layout)| (*embed, layout));
                return neutralise(
                    shared,
                    state,
                    output,
                    input,
                    el,
                    tag,
                    key,
                    written_key,
                    loaders,
                    embed,
                    None,
                );
            };
            let mut held = state.holds.spare();
            held.renamed.clear();
            let plan = rename_plan(tag, loaders);
            for rename in renames(el, input, plan) {
                held.renamed.push(rename?);
            }
            held.key = key;
            held.vendor = vendor;
            held.embed = embed;
            let done = {
                let embed = held.embed.as_ref().map(|(embed, layout)| (*embed, layout));
                let renamed = Some(&held.renamed[..]);
                neutralise(
                    shared, state, output, input, el, tag, key, None, loaders, embed, renamed,
                )
            };
            state.holds.keep(written, held);
            return done;
        }
        Some(Verdict::Block(why)) => return block(output, input, el, tag, why),
        Some(Verdict::Keep) | None => {}
    }
    let external = ["src", "href", "xlink:href"]
        .iter()
        .any(|a| urls.get(a).is_some());
    // A script with a URL runs that, never its text: only inline ones are read. The
    // text of an import map or speculation rules is read as the JSON it is.
    if tag == "script" && verdict.is_none() && !external {
        let reading = if is_executable(attrs.kind.as_deref()) {
            Some(Reading::Script)
        } else {
            JsonScript::of_type(attrs.kind.as_deref()).map(|_| Reading::Json)
        };
        if let Some(reading) = reading {
            let loaders = Some(loaders);
            return hold_text(
                state, input, output, el, "script", reading, loaders, vouched,
            );
        }
    }
    match loaders.key {
        Some(key) => hold_back_loaders(
            shared,
            state,
            output,
            input,
            el,
            TagName::Is(tag),
            key,
            loaders,
        ),
        None => Ok(()),
    }
}

/// A script written the client-side way (`type="text/plain" data-category="key"`):
/// activated on the server when `key` is granted and what it would load is not
/// refused (its `data-src`, its own URLs, and, for an inline one, its text, read
/// before it is activated: the annotation exempts nothing the rules refuse); otherwise
/// it stays inert as written, marked with the category that activates it (the one
/// refused for what it loads, else `key`) and the response's token, for `banner.js`.
fn client_side_script(
    shared: &Shared,
    state: &mut State,
    output: &mut Output,
    input: &Input,
    el: &mut El<'_, '_>,
    attrs: &Attrs<'_>,
    key: String,
) -> HandlerResult {
    let categories = &shared.page.consent.context().categories;
    // What it loads once active: its `data-src`, or its own URLs.
    let data_src = el.get_attribute("data-src");
    let own = attrs.urls.as_ref().and_then(|urls| {
        match classify(
            shared,
            &state.location,
            &mut state.last_found,
            urls,
            "script",
        ) {
            Some(Verdict::Neutralise(key, ..) | Verdict::Block(key)) => Some(key),
            Some(Verdict::Keep) | None => None,
        }
    });
    let refused = data_src
        .as_deref()
        .and_then(|src| refused_url(shared, &state.location, src))
        .map(|hit| shared.key(hit.category))
        .or(own);
    let external = data_src.is_some()
        || attrs.urls.as_ref().is_some_and(|urls| {
            ["src", "href", "xlink:href"]
                .iter()
                .any(|a| urls.get(a).is_some())
        });
    let inert = match (categories.index_of_key(&key), refused) {
        // What it would load is refused: it stays inert, marked for that.
        (_, Some(refused)) => refused,
        (Some(index), None) if shared.granted.contains(index) => {
            if !external {
                // Its text runs once it is active: read first, as any inline script is.
                return activate_when_read(state, input, output, el);
            }
            activate(el);
            return Ok(());
        }
        // Inert as written; marked so banner.js can activate it.
        _ => key.as_str(),
    };
    set(el, "data-consent", inert);
    set(el, super::held::MARK, state.token()?.as_str());
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
/// A `<base>`: its `href` taken as the page's base when a browser takes it, else moved
/// (the element held back, handlers included: whether it was is the answer).
fn on_base(
    shared: &Shared,
    state: &mut State,
    output: &mut Output,
    input: &Input,
    el: &mut El<'_, '_>,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let Some(href) = el.get_attribute("href") else {
        return Ok(false);
    };
    let first = !state.base_taken && el.namespace_uri() == HTML;
    let at = el.source_location().bytes().start;
    let after_template = state.first_template.is_some_and(|template| template < at);
    if first && !state.resources_seen && !after_template {
        state.base_taken = true;
        state.location.set_base(&href);
        state.last_found = LastFound::default();
        state.holds = RecentHolds::default();
        return Ok(false);
    }
    state.base_taken |= first;
    if shared.nothing_to_match {
        // No URL is matched: where they resolve changes nothing.
        return Ok(false);
    }
    // Whether `<template` was looked for depends on where chunks end once an element
    // that loads something came: that reason comes first.
    let why = match (first, state.resources_seen) {
        (true, true) => "late-base",
        (true, false) => "base-after-template",
        (false, _) => "ignored-base",
    };
    tracing::debug!(why, "a <base> the gate does not take: its href moved");
    block(output, input, el, "base", why)?;
    Ok(true)
}

/// The banner's own `<script src=".../banner.js">`, as the app rendered it
/// ([`Consent::banner_html`](crate::Consent::banner_html)), gets the response's token:
/// `banner.js` then activates what the gate held back. Whether `el` is that script.
fn mark_banner_script(
    shared: &Shared,
    state: &mut State,
    written: Option<&[u8]>,
    el: &mut El<'_, '_>,
) -> Result<bool, &'static str> {
    const ASSET: &[u8] = b"/banner.js";
    let may_be = written.is_none_or(|tag| {
        tag.windows(ASSET.len())
            .any(|window| window.eq_ignore_ascii_case(ASSET))
    });
    if !may_be {
        return Ok(false);
    }
    let Some(src) = el.get_attribute("src") else {
        return Ok(false);
    };
    let path = src.trim().split(['?', '#']).next().unwrap_or_default();
    let prefix = shared.page.consent.context().banner.prefix();
    if path.strip_prefix(prefix) != Some("/banner.js") {
        return Ok(false);
    }
    if !shared.everything_granted && state.fragment.is_none() {
        set(el, "data-tc-held", state.token()?.as_str());
    }
    Ok(true)
}

/// An element the gate reads no URL of: its event handlers, its `style` attribute and,
/// on `<a>` and `<area>`, its `ping`.
fn on_other(cx: &mut Split<'_>, el: &mut El<'_, '_>, written: Option<&[u8]>) -> HandlerResult {
    let Split {
        shared,
        state,
        input,
        output,
    } = cx;
    let gate = shared.gate();
    if shared.nothing_to_match {
        return Ok(());
    }
    let (name, pings) = match written {
        Some(tag) => {
            // Most elements have none, and most that have them name no tracker.
            if !may_load_from_attributes(tag) {
                return Ok(());
            }
            // It may load something: a `<base>` after it comes too late.
            state.resources_seen = true;
            if !(state.base_taken
                || shared.matches_around
                || must_read(tag, false, Some(&gate.matcher)))
                && memchr::memchr(b'\\', tag).is_none()
            {
                return Ok(());
            }
            let name = tag_name(tag);
            (TagName::Written(name.len()), pings(name))
        }
        None => {
            state.resources_seen = true;
            let name = el.tag_name();
            (TagName::Written(name.len()), pings(name.as_bytes()))
        }
    };
    let attrs = Attrs::read(el, input, false);
    let loaders = read_loaders(shared, &state.location, &attrs, pings);
    match loaders.key {
        Some(key) => hold_back_loaders(shared, state, output, input, el, name, key, loaders),
        None => Ok(()),
    }
}

/// Whether an element of this name (as written, any case) audits hyperlinks: an
/// `<a>` or `<area>` posts to the URLs of its `ping` when followed.
fn pings(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"a") || name.eq_ignore_ascii_case(b"area")
}

/// What an element's event handlers, `style` attribute and, with `pings` (an `<a>` or
/// `<area>`), `ping` load that this visitor refused. An event handler is an inline
/// script: its text is read as one is. A `style` attribute is CSS: its `url()`s are
/// read as URLs. A `ping` is a set of URLs separated by ASCII whitespace (HTML's
/// hyperlink auditing), each read as every URL of the page is.
fn read_loaders(shared: &Shared, location: &Location, attrs: &Attrs<'_>, pings: bool) -> Loaders {
    let gate = shared.gate();
    let refused = |hit: &Hit| shared.refuses(hit);
    let mut loaders = Loaders::default();
    for handler in &attrs.handlers {
        if let Some(hit) = gate.matcher.scan(&decode_references(handler), refused) {
            tracing::debug!(vendor = hit.vendor, "event handler held back");
            loaders.key.get_or_insert(shared.key(hit.category));
            loaders.handlers = true;
            break;
        }
    }
    if let Some(style) = &attrs.style {
        let mut hit = None;
        let read = super::css::any_url(&decode_references(style), |url| {
            hit = refused_url(shared, location, url);
            hit.is_some()
        });
        if read.is_err() {
            hit = unreadable(shared, "CSS nested too deep to read");
        }
        if let Some(hit) = hit {
            tracing::debug!(vendor = hit.vendor, "style attribute held back");
            loaders.key.get_or_insert(shared.key(hit.category));
            loaders.style = true;
        }
    }
    if let Some(ping) = attrs.ping.as_ref().filter(|_| pings) {
        let hit = decode_references(ping)
            .split(|c: char| c.is_ascii_whitespace())
            .filter(|url| !url.is_empty())
            .find_map(|url| refused_url(shared, location, url));
        if let Some(hit) = hit {
            tracing::debug!(vendor = hit.vendor, "ping held back");
            loaders.key.get_or_insert(shared.key(hit.category));
            loaders.ping = true;
        }
    }
    loaders
}

/// What the URL `raw` (as an attribute or a text writes it) loads that this visitor
/// refused, read as every URL of the page is; a document nested too deep to read
/// counts as refused.
fn refused_url(shared: &Shared, location: &Location, raw: &str) -> Option<Hit> {
    let gate = shared.gate();
    let refused = |hit: &Hit| shared.refuses(hit);
    match gate.matcher.find(&Url::new(raw).target(location), refused) {
        Ok(hit) => hit.filter(|hit| refused(hit)),
        Err(TooDeep) => unreadable(shared, "a document nested too deep to read"),
    }
}

/// What the gate cannot read counts as loading what this visitor refused: held back
/// under the first category the rules and the catalog name that the visitor refused
/// (there is one, or nothing would be read).
fn unreadable(shared: &Shared, what: &'static str) -> Option<Hit> {
    let gate = shared.gate();
    Some(Hit {
        category: gate
            .matcher
            .categories()
            .iter()
            .find(|&c| !shared.granted.contains(c))?,
        vendor: what,
        embed: None,
    })
}

/// Holds back the event handlers, `style` attribute and `ping` of `el` that load what
/// category `key` covers; the element stays as it is otherwise (a link held back for
/// its `ping` still navigates).
#[allow(clippy::too_many_arguments)]
fn hold_back_loaders(
    shared: &Shared,
    state: &mut State,
    output: &mut Output,
    input: &Input,
    el: &El<'_, '_>,
    name: TagName,
    key: &'static str,
    loaders: Loaders,
) -> HandlerResult {
    let plan = RenamePlan {
        moved: &[],
        kind: false,
        handlers: loaders.handlers,
        style: loaders.style,
        ping: loaders.ping,
    };
    let held = held_token(shared, state)?;
    hold_back_tag(
        output,
        input,
        el,
        name,
        Some(("data-consent", key)),
        held,
        plan,
        None,
        None,
    )
}

/// The token a held-back element carries: none when nothing can be activated (every
/// category granted).
fn held_token(shared: &Shared, state: &mut State) -> Result<Option<Token>, &'static str> {
    match shared.everything_granted {
        true => Ok(None),
        false => state.token().map(Some),
    }
}

/// `<style>`, `<title>`, `<textarea>`, `<xmp>`, `<noembed>`, `<noframes>`: made inert
/// where lol_html would misread them; a style sheet is read before it applies.
fn on_text_element(
    cx: &mut Split<'_>,
    el: &mut El<'_, '_>,
    name: Name,
    written: Option<&[u8]>,
) -> HandlerResult {
    if cx.shared.everything_granted {
        return Ok(());
    }
    if hide_if_misread(cx.input, el)? {
        return Ok(());
    }
    if name != Name::Style || cx.shared.nothing_to_match {
        return on_other(cx, el, written);
    }
    // Read like any other (the annotation exempts nothing the rules refuse), but one
    // too long to read applies unread, as the app said it may.
    let vouched = is_necessary(cx.shared, written, el);
    let Split {
        shared,
        state,
        input,
        output,
    } = cx;
    let foreign = el.namespace_uri() != HTML;
    let loaders = match written {
        Some(tag) if !may_load_from_attributes(tag) => Loaders::default(),
        _ => read_loaders(
            shared,
            &state.location,
            &Attrs::read(el, input, false),
            false,
        ),
    };
    let reading = Reading::Css { foreign };
    hold_text(
        state,
        input,
        output,
        el,
        "style",
        reading,
        Some(loaders),
        vouched,
    )
}

/// Whether `el` is annotated `data-consent="necessary"` (with annotations on), as its
/// start tag as written may tell without reading its attributes.
fn is_necessary(shared: &Shared, written: Option<&[u8]>, el: &El<'_, '_>) -> bool {
    const ANNOTATION: &[u8] = b"data-consent";
    let annotations = shared.gate().annotations;
    let may_be = written.is_none_or(|tag| {
        tag.windows(ANNOTATION.len())
            .any(|window| window.eq_ignore_ascii_case(ANNOTATION))
    });
    annotations
        && may_be
        && el
            .get_attribute("data-consent")
            .is_some_and(|key| key.trim().eq_ignore_ascii_case("necessary"))
}

/// A `<noscript>`: its content is held back and read as the markup a browser without
/// JavaScript parses ([`super::noscript`]).
fn on_noscript(cx: &mut Split<'_>, el: &mut El<'_, '_>) -> HandlerResult {
    if cx.shared.everything_granted || el.namespace_uri() != HTML {
        return Ok(());
    }
    if hide_if_misread(cx.input, el)? {
        return Ok(());
    }
    if let Some(fragment) = &mut cx.state.fragment {
        // lol_html reads a `<noscript>` inside one as text again, where that browser
        // reads markup.
        fragment.unreadable("noscript-in-noscript");
        return Ok(());
    }
    let at = written(cx.output);
    let len = el.source_location().bytes().len();
    cx.output.hold(at);
    cx.state.noscript = Some(NoscriptHold {
        at,
        len,
        dropping: false,
    });
    if let Some(handlers) = el.end_tag_handlers() {
        handlers.push(Box::new(|_: &mut EndTag<'_>| in_context(finish_noscript)));
    }
    Ok(())
}

/// The content of a held `<noscript>`, held back up to the limit; past it dropped.
fn on_noscript_text(context: &mut Context, chunk: &mut TextChunk<'_>) -> HandlerResult {
    let Context {
        shared,
        state,
        output,
        ..
    } = context;
    let Some(noscript) = &mut state.noscript else {
        return Ok(());
    };
    if chunk.text_type() != TextType::RawText {
        return Err("a held noscript's content read as other than text".into());
    }
    if noscript.dropping {
        chunk.remove();
        return Ok(());
    }
    let limit = shared.gate().inline_script_limit;
    let end = written(output);
    if end + chunk.as_str().len() - noscript.content() > limit {
        tracing::warn!(
            limit,
            "<noscript> content longer than the HTML gate's inline_script_limit dropped"
        );
        noscript.dropping = true;
        drop_noscript(output, noscript, end, "noscript-limit")?;
        output.release();
        chunk.remove();
    }
    Ok(())
}

/// Decides a held `<noscript>` on its whole content (at its end tag, or the end of the
/// document) and lets what was held back go.
fn finish_noscript(context: &mut Context) -> HandlerResult {
    let Some(noscript) = context.state.noscript.take() else {
        return Ok(());
    };
    if noscript.dropping {
        // Released when the limit was passed.
        return Ok(());
    }
    let end = written(&context.output);
    let start = noscript.content();
    let content = OUTPUT.with_borrow(|buffer| {
        let held = context.output.unsent(buffer, start)?;
        held.get(..end.checked_sub(start)?).map(<[u8]>::to_vec)
    });
    let Some(content) = content else {
        return Err("a held noscript's content was not where lol_html wrote it".into());
    };
    let location = context.state.location.clone();
    let fragment = read_fragment(&context.shared, location, &content);
    match fragment {
        Fragment::Same => {}
        Fragment::Gated(gated) => context.output.replace(Replace {
            at: start,
            len: content.len(),
            with: gated,
        }),
        Fragment::Dropped(why) => {
            tracing::warn!(
                why,
                "<noscript> content the gate cannot read as markup dropped"
            );
            drop_noscript(&mut context.output, &noscript, end, why)?;
        }
    }
    context.output.release();
    Ok(())
}

/// Marks a held `<noscript>` blocked for `why` and drops its content written so far
/// (up to `end`).
fn drop_noscript(
    output: &mut Output,
    noscript: &NoscriptHold,
    end: usize,
    why: &'static str,
) -> Result<(), Unwritten> {
    let edit = Edit {
        at: noscript.at,
        len: noscript.len,
        name: TagName::Is("noscript"),
        plain: false,
        mark: Some(("data-consent-blocked", why)),
        held: None,
        before: None,
    };
    output.edit(edit, std::iter::empty::<Result<Rename, Unwritten>>())?;
    output.replace(Replace {
        at: noscript.content(),
        len: end.saturating_sub(noscript.content()),
        with: Vec::new(),
    });
    Ok(())
}

/// A `<noscript>`'s `content` as the gate writes it: read by a gate of its own, for the
/// same visitor and where the page's URLs resolve, as a fragment followed by the probe.
fn read_fragment(shared: &Shared, location: Location, content: &[u8]) -> Fragment {
    let mut rewriter = Rewriter::fragment(shared.page.clone(), shared, location, content.len());
    let mut gated = Vec::with_capacity(content.len());
    let mut read = || -> Result<(), RewriteError> {
        gated.extend_from_slice(&rewriter.write(&Bytes::copy_from_slice(content))?);
        gated.extend_from_slice(&rewriter.write(&Bytes::from_static(PROBE_TAG))?);
        gated.extend_from_slice(&rewriter.end()?);
        Ok(())
    };
    let read = read();
    if let Err(error) = &read {
        tracing::warn!(%error, "a <noscript>'s content could not be read");
    }
    let end = rewriter.fragment_end();
    Fragment::of(content, read.ok().map(|()| gated), end)
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
    make_inert_template(el, "misread-tag")?;
    Ok(true)
}

/// Makes `el` an inert `<template>` (its end tag too), marked `why`: a browser reads its
/// content as markup and runs, renders and loads none of it, and what its attributes
/// would load (URLs, `style`, event handlers) is moved aside as on any element held
/// back for good.
fn make_inert_template(
    el: &mut El<'_, '_>,
    why: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    el.set_tag_name("template")?;
    let loading: Vec<(String, String)> = el
        .attributes()
        .iter()
        .filter(|attribute| {
            let name = attribute.name();
            is_event_handler(name.as_bytes())
                || name == STYLE.0
                || MOVED.iter().any(|(moved, _)| name == *moved)
        })
        .map(|attribute| (attribute.name(), attribute.value()))
        .collect();
    for (name, value) in loading {
        el.remove_attribute(&name);
        set(
            el,
            &format!("{OWN_PREFIX}{}", name.replace(':', "-")),
            &value,
        );
    }
    set(el, "data-consent-blocked", why);
    Ok(())
}

/// An element lol_html reads in SVG or MathML: notes whether it should have ended
/// foreign content (lol_html reads on in SVG where a browser reads HTML), and from then
/// on makes an element whose content a browser may read as text an inert `<template>`
/// ([`super::foreign`]). A script there is always one: its content is markup for
/// lol_html, and should lol_html have misread the nesting (a `</p>` in nested SVG),
/// text for a browser; a `<template>`'s content is markup for both. Whether `el` was
/// made inert.
fn misread_as_foreign(
    state: &mut State,
    el: &mut El<'_, '_>,
    name: Option<Name>,
    raw: &[u8],
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    if !state.foreign_misread && foreign::ends_foreign_content(raw, el) {
        state.foreign_misread = true;
        tracing::warn!(
            tag = %String::from_utf8_lossy(raw),
            "an element that ends SVG or MathML content for a browser, which lol_html \
             reads as still inside it: from here on, elements a browser may read as text \
             in HTML are made inert <template>s"
        );
    }
    // In SVG and MathML a script's content is markup, not raw text: holding it back
    // would reorder the page, and it cannot be read first. It is held back whole,
    // whatever its attributes say.
    if name == Some(Name::Script) {
        make_inert_template(el, "svg-inline-script")?;
        return Ok(true);
    }
    let misread = state.foreign_misread && foreign::is_text_in_html(name, raw);
    if !misread && !foreign::is_stray_in_foreign_content(name, raw) {
        return Ok(false);
    }
    make_inert_template(el, "foreign-misread")?;
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
    state: &mut State,
    written: Option<&[u8]>,
    tag: &str,
) -> Glance {
    if state.media.is_some() {
        return Glance::Read;
    }
    let Some(written) = written else {
        return Glance::Read;
    };
    if shared.nothing_to_match {
        return if must_read(written, gate.annotations, None) {
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
    // A CSS escape in a `style` attribute may spell a host's dots (`\2e`).
    let css_escape =
        || memchr::memchr(b'\\', written).is_some() && may_load_from_attributes(written);
    let resolves_elsewhere = state.base_taken || shared.matches_around;
    if !resolves_elsewhere
        && !state
            .glances
            .must_read(written, gate.annotations, &gate.matcher)
        && !css_escape()
    {
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
    let gate = shared.gate();
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
            // SMIL: a list of values, each of which an animated `href` may take.
            "values" => first_refused(
                decode_references(value)
                    .split(';')
                    .map(|url| find(Url::decoded(url))),
                refused,
            ),
            // `<meta http-equiv=refresh>`: the URL after the delay.
            "content" => match super::refresh::refresh_url(&decode_references(value)) {
                Some(url) => find(Url::decoded(url)),
                None => Ok(None),
            },
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
                return Some(Verdict::Neutralise(
                    shared.key(hit.category),
                    hit.embed,
                    hit.vendor,
                ));
            }
            found = Some(Verdict::Keep);
        }
    }
    found
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
        "image" | "feimage" => &["href", "xlink:href"],
        // The legacy `background` image.
        "body" | "table" | "td" | "th" => &["background"],
        // Only with `http-equiv=refresh` (`on_resource`).
        "meta" => &["content"],
        // SMIL animations may point an `href` anywhere.
        "set" | "animate" | "animatemotion" | "animatetransform" => {
            &["to", "from", "by", "values", "href", "xlink:href"]
        }
        _ => &["src", "href", "srcset", "data"],
    }
}

/// Those of a held-back script.
const SCRIPT_MOVED: [(&str, &str); 3] = [
    ("src", "data-consent-src"),
    ("href", "data-consent-href"),
    ("xlink:href", "data-consent-xlink-href"),
];

/// Holds `el` back for category `key`, which the page `written` in its `data-consent`
/// if it did; with `loaders`, its event handlers and `style` attribute too. An `embed`
/// (an iframe, or a script in the body) gets its placeholder right before it.
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
    loaders: Loaders,
    embed: Option<(EmbedId, &Layout)>,
    renamed: Option<&[Rename]>,
) -> HandlerResult {
    let categories = &shared.page.consent.context().categories;
    // A key the page wrote and no category has stays as written: nothing activates it.
    let known = categories.index_of_key(key).map(|index| shared.key(index));
    let mark = known
        .filter(|&key| written != Some(key))
        .map(|key| ("data-consent", key));
    let held = match known {
        Some(_) => held_token(shared, state)?,
        None => None,
    };
    let script = tag == "script";
    let plan = rename_plan(tag, loaders);
    // In SVG or MathML a frame is inert, and a placeholder's HTML would end the foreign
    // content early: a browser would then read what follows (a CDATA section, say)
    // differently from lol_html.
    let html = el.namespace_uri() == HTML;
    let embed =
        embed.filter(|_| held.is_some() && html && (tag == "iframe" || (script && state.body)));
    let before = match (embed, held) {
        (Some((embed, layout)), Some(token)) => {
            embed_placeholder(shared, state, embed, key, token, layout)
        }
        _ => None,
    };
    let placed = before.is_some();
    hold_back_tag(
        output,
        input,
        el,
        TagName::Is(tag),
        mark,
        held,
        plan,
        before,
        renamed,
    )?;
    match tag {
        "iframe" | "frame" if html && !placed => {
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

/// Which attributes of an element `tag` held back for its URLs are renamed, with
/// `loaders`.
fn rename_plan(tag: &str, loaders: Loaders) -> RenamePlan {
    let script = tag == "script";
    RenamePlan {
        moved: if script { &SCRIPT_MOVED } else { &MOVED },
        kind: script,
        handlers: loaders.handlers,
        style: loaders.style,
        ping: loaders.ping,
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

/// Holds `el` back for good, `why` in its `data-consent-blocked`: what it would load
/// or run cannot be decided, so no category's consent activates it.
fn block(
    output: &mut Output,
    input: &Input,
    el: &El<'_, '_>,
    tag: &'static str,
    why: &'static str,
) -> HandlerResult {
    let script = tag == "script";
    let plan = RenamePlan {
        moved: if script { &SCRIPT_MOVED } else { &MOVED },
        kind: script,
        // A `<base>` is read by no other handler: its event handlers go with it.
        handlers: tag == "base",
        style: false,
        ping: false,
    };
    let mark = Some(("data-consent-blocked", why));
    hold_back_tag(
        output,
        input,
        el,
        TagName::Is(tag),
        mark,
        None,
        plan,
        None,
        None,
    )
}

/// Holds the start tag of `el` back in the output, `mark` and `held` inserted: what
/// `plan` names moves to a data attribute, and a script (`plan.kind`) gets
/// `type="text/plain"`; `before` (a placeholder) is written before it.
#[allow(clippy::too_many_arguments)]
fn hold_back_tag(
    output: &mut Output,
    input: &Input,
    el: &El<'_, '_>,
    name: TagName,
    mark: Option<(&'static str, &'static str)>,
    held: Option<Token>,
    plan: RenamePlan,
    before: Option<Arc<str>>,
    renamed: Option<&[Rename]>,
) -> HandlerResult {
    let edit = Edit {
        at: written(output),
        len: el.source_location().bytes().len(),
        name,
        plain: plan.kind,
        mark,
        held,
        before,
    };
    match renamed {
        // What `renames` found in the same tag before.
        Some(renamed) => Ok(output.edit(edit, renamed.iter().cloned().map(Ok::<_, Unwritten>))?),
        None => Ok(output.edit(edit, renames(el, input, plan))?),
    }
}

/// An inline script or style sheet, read before it is written: what lol_html writes
/// from its start tag on is held back until it is decided on its whole text, at the
/// text's last chunk (at its end tag in SVG or MathML, or at the end of the document).
/// `loaders` (`None` for a bare `<script>`, which has no attribute) says what its event
/// handlers and `style` attribute load that is refused; `vouched`, that the app
/// annotated it `necessary` or a granted category (past the limit it goes unread).
#[allow(clippy::too_many_arguments)]
fn hold_text(
    state: &mut State,
    input: &Input,
    output: &mut Output,
    el: &mut El<'_, '_>,
    name: &'static str,
    reading: Reading,
    loaders: Option<Loaders>,
    vouched: bool,
) -> HandlerResult {
    let foreign = el.namespace_uri() != HTML;
    let tag = el.source_location().bytes();
    let empty = match foreign {
        true => None,
        false => text_is_empty(input, tag.end, name),
    };
    let loaders = loaders.unwrap_or_default();
    let renames = match input.start_tag(el) {
        Some(written) if written.len() == name.len() + 2 => Vec::new(),
        _ => {
            let plan = RenamePlan {
                moved: &[],
                kind: true,
                handlers: loaders.handlers,
                style: loaders.style,
                ping: loaders.ping,
            };
            renames(el, input, plan).collect::<Result<Vec<_>, Unwritten>>()?
        }
    };
    let at = written(output);
    output.hold(at);
    state.hold = Some(Hold {
        at,
        len: tag.len(),
        name,
        reading,
        renames,
        attributes: loaders.key,
        text: std::mem::take(&mut state.spare_text),
        vouched,
        activation: None,
        embed: None,
    });
    if empty == Some(true) {
        // No text: nothing it could load; only its attributes decide.
        return match state.hold.take() {
            Some(hold) => release_with(state, output, hold, None, None),
            None => Ok(()),
        };
    }
    // Text is released at its last chunk. Whether there is any is not known when the
    // end tag may be in the next chunk: the end tag releases it then, if its text did
    // not (lol_html reports no text for an empty element). In SVG or MathML, text comes
    // in several nodes (text, CDATA sections): the end tag decides.
    if let (None, Some(handlers)) = (empty, el.end_tag_handlers()) {
        // Captures nothing (the context has all it needs): no allocation for the box.
        handlers.push(Box::new(|_: &mut EndTag<'_>| {
            in_context(|context| match context.state.hold.take() {
                Some(mut hold) => {
                    let mark = decide(&context.shared, &mut context.state, &mut hold);
                    release(context, hold, mark)
                }
                None => Ok(()),
            })
        }));
    }
    Ok(())
}

/// Whether the text of a `name` element whose start tag ends at `end` is empty (its end
/// tag follows at once), if the bytes after the tag are in the chunk being rewritten.
fn text_is_empty(input: &Input, end: usize, name: &str) -> Option<bool> {
    let len = 2 + name.len();
    let next = input.after(end, len + 1)?;
    let (end_tag, after) = next.split_at(len);
    Some(
        end_tag.starts_with(b"</")
            && end_tag[2..].eq_ignore_ascii_case(name.as_bytes())
            && matches!(
                after,
                [b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>']
            ),
    )
}

/// The text of a held script or style sheet.
fn on_held_text(context: &mut Context, chunk: &TextChunk<'_>) -> HandlerResult {
    let Some(hold) = context.state.hold.as_mut() else {
        return Ok(());
    };
    let expected = match hold.reading {
        Reading::Script | Reading::Json => Some(TextType::ScriptData),
        Reading::Css { foreign: false } => Some(TextType::RawText),
        Reading::Css { foreign: true } => None,
    };
    if expected.is_some_and(|expected| chunk.text_type() != expected) {
        // lol_html read the content as something other than a browser does.
        return Err("a held element's text read as other than its own kind of text".into());
    }
    let limit = context.shared.gate().inline_script_limit;
    let text = chunk.as_str();
    if hold.text.len() + text.len() > limit {
        // Too long to decide: it is held back, never to run or apply, and the rest of
        // its text passes; one the app vouched for runs (or applies) unread.
        let why = match hold.name {
            "style" => "inline-style-limit",
            _ => "inline-script-limit",
        };
        if hold.vouched {
            let Some(hold) = context.state.hold.take() else {
                return Ok(());
            };
            return release(context, hold, None);
        }
        tracing::warn!(
            limit,
            element = hold.name,
            "inline script or style sheet longer than the HTML gate's inline_script_limit \
             held back; mark it data-consent=\"necessary\" or raise the limit"
        );
        let Some(hold) = context.state.hold.take() else {
            return Ok(());
        };
        return release(context, hold, Some(("data-consent-blocked", why)));
    }
    hold.text.push_str(text);
    if hold.reading == (Reading::Css { foreign: true }) || !chunk.last_in_text_node() {
        return Ok(());
    }
    match context.state.hold.take() {
        Some(mut hold) => {
            let mark = decide(&context.shared, &mut context.state, &mut hold);
            release(context, hold, mark)
        }
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

/// What a held script's or style sheet's whole text loads that is refused: the mark
/// its start tag gets, if any. A script's text is scanned for the URLs it mentions; an
/// import map's or speculation rules' JSON has each string read as a URL against the
/// page's base (and scanned, for a host written apart); a style sheet has its `url()`s
/// read as URLs. What holds it back may be an embed: `hold` remembers which.
fn decide(
    shared: &Shared,
    state: &mut State,
    hold: &mut Hold,
) -> Option<(&'static str, &'static str)> {
    let gate = shared.gate();
    let refused = |hit: &Hit| shared.refuses(hit);
    let location = &state.location;
    let hit = match hold.reading {
        Reading::Script => state
            .last_script
            .get_or(&hold.text, || gate.matcher.scan(&hold.text, refused)),
        Reading::Json => gate.matcher.scan(&hold.text, refused).or_else(|| {
            let mut found = None;
            let read = super::json::any_string(&hold.text, |string| {
                found = refused_url(shared, location, string)
                    .or_else(|| gate.matcher.scan(string, refused));
                found.is_some()
            });
            match read {
                Ok(_) => found,
                Err(super::json::TooDeep) => unreadable(shared, "JSON nested too deep to read"),
            }
        }),
        Reading::Css { foreign } => {
            // In SVG or MathML, a style sheet's text is decoded as markup's is.
            let text = match foreign {
                true => decode_references(&hold.text),
                false => Cow::Borrowed(hold.text.as_str()),
            };
            let mut found = None;
            let read = super::css::any_url(&text, |url| {
                found = refused_url(shared, location, url);
                found.is_some()
            });
            match read {
                Ok(_) => found,
                Err(super::css::TooDeep) => unreadable(shared, "CSS nested too deep to read"),
            }
        }
    }?;
    tracing::debug!(
        vendor = hit.vendor,
        element = hold.name,
        "inline tracker held back"
    );
    hold.embed = hit.embed;
    Some(("data-consent", shared.key(hit.category)))
}

/// Lets what was held back from a script's or style sheet's start tag on go, the tag
/// held back with `mark` (what its text decided), or for what its attributes load.
fn release(
    context: &mut Context,
    hold: Hold,
    mark: Option<(&'static str, &'static str)>,
) -> HandlerResult {
    // An embed's inline loader (Disqus's) held back whole, in the body: its placeholder
    // goes before it.
    let before = match (hold.embed, mark, hold.activation.is_none()) {
        (Some(embed), Some(("data-consent", key)), true)
            if hold.name == "script" && context.state.body =>
        {
            let token = context.state.token()?;
            let layout = Layout::default();
            embed_placeholder(
                &context.shared,
                &mut context.state,
                embed,
                key,
                token,
                &layout,
            )
        }
        _ => None,
    };
    release_with(&mut context.state, &mut context.output, hold, mark, before)
}

/// [`release`] with what it needs of the context.
fn release_with(
    state: &mut State,
    output: &mut Output,
    hold: Hold,
    mark: Option<(&'static str, &'static str)>,
    before: Option<Arc<str>>,
) -> HandlerResult {
    let mut text = hold.text;
    text.clear();
    state.spare_text = text;
    if let Some(activation) = hold.activation {
        // A client-side script, inert as written: it runs only if activated, when its
        // text loads nothing refused. Held back, it keeps its type and gets the mark
        // (and token) that lets banner.js activate it; too long to read, it stays as
        // written.
        let edit = |mark, held| Edit {
            at: hold.at,
            len: hold.len,
            name: TagName::Is(hold.name),
            plain: false,
            mark,
            held,
            before: None,
        };
        match mark {
            None => output.edit(
                edit(None, None),
                activation.into_iter().map(Ok::<_, Unwritten>),
            )?,
            Some(mark @ ("data-consent", _)) => output.edit(
                edit(Some(mark), Some(state.token()?)),
                std::iter::empty::<Result<Rename, Unwritten>>(),
            )?,
            Some(_) => {}
        }
        output.release();
        return Ok(());
    }
    // Held back whole (its type made `text/plain`), or only its attributes.
    let whole = mark.is_some();
    let mark = mark.or(hold.attributes.map(|key| ("data-consent", key)));
    if let Some(mark) = mark {
        let held = match (mark.0, state.token) {
            ("data-consent", Some(token)) => Some(token),
            ("data-consent", None) => Some(state.token()?),
            _ => None,
        };
        let edit = Edit {
            at: hold.at,
            len: hold.len,
            name: TagName::Is(hold.name),
            plain: whole,
            mark: Some(mark),
            held,
            before,
        };
        let renames = hold
            .renames
            .into_iter()
            .filter(|rename| whole || rename.from != "type")
            .map(Ok::<_, Unwritten>);
        output.edit(edit, renames)?;
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
    let plan = RenamePlan {
        moved: &[("data-type", "type")],
        kind: true,
        handlers: false,
        style: false,
        ping: false,
    };
    let activation = renames(el, input, plan).collect::<Result<Vec<_>, _>>()?;
    hold_text(
        state,
        input,
        output,
        el,
        "script",
        Reading::Script,
        None,
        false,
    )?;
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
    let context = page.consent.context();
    let (tag, texts) = context.banner.texts(page.language);
    let categories = &context.categories;
    let category = categories
        .index_of_key(key)
        .and_then(|index| categories.category(index));
    let (label, description) = match category {
        Some(category) => category_text(categories, category, tag, texts),
        None => (key, ""),
    };
    let link = format!(
        "{}/settings?return_to={}",
        context.banner.prefix(),
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

/// How a held-back iframe is laid out, as its attributes say (read with
/// [`Attrs::read`]'s `layout`): its placeholder takes its place. Its `style` is copied
/// only if it loads nothing refused (`style_held`).
fn layout_of(attrs: &Attrs<'_>, style_held: bool) -> Layout {
    // Values as written: decoded here as a browser decodes them, and escaped again
    // where the placeholder writes them.
    let copied = |value: Option<&str>| {
        value
            .filter(|value| !value.trim().is_empty() && value.len() <= MAX_COPIED)
            .map(|value| decode_references(value).into_owned())
    };
    let layout = attrs.layout.as_ref();
    let dimension =
        |value: Option<&str>| value.and_then(|v| Dimension::parse(&decode_references(v)));
    Layout {
        width: dimension(layout.and_then(|l| l.width.as_deref())),
        height: dimension(layout.and_then(|l| l.height.as_deref())),
        class: copied(layout.and_then(|l| l.class.as_deref())),
        style: if style_held {
            None
        } else {
            copied(attrs.style.as_deref())
        },
    }
}

/// The placeholder of the embed `embed` held back for category `key` with `token`, in
/// the visitor's language; the first of a page comes after the banner's style sheet.
fn embed_placeholder(
    shared: &Shared,
    state: &mut State,
    embed: EmbedId,
    key: &str,
    token: Token,
    layout: &Layout,
) -> Option<Arc<str>> {
    let page = &shared.page;
    let context = page.consent.context();
    let stylesheet = (!state.embed_style_done).then(|| {
        let mut link = String::from("<link rel=\"stylesheet\" href=\"");
        escape_into(&mut link, &context.banner.stylesheet());
        link.push('"');
        if let Some(nonce) = &page.nonces.style {
            link.push_str(" nonce=\"");
            escape_into(&mut link, nonce);
            link.push('"');
        }
        link.push('>');
        link
    });
    state.embed_style_done = true;
    if let Some((id, last_key, last_layout, html)) = &state.last_embed {
        if *id == embed && last_key == key && last_layout == layout && stylesheet.is_none() {
            return Some(Arc::clone(html));
        }
    }
    let (vendor, kind) = shared.gate().embeds.get(embed)?;
    let (tag, texts) = context.banner.texts(page.language);
    let categories = &context.categories;
    let category = categories
        .index_of_key(key)
        .and_then(|index| categories.category(index))?;
    let (label, _) = category_text(categories, category, tag, texts);
    let settings_href = format!(
        "{}/settings?return_to={}",
        context.banner.prefix(),
        form_urlencoded::byte_serialize(page.return_to.as_bytes()).collect::<String>()
    );
    let placeholder = Placeholder {
        texts: &texts.embeds,
        vendor,
        kind,
        category: label,
        settings_href: &settings_href,
        settings_text: &texts.settings,
        token: token.as_str(),
    };
    let html: Arc<str> = placeholder.render(layout).into();
    let out = match &stylesheet {
        Some(link) => format!("{link}{html}").into(),
        None => Arc::clone(&html),
    };
    state.last_embed = Some((embed, key.to_owned(), layout.clone(), html));
    Some(out)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::escape::escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_text_read_last_is_not_scanned_again() {
        let hit = Hit {
            category: 3,
            vendor: "v",
            embed: None,
        };
        let mut last = LastScanned::default();
        let mut scans = 0;
        let mut scan = |text: &str, found: Option<Hit>| {
            last.get_or(text, || {
                scans += 1;
                found
            })
        };
        assert_eq!(scan("fbq('init')", Some(hit)), Some(hit));
        assert_eq!(scan("fbq('init')", None), Some(hit));
        assert_eq!(scan("x()", None), None);
        assert_eq!(scan("x()", Some(hit)), None);
        assert_eq!(scan("fbq('init')", Some(hit)), Some(hit));
        let long = "x".repeat(LastScanned::LONGEST + 1);
        assert_eq!(scan(&long, None), None);
        assert_eq!(scan(&long, None), None);
        // The last text kept is still the one before the long one.
        assert_eq!(scan("fbq('init')", None), Some(hit));
        assert_eq!(scans, 5);
    }

    #[test]
    fn the_probe_is_a_start_tag_of_the_probe_element() {
        let name = super::super::element::PROBE;
        assert_eq!(PROBE_TAG, format!("<{name}>").as_bytes());
        assert_eq!(Name::of(name.as_bytes()), Some(Name::Probe));
    }
}
