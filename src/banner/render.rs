//! The banner's HTML, written by hand: every interpolated string is escaped.
//!
//! The ids, classes and field names below are relied on by `assets/banner.js`, the
//! consent endpoint and the browser tests; change them together.

use super::declaration::cookie_table;
use crate::declaration::DeclaredCookie;
use crate::escape::Html;
use crate::texts::BannerTexts;

/// One category row of the banner's choices.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CategoryView<'a> {
    /// The category's key, e.g. `analytics`; the checkbox's value.
    pub(crate) key: &'a str,
    pub(crate) label: &'a str,
    pub(crate) description: &'a str,
    /// Cannot be refused (necessary): shown checked and disabled.
    pub(crate) required: bool,
    /// Currently granted: shown checked.
    pub(crate) granted: bool,
    /// The category's cookies, listed in a "Show cookies" disclosure.
    pub(crate) cookies: &'a [DeclaredCookie],
}

/// Everything one rendering of the banner needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BannerView<'a> {
    pub(crate) texts: &'a BannerTexts,
    /// BCP 47 tag for the `lang` attribute, e.g. `de`.
    pub(crate) language: &'a str,
    /// The categories in display order, necessary first.
    pub(crate) categories: &'a [CategoryView<'a>],
    /// No valid decision yet: show the dialog.
    pub(crate) open: bool,
    /// The visitor had granted something: the reject button becomes "withdraw".
    pub(crate) withdraw: bool,
    /// Show [`BannerTexts::gpc_notice`].
    pub(crate) gpc_applied: bool,
    /// The consent endpoint, e.g. `/_consent`: the forms' action; assets live below it.
    pub(crate) endpoint: &'a str,
    /// An already validated same-origin path to return to after a choice.
    pub(crate) return_to: &'a str,
    /// Appended as `?v=…` to the asset URLs.
    pub(crate) asset_version: &'a str,
    /// Link to the visitor's records at `{endpoint}/records` (a ledger keeps them and
    /// the visitor has decided).
    pub(crate) records: bool,
    /// What the HTML gate gives the banner's `<link>` and `<script>` when it injects it.
    pub(crate) assets: AssetAttributes<'a>,
    /// The storage rules `banner.js` removes refused keys by, as JSON (empty for none):
    /// the root's `data-tc-storage`.
    pub(crate) storage: &'a str,
}

/// Attributes of the banner's style sheet and script that only the HTML gate knows,
/// when it injects the banner into a page.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct AssetAttributes<'a> {
    /// The response's token for the elements the gate held back, as `data-tc-held` on
    /// the script: `banner.js` activates only elements that carry it.
    pub(crate) held: Option<&'a str>,
    /// The nonce of the response's `script-src` (`script-src-elem`, `default-src`).
    pub(crate) script_nonce: Option<&'a str>,
    /// The nonce of the response's `style-src` (`style-src-elem`, `default-src`).
    pub(crate) style_nonce: Option<&'a str>,
}

/// The banner fragment, to embed in a page's `<body>`.
pub(crate) fn render(view: &BannerView<'_>) -> String {
    let mut out = Html::with_capacity(4096);
    fragment(&mut out, view, Mode::Embedded);
    out.0
}

/// A complete standalone HTML5 page with the banner open: the "Cookie settings" page
/// that works without JavaScript, with a link back to `return_to`.
///
/// The page loads the stylesheet but not the script: its forms submit normally and the
/// endpoint answers with a redirect to `return_to`.
pub(crate) fn render_page(view: &BannerView<'_>) -> String {
    let mut out = Html::with_capacity(5120);
    out.raw("<!doctype html>\n<html lang=\"")
        .text(view.language)
        .raw("\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<meta name=\"robots\" content=\"noindex\">\n<title>")
        .text(&view.texts.settings)
        .raw("</title>\n</head>\n<body>\n<main>\n");
    fragment(&mut out, view, Mode::Standalone);
    out.raw("</main>\n</body>\n</html>\n");
    out.0
}

/// A complete page answering a banner form whose choice was refused: the heading in
/// the visitor's language, the cause (for whoever runs the site: the fix it names is a
/// setting, so it is not translated), and a link back to `return_to`.
pub(crate) fn render_refusal(
    texts: &BannerTexts,
    language: &str,
    endpoint: &str,
    asset_version: &str,
    cause: &str,
    return_to: &str,
) -> String {
    let mut out = Html::with_capacity(1024);
    out.raw("<!doctype html>\n<html lang=\"")
        .text(language)
        .raw("\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<meta name=\"robots\" content=\"noindex\">\n<title>")
        .text(&texts.not_saved)
        .raw("</title>\n<link rel=\"stylesheet\" href=\"")
        .text(endpoint)
        .raw("/banner.css?v=")
        .text(&url_encode(asset_version))
        .raw("\">\n</head>\n<body>\n<main class=\"tc-consent tc-standalone\">\n")
        .raw("<section class=\"tc-banner\" role=\"alert\">\n<h1>")
        .text(&texts.not_saved)
        .raw("</h1>\n<p lang=\"en\"><code class=\"tc-cause\">")
        .text(cause)
        .raw("</code></p>\n<p><a href=\"")
        .text(return_to)
        .raw("\">")
        .text(&texts.back)
        .raw("</a></p>\n</section>\n</main>\n</body>\n</html>\n");
    out.0
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Inside the app's page: hidden unless `open`, with the reopen link and the script.
    Embedded,
    /// The settings page: always open, a link back instead of the reopen link, no script.
    Standalone,
}

fn fragment(out: &mut Html, view: &BannerView<'_>, mode: Mode) {
    let t = view.texts;
    let version = url_encode(view.asset_version);
    let return_to = view.return_to;
    let standalone = mode == Mode::Standalone;

    out.raw("<link rel=\"stylesheet\" href=\"")
        .text(view.endpoint)
        .raw("/banner.css?v=")
        .text(&version)
        .raw("\"");
    if let Some(nonce) = view.assets.style_nonce {
        out.raw(" nonce=\"").text(nonce).raw("\"");
    }
    out.raw(">\n<div class=\"tc-consent")
        .raw(if standalone { " tc-standalone" } else { "" })
        .raw("\" data-tc-endpoint=\"")
        .text(view.endpoint)
        .raw("\" lang=\"")
        .text(view.language)
        .raw("\"");
    if !standalone && !view.storage.is_empty() {
        out.raw(" data-tc-storage=\"").text(view.storage).raw("\"");
    }
    out.raw(">\n");

    out.raw(
        "<section id=\"tc-banner\" class=\"tc-banner\" role=\"dialog\" aria-modal=\"false\" \
         aria-labelledby=\"tc-title\" aria-describedby=\"tc-desc\" tabindex=\"-1\"",
    )
    .raw(if view.open || standalone {
        ">\n"
    } else {
        " hidden>\n"
    })
    .raw("<h2 id=\"tc-title\">")
    .text(&t.title)
    .raw("</h2>\n<p id=\"tc-desc\">")
    .text(&t.body)
    .raw("</p>\n");
    if view.gpc_applied {
        out.raw("<p class=\"tc-gpc\" role=\"note\">")
            .text(&t.gpc_notice)
            .raw("</p>\n");
    }

    let (reject_value, reject_text) = if view.withdraw {
        ("withdraw", &t.withdraw)
    } else {
        ("reject_all", &t.reject_all)
    };
    out.raw("<form method=\"post\" action=\"")
        .text(view.endpoint)
        .raw("\" class=\"tc-actions\">\n")
        .raw("<input type=\"hidden\" name=\"return_to\" value=\"")
        .text(return_to)
        .raw("\">\n")
        .raw(
            "<button type=\"submit\" name=\"action\" value=\"accept_all\" class=\"tc-button\" \
             id=\"tc-accept\">",
        )
        .text(&t.accept_all)
        .raw("</button>\n<button type=\"submit\" name=\"action\" value=\"")
        .raw(reject_value)
        .raw("\" class=\"tc-button\" id=\"tc-reject\" data-tc-reject=\"")
        .text(&t.reject_all)
        .raw("\" data-tc-withdraw=\"")
        .text(&t.withdraw)
        .raw("\">")
        .text(reject_text)
        .raw("</button>\n</form>\n");

    out.raw("<details class=\"tc-customize\" id=\"tc-customize\">\n<summary class=\"tc-button\">")
        .text(&t.customize)
        .raw("</summary>\n<form method=\"post\" action=\"")
        .text(view.endpoint)
        .raw("\" class=\"tc-choices\">\n")
        .raw("<input type=\"hidden\" name=\"action\" value=\"custom\">\n")
        .raw("<input type=\"hidden\" name=\"return_to\" value=\"")
        .text(return_to)
        .raw("\">\n<fieldset><legend class=\"tc-visually-hidden\">")
        .text(&t.customize)
        .raw("</legend>\n");
    for category in view.categories {
        self::category(out, t, category);
    }
    out.raw("</fieldset>\n<button type=\"submit\" class=\"tc-button\" id=\"tc-save\">")
        .text(&t.save)
        .raw("</button>\n</form>\n</details>\n")
        // After the choices, so keyboard users reach the buttons first.
        .raw("<p class=\"tc-declaration-link\"><a href=\"")
        .text(view.endpoint)
        .raw("/cookies\" id=\"tc-declaration-link\">")
        .text(&t.declaration.title)
        .raw("</a></p>\n</section>\n");

    // Outside the section so that it stays visible (and announced) once the banner is
    // hidden after a choice.
    out.raw("<p class=\"tc-status\" role=\"status\" aria-live=\"polite\" data-tc-saved=\"")
        .text(&t.saved)
        .raw("\" data-tc-reload=\"")
        .text(&t.reload_notice)
        .raw("\"></p>\n");

    if view.records {
        out.raw("<p class=\"tc-records\"><a href=\"")
            .text(view.endpoint)
            .raw("/records\" id=\"tc-records\">")
            .text(&t.records)
            .raw("</a></p>\n");
    }

    if standalone {
        out.raw("<a href=\"")
            .text(return_to)
            .raw("\" class=\"tc-back\" id=\"tc-back\">")
            .text(&t.back)
            .raw("</a>\n</div>\n");
    } else {
        out.raw("<a href=\"")
            .text(view.endpoint)
            .raw("/settings?return_to=")
            .text(&url_encode(return_to))
            .raw("\" class=\"tc-reopen\" id=\"tc-reopen\">")
            .text(&t.settings)
            .raw("</a>\n</div>\n<script src=\"")
            .text(view.endpoint)
            .raw("/banner.js?v=")
            .text(&version)
            .raw("\" defer");
        if let Some(nonce) = view.assets.script_nonce {
            out.raw(" nonce=\"").text(nonce).raw("\"");
        }
        if let Some(token) = view.assets.held {
            out.raw(" data-tc-held=\"").text(token).raw("\"");
        }
        out.raw("></script>\n");
    }
}

fn category(out: &mut Html, t: &BannerTexts, c: &CategoryView<'_>) {
    out.raw("<div class=\"tc-category\">\n<input type=\"checkbox\" id=\"tc-cat-")
        .text(c.key)
        .raw("\" name=\"granted\" value=\"")
        .text(c.key)
        .raw("\" aria-describedby=\"tc-cat-")
        .text(c.key)
        .raw("-desc\"")
        .raw(if c.granted || c.required {
            " checked"
        } else {
            ""
        })
        .raw(if c.required { " disabled" } else { "" })
        .raw(">\n<label for=\"tc-cat-")
        .text(c.key)
        .raw("\">")
        .text(c.label);
    if c.required {
        out.raw(" <span class=\"tc-always\">(")
            .text(&t.always_on)
            .raw(")</span>");
    }
    out.raw("</label>\n<p id=\"tc-cat-")
        .text(c.key)
        .raw("-desc\" class=\"tc-description\">")
        .text(c.description)
        .raw("</p>\n<details class=\"tc-cookie-list\" id=\"tc-cookies-")
        .text(c.key)
        .raw("\">\n<summary>")
        .text(&t.declaration.show_cookies)
        .raw("</summary>\n");
    cookie_table(&mut out.0, &t.declaration, &t.storage, c.cookies);
    out.raw("</details>\n</div>\n");
}

/// `application/x-www-form-urlencoded` form of a query value.
fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "\"><script>alert('x')</script>&";

    fn categories(analytics_granted: bool) -> [CategoryView<'static>; 3] {
        [
            CategoryView {
                key: "necessary",
                label: "Necessary",
                description: "Needed.",
                required: true,
                granted: true,
                cookies: &[],
            },
            CategoryView {
                key: "analytics",
                label: "Analytics",
                description: "Counts visits.",
                required: false,
                granted: analytics_granted,
                cookies: &[],
            },
            CategoryView {
                key: "marketing",
                label: "Marketing",
                description: "Ads.",
                required: false,
                granted: false,
                cookies: &[],
            },
        ]
    }

    fn view<'a>(texts: &'a BannerTexts, categories: &'a [CategoryView<'a>]) -> BannerView<'a> {
        BannerView {
            texts,
            language: "en",
            categories,
            open: true,
            withdraw: false,
            gpc_applied: false,
            endpoint: "/_consent",
            return_to: "/shop?page=2&sort=asc",
            asset_version: "1.2.3",
            records: false,
            assets: AssetAttributes::default(),
            storage: "",
        }
    }

    #[test]
    fn the_records_link_only_with_a_ledger_and_a_decision() {
        let texts = BannerTexts::english();
        let categories = categories(false);
        let without = render(&view(&texts, &categories));
        assert!(!without.contains("tc-records"));
        let with = BannerView {
            records: true,
            ..view(&texts, &categories)
        };
        for html in [render(&with), render_page(&with)] {
            assert!(html.contains(
                "<a href=\"/_consent/records\" id=\"tc-records\">Download my consent records</a>"
            ));
        }
    }

    /// The start tag of the element with this id.
    fn tag<'h>(html: &'h str, id: &str) -> &'h str {
        let needle = format!("id=\"{id}\"");
        let at = html
            .find(&needle)
            .unwrap_or_else(|| panic!("no #{id} in {html}"));
        let start = html[..at].rfind('<').unwrap();
        let end = at + html[at..].find('>').unwrap();
        &html[start..=end]
    }

    #[test]
    fn the_injected_banner_carries_the_nonces_and_the_token() {
        let texts = BannerTexts::english();
        let categories = categories(false);
        let html = render(&BannerView {
            assets: AssetAttributes {
                held: Some("0123abcd"),
                script_nonce: Some("s+1="),
                style_nonce: Some("c/2"),
            },
            ..view(&texts, &categories)
        });
        assert!(html.starts_with(
            "<link rel=\"stylesheet\" href=\"/_consent/banner.css?v=1.2.3\" nonce=\"c/2\">"
        ));
        assert!(html.ends_with(
            "<script src=\"/_consent/banner.js?v=1.2.3\" defer nonce=\"s+1=\" \
             data-tc-held=\"0123abcd\"></script>\n"
        ));
    }

    #[test]
    fn the_storage_rules_go_to_the_script_on_the_root() {
        let texts = BannerTexts::english();
        let categories = categories(false);
        let storage = r#"[["_hj*","ls","analytics"]]"#;
        let v = BannerView {
            storage,
            ..view(&texts, &categories)
        };
        let html = render(&v);
        assert!(html.contains(
            "<div class=\"tc-consent\" data-tc-endpoint=\"/_consent\" lang=\"en\" \
             data-tc-storage=\"[[&quot;_hj*&quot;,&quot;ls&quot;,&quot;analytics&quot;]]\">"
        ));
        // The settings page runs no script.
        assert!(!render_page(&v).contains("data-tc-storage"));
    }

    #[test]
    fn fragment_has_the_expected_structure() {
        let texts = BannerTexts::english();
        let cats = categories(false);
        let html = render(&view(&texts, &cats));
        assert!(html.starts_with(
            "<link rel=\"stylesheet\" href=\"/_consent/banner.css?v=1.2.3\">\n<div class=\"tc-consent\" data-tc-endpoint=\"/_consent\" lang=\"en\">"
        ));
        assert!(html.ends_with("<script src=\"/_consent/banner.js?v=1.2.3\" defer></script>\n"));
        assert_eq!(
            html.matches("<form method=\"post\" action=\"/_consent\"")
                .count(),
            2
        );
        assert_eq!(
            html.matches("name=\"return_to\" value=\"/shop?page=2&amp;sort=asc\"")
                .count(),
            2
        );
        assert!(html.contains(
            "href=\"/_consent/settings?return_to=%2Fshop%3Fpage%3D2%26sort%3Dasc\" class=\"tc-reopen\" id=\"tc-reopen\">Cookie settings</a>"
        ));
        assert!(html.contains("<h2 id=\"tc-title\">Cookies on this site</h2>"));
        assert!(html.contains("<summary class=\"tc-button\">Customize</summary>"));
        assert!(html.contains("<input type=\"hidden\" name=\"action\" value=\"custom\">"));
        assert!(tag(&html, "tc-accept").contains("value=\"accept_all\" class=\"tc-button\""));
        assert!(tag(&html, "tc-save").contains("class=\"tc-button\""));
        assert!(html.contains("data-tc-saved=\"Your choice has been saved.\""));
        // Necessary comes first, as given.
        let necessary = html.find("tc-cat-necessary").unwrap();
        let analytics = html.find("tc-cat-analytics").unwrap();
        assert!(necessary < analytics);
        assert!(html.contains(
            "<label for=\"tc-cat-necessary\">Necessary <span class=\"tc-always\">(Always on)</span></label>"
        ));
        assert!(html.contains("<label for=\"tc-cat-analytics\">Analytics</label>"));
        assert!(html.contains(
            "<p id=\"tc-cat-analytics-desc\" class=\"tc-description\">Counts visits.</p>"
        ));
        assert_eq!(
            html.matches("<section").count(),
            html.matches("</section>").count()
        );
        assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
        assert_eq!(
            html.matches("<form").count(),
            html.matches("</form>").count()
        );
        assert_eq!(html.matches("<p").count(), html.matches("</p>").count());
    }

    #[test]
    fn hostile_texts_and_return_to_are_escaped() {
        let mut texts = BannerTexts::english();
        for field in [
            &mut texts.title,
            &mut texts.body,
            &mut texts.accept_all,
            &mut texts.reject_all,
            &mut texts.withdraw,
            &mut texts.customize,
            &mut texts.save,
            &mut texts.settings,
            &mut texts.back,
            &mut texts.always_on,
            &mut texts.gpc_notice,
            &mut texts.saved,
        ] {
            *field = HOSTILE.into();
        }
        let cats = [CategoryView {
            key: HOSTILE,
            label: HOSTILE,
            description: HOSTILE,
            required: true,
            granted: true,
            cookies: &[],
        }];
        let v = BannerView {
            language: HOSTILE,
            gpc_applied: true,
            endpoint: HOSTILE,
            return_to: HOSTILE,
            asset_version: HOSTILE,
            ..view(&texts, &cats)
        };
        for html in [render(&v), render_page(&v)] {
            assert!(!html.contains("<script>"), "{html}");
            assert!(!html.contains(HOSTILE), "{html}");
            assert!(!html.contains("'x'"), "{html}");
            assert!(html.contains("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"));
            // The query string carries the percent-encoded form.
            assert!(html.contains("%22%3E%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E%26"));
            // No raw markup character survived inside any tag or text node other than the
            // template's own.
            let stripped = html
                .replace("&quot;", "")
                .replace("&lt;", "")
                .replace("&gt;", "");
            assert_eq!(stripped.matches('<').count(), stripped.matches('>').count());
        }
    }

    #[test]
    fn hidden_only_when_not_open() {
        let texts = BannerTexts::english();
        let cats = categories(false);
        let open = render(&view(&texts, &cats));
        assert!(!tag(&open, "tc-banner").contains("hidden"));
        let closed = render(&BannerView {
            open: false,
            ..view(&texts, &cats)
        });
        assert!(tag(&closed, "tc-banner").ends_with(" hidden>"));
        assert_eq!(closed.matches("hidden>").count(), 1);
    }

    #[test]
    fn reject_button_becomes_withdraw() {
        let texts = BannerTexts::english();
        let cats = categories(true);
        let reject = render(&view(&texts, &cats));
        let button = tag(&reject, "tc-reject");
        assert!(button.contains("value=\"reject_all\""));
        assert!(button.contains("data-tc-reject=\"Reject all\""));
        assert!(button.contains("data-tc-withdraw=\"Withdraw consent\""));
        assert!(reject.contains("id=\"tc-reject\" data-tc-reject=\"Reject all\" data-tc-withdraw=\"Withdraw consent\">Reject all</button>"));

        let withdraw = render(&BannerView {
            withdraw: true,
            ..view(&texts, &cats)
        });
        assert!(tag(&withdraw, "tc-reject").contains("value=\"withdraw\""));
        assert!(
            withdraw.contains("data-tc-withdraw=\"Withdraw consent\">Withdraw consent</button>")
        );
        assert!(!withdraw.contains("value=\"reject_all\""));
    }

    #[test]
    fn checkbox_states() {
        let texts = BannerTexts::english();
        let cats = categories(false);
        let html = render(&view(&texts, &cats));
        let necessary = tag(&html, "tc-cat-necessary");
        assert!(necessary.contains(" checked"));
        assert!(necessary.contains(" disabled"));
        assert!(necessary.contains("name=\"granted\" value=\"necessary\""));
        assert!(necessary.contains("aria-describedby=\"tc-cat-necessary-desc\""));
        for key in ["tc-cat-analytics", "tc-cat-marketing"] {
            let input = tag(&html, key);
            assert!(!input.contains("checked"), "{input}");
            assert!(!input.contains("disabled"), "{input}");
        }

        let cats = categories(true);
        let html = render(&view(&texts, &cats));
        let analytics = tag(&html, "tc-cat-analytics");
        assert!(analytics.contains(" checked"));
        assert!(!analytics.contains("disabled"));
        assert!(!tag(&html, "tc-cat-marketing").contains("checked"));
    }

    #[test]
    fn gpc_notice_only_when_applied() {
        let texts = BannerTexts::english();
        let cats = categories(false);
        let without = render(&view(&texts, &cats));
        assert!(!without.contains("tc-gpc"));
        assert!(!without.contains("Global Privacy Control"));
        let with = render(&BannerView {
            gpc_applied: true,
            ..view(&texts, &cats)
        });
        assert!(with.contains(
            "<p class=\"tc-gpc\" role=\"note\">Your browser sent a Global Privacy Control signal, so marketing cookies stay off.</p>"
        ));
    }

    #[test]
    fn page_is_a_document_with_the_banner_open() {
        let texts = BannerTexts::german();
        let cats = categories(false);
        let v = BannerView {
            language: "de",
            open: false,
            ..view(&texts, &cats)
        };
        let page = render_page(&v);
        assert!(page.starts_with("<!doctype html>\n<html lang=\"de\">"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains("<title>Cookie-Einstellungen</title>"));
        assert!(page.trim_end().ends_with("</html>"));
        // The fragment, open even though the view says closed.
        let fragment = render(&BannerView { open: true, ..v });
        let section =
            &fragment[fragment.find("<section").unwrap()..fragment.find("</section>").unwrap()];
        assert!(page.contains(section));
        assert!(!tag(&page, "tc-banner").contains("hidden"));
        assert!(page.contains(
            "<div class=\"tc-consent tc-standalone\" data-tc-endpoint=\"/_consent\" lang=\"de\">"
        ));
        assert!(page.contains("<link rel=\"stylesheet\" href=\"/_consent/banner.css?v=1.2.3\">"));
        // A way back instead of the reopen link; plain forms, no script.
        assert!(page.contains(
            "<a href=\"/shop?page=2&amp;sort=asc\" class=\"tc-back\" id=\"tc-back\">Zurück zur Website</a>"
        ));
        assert!(!page.contains("tc-reopen"));
        assert!(!page.contains("<script"));
    }
}
