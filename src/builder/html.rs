//! The HTML gate's settings: [`HtmlGate`](crate::HtmlGate) is its own builder; the gate
//! is on with [`HtmlGate::new`](crate::HtmlGate::new) unless the app turns it off.

use super::ConsentLayerBuilder;
use crate::HtmlGate;

/// The HTML gate of a builder: on by default, `None` once turned off.
#[derive(Debug)]
pub(super) struct HtmlSettings {
    gate: Option<HtmlGate>,
}

impl Default for HtmlSettings {
    fn default() -> Self {
        // On by default: a layer gates its `text/html` responses unless the app turns
        // the gate off.
        Self {
            gate: Some(HtmlGate::new()),
        }
    }
}

impl HtmlSettings {
    /// The gate to compile, if it is on.
    pub(super) fn gate(self) -> Option<HtmlGate> {
        self.gate
    }
}

impl ConsentLayerBuilder {
    /// Configures the HTML gate, which is on by default (with [`HtmlGate::new`]):
    /// tracker scripts, iframes and pixels in `text/html` responses are held back until
    /// the visitor consents, and the banner is inserted into full pages (see the
    /// [`html`](crate::html) module). Replaces the gate set before, and turns it back on
    /// after [`without_html_gate`](Self::without_html_gate).
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer, HtmlGate};
    /// let builder = ConsentLayer::builder()
    ///     .html_gate(HtmlGate::new().script_rule("/js/heatmap.js", Category::Analytics));
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "html")))]
    pub fn html_gate(mut self, gate: HtmlGate) -> Self {
        self.html_gate.gate = Some(gate);
        self
    }

    /// Turns the HTML gate off: `text/html` responses pass as the app wrote them, with
    /// no tracker held back and no banner inserted (render it yourself with
    /// [`Consent::banner_html`](crate::Consent::banner_html)); cookies are still
    /// filtered, stripped and purged. A later [`html_gate`](Self::html_gate) turns it
    /// back on.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().without_html_gate();
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "html")))]
    pub fn without_html_gate(mut self) -> Self {
        self.html_gate.gate = None;
        self
    }
}
