//! The banner's default theme: its colours, read from the custom properties of
//! `assets/banner.css`, meet WCAG 2.2 AA contrast in the light and the dark scheme, and
//! every custom property the stylesheet uses has a default.

use std::collections::HashMap;

const CSS: &str = include_str!("../assets/banner.css");
const DEFAULTS: &str = ":where(.tc-consent,.tc-embed){";
const DARK: &str = "@media (prefers-color-scheme:dark){";

/// The `--tc-*` declarations of the first `:where(.tc-consent){…}` block after `from`.
fn properties(from: usize) -> HashMap<String, String> {
    let start = from + CSS[from..].find(DEFAULTS).expect("a defaults block") + DEFAULTS.len();
    let end = start + CSS[start..].find('}').expect("the block ends");
    CSS[start..end]
        .split(';')
        .filter_map(|declaration| {
            let (name, value) = declaration.split_once(':')?;
            let name = name.trim();
            name.starts_with("--tc-")
                .then(|| (name.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

fn light() -> HashMap<String, String> {
    properties(0)
}

fn dark() -> HashMap<String, String> {
    let media = CSS.find(DARK).expect("a dark scheme");
    let mut theme = light();
    theme.extend(properties(media));
    theme
}

/// `#rgb` or `#rrggbb` as sRGB channels in 0..=1.
fn hex(value: &str) -> [f64; 3] {
    let digits = value
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("{value} is not a hex colour"));
    let digits: String = match digits.len() {
        3 => digits.chars().flat_map(|c| [c, c]).collect(),
        6 => digits.to_owned(),
        _ => panic!("{value} is not #rgb or #rrggbb"),
    };
    let channel = |i: usize| {
        f64::from(u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digits")) / 255.0
    };
    [channel(0), channel(2), channel(4)]
}

/// WCAG relative luminance.
fn luminance(value: &str) -> f64 {
    let [r, g, b] = hex(value).map(|c| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    0.2126 * r + 0.7152 * g + 0.0722 * b
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Text on its background: 4.5:1 (WCAG 1.4.3). Controls and focus indicators against
/// what surrounds them: 3:1 (WCAG 1.4.11).
const PAIRS: [(&str, &str, f64); 7] = [
    ("--tc-fg", "--tc-bg", 4.5),
    ("--tc-muted", "--tc-bg", 4.5),
    ("--tc-fg", "--tc-note-bg", 4.5),
    ("--tc-button-fg", "--tc-button-bg", 4.5),
    ("--tc-status-fg", "--tc-status-bg", 4.5),
    ("--tc-button-bg", "--tc-bg", 3.0),
    ("--tc-focus", "--tc-bg", 3.0),
];

#[test]
fn default_theme_meets_wcag_aa_light_and_dark() {
    for (scheme, theme) in [("light", light()), ("dark", dark())] {
        for (foreground, background, minimum) in PAIRS {
            let ratio = contrast(&theme[foreground], &theme[background]);
            assert!(
                ratio >= minimum,
                "{scheme}: {foreground} {} on {background} {} is {ratio:.2}:1, under {minimum}:1",
                theme[foreground],
                theme[background]
            );
        }
    }
    // The dark scheme really is another theme.
    assert_ne!(light()["--tc-bg"], dark()["--tc-bg"]);
}

#[test]
fn contrast_is_computed_as_wcag_defines_it() {
    assert!((contrast("#000", "#fff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
    assert!((contrast("#0b57d0", "#0b57d0") - 1.0).abs() < 1e-9);
}

#[test]
fn every_property_used_has_a_default() {
    let defaults = light();
    let mut rest = CSS;
    let mut used = 0;
    while let Some(at) = rest.find("var(--tc-") {
        let name_start = at + "var(".len();
        let len = rest[name_start..]
            .find([')', ','])
            .expect("var() is closed");
        let name = &rest[name_start..name_start + len];
        assert!(defaults.contains_key(name), "{name} has no default");
        used += 1;
        rest = &rest[name_start + len..];
    }
    assert!(used > 20, "only {used} uses of the custom properties");
    // Colours, font, radius and spacing are all themable.
    for name in [
        "--tc-font",
        "--tc-radius",
        "--tc-space",
        "--tc-bg",
        "--tc-button-bg",
    ] {
        assert!(defaults.contains_key(name), "{name}");
    }
}
