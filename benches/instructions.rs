//! Per-request cost of `ConsentLayer` in instructions, counted by callgrind (issue #4).
//!
//! Time on a shared 2-core machine moves by tens of percent from run to run; the number
//! of instructions a request executes does not. This benchmark runs the scenarios of
//! `benches/layer.rs` under `valgrind --tool=callgrind`, counting only inside
//! `counted_request` (`--collect-atstart=no --toggle-collect=…`): one request through the
//! service and its response future, after a warm-up; building the request before and
//! dropping the response after are not counted. It prints a Markdown table of
//! instructions per request and the ratios to the bare service of the same scenario.
//!
//! ```text
//! cargo bench --bench instructions            # all groups (needs valgrind)
//! cargo bench --bench instructions -- scaling # groups whose name contains "scaling"
//! cargo bench --bench instructions --features __bench -- catalog
//!     # the classifier cases with the catalog and with a catalog ten times larger
//! cargo bench --bench instructions -- regimes
//!     # an undecided visitor's request without a region source, and with Cloudflare's
//!     # headers read: none sent, Germany, California (issue 25)
//! ```
//!
//! Without valgrind it says so and exits successfully.

mod support;

use std::process::Command;

use tower::{Layer, Service};
use tower_cookies::CookieManagerLayer;

use support::{
    app, classifier_layer, drive, located, regional_layer, request, request_scenarios,
    scaling_header, site_layer, Region, Req, CLASSIFIER_CASES, FIVE_COOKIES, REGIME_CASES,
    RULE_COUNTS, SCALING_COUNTS, SET_3,
};

const WARM_UP: u64 = 10;

/// What one measured process sets up.
#[derive(Clone, Copy)]
enum Setup {
    /// Index into `request_scenarios`.
    Request(usize),
    /// Rule count and index into `CLASSIFIER_CASES`.
    Classifier(usize, usize),
    /// Catalog copies and index into `CLASSIFIER_CASES`.
    #[cfg_attr(not(feature = "__bench"), allow(dead_code))]
    Catalog(usize, usize),
    /// Cookie count.
    Scaling(u64),
    /// Index into `REGIME_CASES`.
    Regime(usize),
}

struct Case {
    group: String,
    name: String,
    setup: Setup,
    variants: &'static [&'static str],
    iterations: u64,
}

const ALL: &[&str] = &["bare", "consent_layer", "tower_cookies"];

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let names = [
        "no_cookies",
        "nothing_to_strip",
        "strip_and_purge",
        "30_cookies",
    ];
    for (index, name) in names.iter().enumerate() {
        cases.push(Case {
            group: (*name).to_owned(),
            name: String::new(),
            setup: Setup::Request(index),
            variants: ALL,
            iterations: 100,
        });
    }
    for rules in RULE_COUNTS {
        for (index, (case, _)) in CLASSIFIER_CASES.iter().enumerate() {
            cases.push(Case {
                group: "classifier".to_owned(),
                name: format!("{case}/{rules}_rules"),
                setup: Setup::Classifier(rules, index),
                variants: &["consent_layer"],
                iterations: 100,
            });
        }
    }
    #[cfg(feature = "__bench")]
    for copies in support::CATALOG_COPIES {
        for (index, (case, _)) in CLASSIFIER_CASES.iter().enumerate() {
            if case.starts_with("app_") {
                continue; // no app rules in this group: those would be misses
            }
            cases.push(Case {
                group: "catalog".to_owned(),
                name: format!("{case}/{}x_catalog", copies + 1),
                setup: Setup::Catalog(copies, index),
                variants: &["consent_layer"],
                iterations: 100,
            });
        }
    }
    for (index, case) in REGIME_CASES.iter().enumerate() {
        cases.push(Case {
            group: "regimes".to_owned(),
            name: case.name.to_owned(),
            setup: Setup::Regime(index),
            variants: &["consent_layer"],
            iterations: 100,
        });
    }
    for count in SCALING_COUNTS {
        cases.push(Case {
            group: "scaling".to_owned(),
            name: count.to_string(),
            setup: Setup::Scaling(count),
            variants: ALL,
            iterations: if count >= 1000 { 5 } else { 50 },
        });
    }
    cases
}

/// The measured region: one request through `service`.
#[inline(never)]
fn counted_request<S: Service<Req>>(service: &mut S, request: Req) -> S::Response {
    drive(service, request)
}

fn run<S: Service<Req>>(
    mut service: S,
    cookie: Option<&'static str>,
    region: Region,
    iterations: u64,
) {
    let request = || located(request(cookie), region);
    for _ in 0..WARM_UP {
        drop(drive(&mut service, request()));
    }
    for _ in 0..iterations {
        let request = request();
        let response = counted_request(&mut service, request);
        drop(response);
    }
}

/// Runs one case and variant; callgrind counts.
fn child(case: &Case, variant: &str) {
    let mut region: Region = &[];
    let (layer, set_cookies, cookie) = match case.setup {
        Setup::Request(index) => {
            let layer = site_layer();
            let scenario = request_scenarios(&layer).swap_remove(index);
            (layer, scenario.set_cookies, scenario.cookie)
        }
        Setup::Classifier(rules, index) => (classifier_layer(rules), &[][..], {
            CLASSIFIER_CASES[index].1
        }),
        Setup::Scaling(count) => (site_layer(), &[][..], Some(scaling_header(count))),
        #[cfg(feature = "__bench")]
        Setup::Catalog(copies, index) => (
            support::catalog_layer(copies),
            &[][..],
            CLASSIFIER_CASES[index].1,
        ),
        #[cfg(not(feature = "__bench"))]
        Setup::Catalog(..) => unreachable!("the catalog group needs the __bench feature"),
        Setup::Regime(index) => {
            let case = &REGIME_CASES[index];
            region = case.region;
            let layer = if case.source {
                regional_layer()
            } else {
                site_layer()
            };
            (layer, SET_3, Some(FIVE_COOKIES))
        }
    };
    let inner = app(set_cookies);
    match variant {
        "bare" => run(inner, cookie, region, case.iterations),
        "consent_layer" => run(layer.layer(inner), cookie, region, case.iterations),
        "tower_cookies" => run(
            CookieManagerLayer::new().layer(inner),
            cookie,
            region,
            case.iterations,
        ),
        other => panic!("unknown variant {other}"),
    }
}

/// Instructions per request of one case and variant, from a callgrind child process.
fn measure(exe: &str, index: usize, case: &Case, variant: &str) -> f64 {
    let output = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--collect-atstart=no",
            "--toggle-collect=*counted_request*",
            exe,
            "--child",
            &index.to_string(),
            variant,
        ])
        .output()
        .expect("valgrind runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the child failed:\n{stderr}");
    let collected: u64 = stderr
        .lines()
        .find_map(|line| line.split_once("Collected :").map(|(_, n)| n.trim()))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in:\n{stderr}"));
    collected as f64 / case.iterations as f64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cases = cases();
    if let Some(at) = args.iter().position(|arg| arg == "--child") {
        let index: usize = args[at + 1].parse().expect("a case index");
        child(&cases[index], &args[at + 2]);
        return;
    }
    let filter = args
        .iter()
        .skip(1)
        .find(|arg| !arg.starts_with("--"))
        .cloned()
        .unwrap_or_default();
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("valgrind not found: no instruction counts (apt-get install valgrind)");
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    let exe = exe.to_str().expect("a UTF-8 path");
    println!("| group | case | variant | instructions/request | ratio to bare |");
    println!("| --- | --- | --- | ---: | ---: |");
    for (index, case) in cases.iter().enumerate() {
        if !case.group.contains(&filter) {
            continue;
        }
        let mut bare = None;
        for variant in case.variants {
            let count = measure(exe, index, case, variant);
            if *variant == "bare" {
                bare = Some(count);
            }
            let ratio = bare.map_or(String::from("–"), |bare| format!("{:.1}", count / bare));
            println!(
                "| {} | {} | {variant} | {count:.0} | {ratio} |",
                case.group, case.name
            );
        }
    }
}
