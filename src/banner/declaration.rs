//! The cookie declaration as HTML: the fragment of
//! [`Declaration::to_html`](crate::Declaration::to_html), the standalone page of
//! `GET {prefix}/cookies`, and the cookie tables the banner's "Show cookies" disclosures
//! share with them. Every text is escaped.

use crate::declaration::{Declaration, DeclaredCookie, Party};
use crate::escape::escape_into;
use crate::texts::{DeclarationTexts, StorageTexts};
use crate::Storage;

impl Declaration {
    /// The declaration as an HTML fragment to put in the app's cookie policy page: a
    /// `<section>` with a heading, the intro and one table per category. Every text is
    /// escaped.
    ///
    /// ```
    /// # let layer = tower_consent::ConsentLayer::builder().secret([7u8; 32]).build()?;
    /// let html = layer.declaration().to_html();
    /// assert!(html.starts_with("<section class=\"tc-declaration\""));
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(2048);
        out.push_str("<section class=\"tc-declaration\" lang=\"");
        escape_into(&mut out, &self.language);
        out.push_str("\">\n<h2>");
        escape_into(&mut out, &self.title);
        out.push_str("</h2>\n<p>");
        escape_into(&mut out, &self.intro);
        out.push_str("</p>\n");
        for category in &self.categories {
            out.push_str("<h3 id=\"tc-declaration-");
            escape_into(&mut out, &category.key);
            out.push_str("\">");
            escape_into(&mut out, &category.label);
            out.push_str("</h3>\n");
            if !category.description.is_empty() {
                out.push_str("<p>");
                escape_into(&mut out, &category.description);
                out.push_str("</p>\n");
            }
            cookie_table(
                &mut out,
                &self.texts,
                &self.storage_texts,
                &category.cookies,
            );
        }
        out.push_str("</section>\n");
        out
    }

    /// The declaration as a standalone HTML page.
    pub(crate) fn to_page(&self, stylesheet: &str) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("<!doctype html>\n<html lang=\"");
        escape_into(&mut out, &self.language);
        out.push_str(
            "\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        );
        escape_into(&mut out, &self.title);
        out.push_str("</title>\n<link rel=\"stylesheet\" href=\"");
        escape_into(&mut out, stylesheet);
        out.push_str("\">\n</head>\n<body>\n<main>\n");
        out.push_str(&self.to_html());
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

/// One category's cookies as a table (or a sentence saying there are none). A key kept
/// in the browser's storage says which storage in the column of a cookie's party.
pub(crate) fn cookie_table(
    out: &mut String,
    h: &DeclarationTexts,
    s: &StorageTexts,
    cookies: &[DeclaredCookie],
) {
    if cookies.is_empty() {
        out.push_str("<p class=\"tc-no-cookies\">");
        escape_into(out, &h.no_cookies);
        out.push_str("</p>\n");
        return;
    }
    out.push_str("<table class=\"tc-cookies\">\n<thead><tr>");
    for heading in [&h.name, &h.provider, &h.purpose, &h.lifetime, &h.party] {
        out.push_str("<th scope=\"col\">");
        escape_into(out, heading);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for cookie in cookies {
        let party = match (cookie.storage, cookie.party) {
            (Storage::Local, _) => &s.local_storage,
            (Storage::Session, _) => &s.session_storage,
            (_, Party::First) => &h.first_party,
            (_, Party::Third) => &h.third_party,
        };
        let cells = [
            cookie.name.as_str(),
            &cookie.provider,
            cookie.purpose.as_deref().unwrap_or(&h.not_stated),
            cookie.lifetime.as_deref().unwrap_or(&h.not_stated),
            party,
        ];
        out.push_str("<tr>");
        for cell in cells {
            out.push_str("<td>");
            escape_into(out, cell);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}
