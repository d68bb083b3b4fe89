//! [`Lifetime`]: how long a cookie lives, as a cookie declaration states it.

use std::time::Duration;

/// How long a cookie lives: what a cookie declaration shows in its lifetime column.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use tower_consent::{Category, Lifetime, Rule};
///
/// let rule = Rule::new("theme", Category::Preferences)
///     .lifetime(Lifetime::For(Duration::from_secs(365 * 24 * 3600)));
/// let session = Rule::new("cart", Category::Necessary).lifetime(Lifetime::Session);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lifetime {
    /// Deleted when the browser session ends (no `Expires` or `Max-Age`).
    Session,
    /// Kept for this long (browsers cap it at 400 days).
    For(Duration),
    /// No fixed lifetime: it depends on the vendor's configuration.
    Varies,
}

impl Lifetime {
    /// Seconds for [`Lifetime::For`], `None` otherwise: the JSON form.
    pub(crate) fn seconds(self) -> Option<u64> {
        match self {
            Lifetime::For(duration) => Some(duration.as_secs()),
            Lifetime::Session | Lifetime::Varies => None,
        }
    }

    /// The largest whole unit the lifetime is a multiple of, and how many: 2 years,
    /// 13 months (of 30 days), 90 days, 30 minutes. Years and months win when they are
    /// exact, as vendors state lifetimes in them.
    pub(crate) fn in_units(self) -> Option<(u64, TimeUnit)> {
        let Lifetime::For(duration) = self else {
            return None;
        };
        let secs = duration.as_secs();
        const DAY: u64 = 86_400;
        let units = [
            (365 * DAY, TimeUnit::Years),
            (30 * DAY, TimeUnit::Months),
            (DAY, TimeUnit::Days),
            (3_600, TimeUnit::Hours),
            (60, TimeUnit::Minutes),
        ];
        for (size, unit) in units {
            if secs >= size && secs % size == 0 {
                return Some((secs / size, unit));
            }
        }
        Some((secs, TimeUnit::Seconds))
    }
}

/// The unit a lifetime is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
    Months,
    Years,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(secs: u64) -> Option<(u64, TimeUnit)> {
        Lifetime::For(Duration::from_secs(secs)).in_units()
    }

    #[test]
    fn largest_exact_unit() {
        assert_eq!(units(2 * 365 * 86_400), Some((2, TimeUnit::Years)));
        assert_eq!(units(13 * 30 * 86_400), Some((13, TimeUnit::Months)));
        assert_eq!(units(90 * 86_400), Some((3, TimeUnit::Months)));
        assert_eq!(units(400 * 86_400), Some((400, TimeUnit::Days)));
        assert_eq!(units(86_400), Some((1, TimeUnit::Days)));
        assert_eq!(units(1_800), Some((30, TimeUnit::Minutes)));
        assert_eq!(units(5), Some((5, TimeUnit::Seconds)));
        assert_eq!(units(0), Some((0, TimeUnit::Seconds)));
        assert_eq!(Lifetime::Session.in_units(), None);
        assert_eq!(Lifetime::Varies.seconds(), None);
        assert_eq!(Lifetime::For(Duration::from_secs(7)).seconds(), Some(7));
    }
}
