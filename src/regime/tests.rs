use http::{HeaderMap, HeaderValue, Request};

use super::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_static(value));
    }
    map
}

fn regimes(source: Option<RegionSource>) -> Regimes {
    Regimes::new(source, &[], Regime::OptIn)
}

fn region(text: &str) -> Region {
    text.parse().unwrap()
}

/// What a layer with `source` makes of a request with `pairs`.
fn read(source: RegionSource, pairs: &[(&'static str, &'static str)]) -> (Option<String>, Regime) {
    let in_force = regimes(Some(source)).for_headers(&headers(pairs));
    (in_force.region.map(|r| r.to_string()), in_force.regime)
}

fn some(region: &str, regime: Regime) -> (Option<String>, Regime) {
    (Some(region.to_owned()), regime)
}

const NONE: (Option<String>, Regime) = (None, Regime::OptIn);

#[test]
fn each_preset_reads_its_own_headers() {
    use Regime::*;
    let california = [("cf-ipcountry", "US"), ("cf-region-code", "CA")];
    assert_eq!(
        read(RegionSource::cloudflare(), &california),
        some("US-CA", OptOut)
    );
    assert_eq!(
        read(
            RegionSource::cloudfront(),
            &[
                ("cloudfront-viewer-country", "US"),
                ("cloudfront-viewer-country-region", "TX"),
            ]
        ),
        some("US-TX", OptOut)
    );
    assert_eq!(
        read(
            RegionSource::vercel(),
            &[
                ("x-vercel-ip-country", "CA"),
                ("x-vercel-ip-country-region", "QC"),
            ]
        ),
        some("CA-QC", OptIn)
    );
    assert_eq!(
        read(
            RegionSource::akamai(),
            &[(
                "x-akamai-edgescape",
                "georegion=246,country_code=US,region_code=VA,city=ASHBURN,lat=39.04"
            )]
        ),
        some("US-VA", OptOut)
    );
    let google = RegionSource::google_cloud("x-client-subdivision").unwrap();
    assert_eq!(
        read(google.clone(), &[("x-client-subdivision", "USCO")]),
        some("US-CO", OptOut)
    );
    assert_eq!(
        read(google, &[("x-client-subdivision", "DE")]),
        some("DE", OptIn)
    );
    let fastly = RegionSource::fastly("fastly-country", "fastly-region").unwrap();
    assert_eq!(
        read(fastly, &[("fastly-country", "us"), ("fastly-region", "ct")]),
        some("US-CT", OptOut)
    );
    let plain = RegionSource::header("x-region").unwrap();
    assert_eq!(
        read(plain.clone(), &[("x-region", "GB")]),
        some("GB", OptIn)
    );
    assert_eq!(read(plain, &[("x-region", "US-OR")]), some("US-OR", OptOut));
    let pair = RegionSource::headers("x-country", Some("x-subdivision")).unwrap();
    assert_eq!(
        read(pair, &[("x-country", "US"), ("x-subdivision", "US-NJ")]),
        some("US-NJ", OptOut)
    );
}

#[test]
fn headers_of_sources_not_named_are_ignored() {
    let everything = [
        ("cf-ipcountry", "US"),
        ("cf-region-code", "CA"),
        ("cloudfront-viewer-country", "US"),
        ("cloudfront-viewer-country-region", "CA"),
        ("x-vercel-ip-country", "US"),
        ("x-vercel-ip-country-region", "CA"),
        ("x-akamai-edgescape", "country_code=US,region_code=CA"),
    ];
    // No source: the fallback, whatever the request says.
    let none = regimes(None).for_headers(&headers(&everything));
    assert_eq!((none.region, none.regime), (None, Regime::OptIn));
    // Each preset reads only its own headers.
    let only_cloudflare = [
        ("cloudfront-viewer-country", "US"),
        ("x-vercel-ip-country", "US"),
    ];
    assert_eq!(read(RegionSource::cloudflare(), &only_cloudflare), NONE);
    assert_eq!(
        read(
            RegionSource::vercel(),
            &[("cf-ipcountry", "US"), ("cf-region-code", "CA")]
        ),
        NONE
    );
    assert_eq!(
        read(RegionSource::akamai(), &[("cf-ipcountry", "US")]),
        NONE
    );
}

#[test]
fn hostile_and_unknown_values_give_the_fallback() {
    let cloudflare = |country: &'static str, region: &'static str| {
        read(
            RegionSource::cloudflare(),
            &[("cf-ipcountry", country), ("cf-region-code", region)],
        )
    };
    for country in [
        "XX", "T1", "ZZ", "EU", "AP", "QZ", "AA", "", "U", "USA", "1X", "U$", "  ",
    ] {
        assert_eq!(cloudflare(country, "CA"), NONE, "{country:?}");
    }
    // Lower case and blanks around are normalised.
    assert_eq!(cloudflare(" us ", "ca"), some("US-CA", Regime::OptOut));
    // Kosovo's user-assigned code is a country all the same.
    assert_eq!(cloudflare("XK", "").0.as_deref(), Some("XK"));
    // A subdivision that is garbage or overlong leaves the country, which has no row of
    // its own: the fallback.
    for region in ["CALIFORNIA", "C-A", "<script>", ""] {
        assert_eq!(
            cloudflare("US", region),
            some("US", Regime::OptIn),
            "{region:?}"
        );
    }
    // A subdivision of another country is not this one's.
    assert_eq!(cloudflare("US", "CA-QC"), some("US", Regime::OptIn));
    // Headers repeated are not what a CDN sends.
    assert_eq!(
        read(
            RegionSource::cloudflare(),
            &[("cf-ipcountry", "US"), ("cf-ipcountry", "DE")]
        ),
        NONE
    );
    let plain = RegionSource::header("x-region").unwrap();
    for value in [
        "US-", "US-CALI", "US--CA", "USCALIF", "U", "US-C A", "DE-BY-1",
    ] {
        assert_eq!(
            read(plain.clone(), &[("x-region", value)]),
            NONE,
            "{value:?}"
        );
    }
    let akamai =
        |value: &'static str| read(RegionSource::akamai(), &[("x-akamai-edgescape", value)]);
    assert_eq!(akamai("country_code=US,country_code=DE"), NONE);
    assert_eq!(akamai("region_code=CA"), NONE);
    assert_eq!(akamai("garbage"), NONE);
    assert_eq!(akamai("country_code=de"), some("DE", Regime::OptIn));
    // Non-ASCII bytes in a header value.
    let mut map = HeaderMap::new();
    map.insert("cf-ipcountry", HeaderValue::from_bytes(b"U\xc5").unwrap());
    let in_force = regimes(Some(RegionSource::cloudflare())).for_headers(&map);
    assert_eq!(in_force.region, None);
}

#[test]
fn the_table_covers_the_regimes_the_issue_names() {
    let table = regimes(None);
    let regime = |text: &str| table.in_force(Some(region(text))).regime;
    for opt_in in [
        "DE", "FR", "IE", "NO", "IS", "LI", "GB", "CH", "CA-QC", "RE", "DE-BY",
    ] {
        assert_eq!(regime(opt_in), Regime::OptIn, "{opt_in}");
        assert!(table.in_force(Some(region(opt_in))).region.is_some());
    }
    for opt_out in [
        "US-CA", "US-CO", "US-CT", "US-VA", "US-UT", "US-TX", "US-OR",
    ] {
        assert_eq!(regime(opt_out), Regime::OptOut, "{opt_out}");
    }
    let binding = |text: &str| table.in_force(Some(region(text))).gpc_binding;
    assert!(binding("US-CA") && binding("US-CO") && binding("US-CT") && binding("US-TX"));
    assert!(!binding("US-VA") && !binding("US-UT") && !binding("DE"));
    // The rest: the fallback.
    for rest in ["US", "US-WY", "CA", "CA-ON", "BR", "JP"] {
        assert_eq!(regime(rest), Regime::OptIn, "{rest}");
    }
    assert_eq!(table.in_force(None), InForce::OPT_IN);
    // Sorted, so that binary search finds every row.
    assert!(TABLE.windows(2).all(|pair| pair[0].0 < pair[1].0));
    assert!(TABLE.len() > 50);
}

#[test]
fn the_app_overrides_rows_and_the_fallback() {
    let table = Regimes::new(
        None,
        &[
            (region("BR"), Some(Regime::OptIn), None),
            (region("US-CA"), Some(Regime::NoticeOnly), None),
            (region("US-VA"), None, Some(true)),
            (region("US-WY"), Some(Regime::OptOut), None),
            (region("US-WY"), None, Some(true)),
        ],
        Regime::OptOut,
    );
    let law = |text: &str| {
        let in_force = table.in_force(Some(region(text)));
        (in_force.regime, in_force.gpc_binding)
    };
    assert_eq!(law("BR"), (Regime::OptIn, false));
    assert_eq!(
        law("BR-SP"),
        (Regime::OptIn, false),
        "a country's row covers it"
    );
    assert_eq!(
        law("US-CA"),
        (Regime::NoticeOnly, true),
        "the GPC rule is kept"
    );
    assert_eq!(law("US-VA"), (Regime::OptOut, true), "the regime is kept");
    assert_eq!(law("US-WY"), (Regime::OptOut, true));
    assert_eq!(law("JP"), (Regime::OptOut, false), "the app's fallback");
    assert_eq!(table.in_force(None).regime, Regime::OptOut);
    assert_eq!(
        law("DE"),
        (Regime::OptIn, false),
        "rows not overridden stay"
    );
}

#[test]
fn a_function_source_sees_the_request_head() {
    let source = RegionSource::from_fn(|parts: &http::request::Parts| {
        let host = parts.headers.get("host")?.as_bytes();
        let country = host.rsplit(|&b| b == b'.').next()?;
        Region::from_codes(country, None)
    });
    let table = regimes(Some(source));
    assert!(table.needs_parts());
    assert_eq!(table.vary(), "cookie");
    let (parts, ()) = Request::builder()
        .header("host", "example.de")
        .body(())
        .unwrap()
        .into_parts();
    assert_eq!(table.for_parts(&parts).region, Some(region("DE")));
}

#[test]
fn regions_parse_strictly_and_print_as_iso_3166_2() {
    assert_eq!(region("us-ca").to_string(), "US-CA");
    assert_eq!(region("FR").to_string(), "FR");
    assert_eq!(region("GB-ENG").subdivision(), Some("ENG"));
    for bad in [
        "", "U", "USA", "US-", "USCA", "US_CA", " US", "US-CA ", "XX", "T1", "US-ABCD",
    ] {
        assert!(bad.parse::<Region>().is_err(), "{bad:?}");
    }
    assert!(region("US") < region("US-AL"));
    assert_eq!(region("US-CA").without_subdivision(), region("US"));
    assert_eq!(format!("{:?}", region("US-CA")), "Region(US-CA)");
    assert_eq!(std::mem::size_of::<Region>(), 5);
    assert_eq!(std::mem::size_of::<Option<Region>>(), 6);
}

#[test]
fn regimes_read_and_print() {
    for regime in [Regime::OptIn, Regime::OptOut, Regime::NoticeOnly] {
        assert_eq!(regime.as_str().parse::<Regime>(), Ok(regime));
        assert_eq!(regime.to_string(), regime.as_str());
    }
    assert_eq!("opt-out".parse::<Regime>(), Ok(Regime::OptOut));
    assert_eq!("OptOut".parse::<Regime>(), Err(InvalidRegime));
}

#[test]
fn regions_order_as_their_codes_do() {
    let codes = ["AT", "DE", "DE-BY", "US", "US-CA", "US-TX", "YT"];
    for pair in codes.windows(2) {
        assert!(region(pair[0]) < region(pair[1]), "{pair:?}");
        assert_eq!(
            region(pair[0]).cmp(&region(pair[1])),
            region(pair[0]).0.cmp(&region(pair[1]).0)
        );
    }
    assert_eq!(
        region("US-CA").cmp(&region("US-CA")),
        std::cmp::Ordering::Equal
    );
}
