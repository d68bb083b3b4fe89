//! The request's cookies as the response side needs them, and whether a class of
//! cookie is granted.

use http::HeaderValue;

use crate::category::CategorySet;
use crate::classify::Class;

/// May a cookie of this class be stored or read under `granted`?
pub(crate) fn is_granted(class: Class, granted: CategorySet) -> bool {
    class.category.is_some_and(|index| granted.contains(index))
}

/// The `Cookie` headers a request arrived with, and its host, kept to purge what the
/// response must delete. Cloning a `HeaderValue` shares its bytes.
#[derive(Debug, Default)]
pub(crate) struct RequestCookies {
    pub(super) first: Option<HeaderValue>,
    rest: Vec<HeaderValue>,
    /// The `Host` header (or the URI's authority) of a request that sent cookies.
    pub(super) host: Option<HeaderValue>,
}

impl RequestCookies {
    pub(super) fn host(&self) -> Option<&HeaderValue> {
        self.host.as_ref()
    }

    pub(super) fn push(&mut self, value: HeaderValue) {
        match self.first {
            None => self.first = Some(value),
            Some(_) => self.rest.push(value),
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &HeaderValue> {
        self.first.iter().chain(&self.rest)
    }
}
