//! The HTML gate's settings: [`HtmlGate`](crate::HtmlGate) is its own builder; this
//! turns it on.

use super::ConsentLayerBuilder;

impl ConsentLayerBuilder {
    /// Turns the HTML gate on: tracker scripts, iframes and pixels in `text/html`
    /// responses are held back until the visitor consents, and the banner is inserted
    /// into full pages (see the [`html`](crate::html) module).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, HtmlGate};
    /// let builder = ConsentLayer::builder().html_gate(HtmlGate::new());
    /// ```
    #[cfg(feature = "html")]
    #[cfg_attr(docsrs, doc(cfg(feature = "html")))]
    pub fn html_gate(mut self, gate: crate::HtmlGate) -> Self {
        self.html_gate = Some(gate);
        self
    }
}
