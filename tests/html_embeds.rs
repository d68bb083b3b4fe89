//! Embeds through the layer and `oneshot`: each vendor's embed code as its documentation
//! gives it is held back behind a placeholder while its category is refused, and served
//! exactly as written once it is granted; the placeholder's words, size and links; the
//! app's own embeds and per-vendor categories.
#![cfg(feature = "html")]

mod common;

use std::convert::Infallible;

use http::header::{ACCEPT_LANGUAGE, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::{HeaderValue, Request, Response};
use http_body_util::BodyExt;
use scraper::{ElementRef, Html, Selector};
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{
    known_embeds, BuildError, Category, Choice, ConsentLayer, Embed, EmbedKind, HtmlGate,
};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn layer(gate: HtmlGate) -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .html_gate(gate)
        .build()
        .expect("valid configuration")
}

/// What a page served through `layer` looks like, with `granted` recorded by the app
/// for this response, in the visitor's `language`.
async fn serve_full(
    layer: &ConsentLayer,
    body: &str,
    granted: Option<&[Category]>,
    language: &str,
    csp: Option<&'static str>,
) -> String {
    let body = body.to_owned();
    let choice = granted.map(|g| Choice::only(g.iter().copied()));
    let service = layer.layer(service_fn(move |_: Request<String>| {
        let (body, choice) = (body.clone(), choice.clone());
        async move {
            let mut response = Response::new(body);
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            if let Some(csp) = csp {
                response
                    .headers_mut()
                    .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
            }
            if let Some(choice) = choice {
                response.extensions_mut().insert(choice);
            }
            Ok::<_, Infallible>(response)
        }
    }));
    let request = Request::builder()
        .uri("/article?id=7")
        .header("sec-fetch-site", "same-origin")
        .header(ACCEPT_LANGUAGE, language)
        .body(String::new())
        .expect("valid request");
    let response = service.oneshot(request).await.expect("infallible");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

async fn serve(layer: &ConsentLayer, body: &str, granted: Option<&[Category]>) -> String {
    serve_full(layer, body, granted, "en", None).await
}

fn page(embed: &str) -> String {
    format!(
        "<!doctype html><html><head><title>t</title></head><body><h1>Post</h1>\
         <p>Before.</p>{embed}<p>After.</p></body></html>"
    )
}

/// Each vendor's embed code as its documentation gives it (the `source` column of
/// `data/embeds.tsv`), the vendor the placeholder names, and the URL that must not load.
const EMBEDS: &[(&str, &str, &str)] = &[
    (
        "YouTube",
        r#"<iframe width="560" height="315" src="https://www.youtube.com/embed/M7lc1UVf-VE?si=Xyz" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>"#,
        "youtube.com/embed",
    ),
    (
        "YouTube",
        r#"<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/M7lc1UVf-VE" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" allowfullscreen></iframe>"#,
        "youtube-nocookie.com",
    ),
    (
        "YouTube",
        r#"<div id="player"></div><script>var tag = document.createElement('script'); tag.src = "https://www.youtube.com/iframe_api"; var firstScriptTag = document.getElementsByTagName('script')[0]; firstScriptTag.parentNode.insertBefore(tag, firstScriptTag);</script>"#,
        "youtube.com/iframe_api",
    ),
    (
        "Vimeo",
        r#"<div style="padding:56.25% 0 0 0;position:relative;"><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e&amp;badge=0&amp;autopause=0&amp;player_id=0&amp;app_id=58479" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; clipboard-write" style="position:absolute;top:0;left:0;width:100%;height:100%;" title="The New Vimeo Player"></iframe></div><script src="https://player.vimeo.com/api/player.js"></script>"#,
        "player.vimeo.com",
    ),
    (
        "Dailymotion",
        r#"<iframe frameborder="0" width="640" height="360" src="https://geo.dailymotion.com/player.html?video=x8mv9ra" allowfullscreen allow="autoplay; fullscreen; picture-in-picture; web-share"></iframe>"#,
        "geo.dailymotion.com",
    ),
    (
        "Twitch",
        r#"<iframe src="https://player.twitch.tv/?channel=twitchdev&parent=www.example.com" frameborder="0" allowfullscreen="true" scrolling="no" height="378" width="620"></iframe>"#,
        "player.twitch.tv",
    ),
    (
        "Google Maps",
        r#"<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2624.99!2d2.2945!3d48.8584!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1" width="600" height="450" style="border:0;" allowfullscreen="" loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>"#,
        "google.com/maps",
    ),
    (
        "Google Maps",
        r#"<iframe width="450" height="250" frameborder="0" style="border:0" referrerpolicy="no-referrer-when-downgrade" src="https://www.google.com/maps/embed/v1/place?key=API_KEY&q=Space+Needle,Seattle+WA" allowfullscreen></iframe>"#,
        "google.com/maps",
    ),
    (
        "X (Twitter)",
        r#"<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Sunsets don&#39;t get much better than this one over <a href="https://twitter.com/GrandTetonNPS?ref_src=twsrc%5Etfw">@GrandTetonNPS</a>.</p>&mdash; US Department of the Interior (@Interior) <a href="https://twitter.com/Interior/status/463440424141459456?ref_src=twsrc%5Etfw">May 5, 2014</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>"#,
        "platform.twitter.com",
    ),
    (
        "Instagram",
        r#"<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/C1a2b3c4d5e/?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14" style=" background:#FFF; border:0; margin: 1px; max-width:540px; min-width:326px; padding:0; width:99.375%;"><div style="padding:16px;"><a href="https://www.instagram.com/p/C1a2b3c4d5e/?utm_source=ig_embed&amp;utm_campaign=loading" target="_blank">View this post on Instagram</a></div></blockquote> <script async src="//www.instagram.com/embed.js"></script>"#,
        "instagram.com/embed.js",
    ),
    (
        "TikTok",
        r#"<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015/video/6718335390845095173" data-video-id="6718335390845095173" style="max-width: 605px;min-width: 325px;" > <section> <a target="_blank" title="@scout2015" href="https://www.tiktok.com/@scout2015?refer=embed">@scout2015</a> Scramble up ur name &#38; I’ll try to guess it😍❤️</section> </blockquote> <script async src="https://www.tiktok.com/embed.js"></script>"#,
        "tiktok.com/embed.js",
    ),
    (
        "TikTok",
        r#"<iframe height="300" width="400" src="https://www.tiktok.com/player/v1/6718335390845095173?music_info=1&description=1" allow="fullscreen" title="test"></iframe>"#,
        "tiktok.com/player",
    ),
    (
        "Facebook",
        r#"<iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Ffacebook&tabs=timeline&width=340&height=500&small_header=false&adapt_container_width=true&hide_cover=false&show_facepile=true&appId" width="340" height="500" style="border:none;overflow:hidden" scrolling="no" frameborder="0" allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; picture-in-picture; web-share"></iframe>"#,
        "facebook.com/plugins",
    ),
    (
        "Facebook",
        r#"<iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2F20531316728%2Fposts%2F10154009990506729%2F&show_text=true&width=500" width="500" height="498" style="border:none;overflow:hidden" scrolling="no" frameborder="0" allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; picture-in-picture; web-share"></iframe>"#,
        "facebook.com/plugins",
    ),
    (
        "Spotify",
        r#"<iframe style="border-radius:12px" src="https://open.spotify.com/embed/track/4cOdK2wGLETKBW3PvgPWqT?utm_source=generator" width="100%" height="352" frameBorder="0" allowfullscreen="" allow="autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture" loading="lazy"></iframe>"#,
        "open.spotify.com",
    ),
    (
        "SoundCloud",
        r#"<iframe width="100%" height="166" scrolling="no" frameborder="no" allow="autoplay" src="https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&color=%23ff5500&auto_play=false&hide_related=false&show_comments=true&show_user=true&show_reposts=false&show_teaser=true"></iframe>"#,
        "w.soundcloud.com",
    ),
    (
        "Disqus",
        r#"<div id="disqus_thread"></div>
<script>
    var disqus_config = function () {
    this.page.url = PAGE_URL;
    this.page.identifier = PAGE_IDENTIFIER;
    };
    (function() { // DON'T EDIT BELOW THIS LINE
    var d = document, s = d.createElement('script');
    s.src = 'https://EXAMPLE.disqus.com/embed.js';
    s.setAttribute('data-timestamp', +new Date());
    (d.head || d.body).appendChild(s);
    })();
</script>"#,
        "disqus.com/embed.js",
    ),
];

fn select(selector: &str) -> Selector {
    Selector::parse(selector).expect("valid selector")
}

/// Whether `el` (an iframe or a script, as a browser parses it) would load or run.
fn is_live(el: &ElementRef<'_>) -> bool {
    let v = el.value();
    match v.name() {
        "iframe" => v.attr("src").is_some() || v.attr("srcdoc").is_some(),
        "script" => v.attr("type").is_none_or(|t| t != "text/plain"),
        _ => false,
    }
}

/// The elements of `doc` that would load `url` (their `src`, or an inline script's text).
fn loaders<'d>(doc: &'d Html, url: &str) -> Vec<ElementRef<'d>> {
    doc.select(&select("iframe, script"))
        .filter(|el| {
            let v = el.value();
            let text: String = el.text().collect();
            let mentions = |s: &str| s.to_ascii_lowercase().contains(url);
            [v.attr("src"), v.attr("data-consent-src")]
                .into_iter()
                .flatten()
                .any(mentions)
                || mentions(&text)
        })
        .collect()
}

#[tokio::test]
async fn every_vendors_embed_code_is_held_behind_a_placeholder_until_granted() {
    let layer = layer(HtmlGate::new().inject_banner(false));
    for (vendor, code, url) in EMBEDS {
        let html = page(code);
        let refused = serve(&layer, &html, None).await;
        let doc = Html::parse_document(&refused);
        let found = loaders(&doc, url);
        assert!(!found.is_empty(), "{vendor}: {url} not in {refused}");
        for el in found {
            assert!(!is_live(&el), "{vendor}: live {:?}", el.html());
            assert_eq!(el.value().attr("data-consent"), Some("marketing"));
            // The placeholder stands right before it, names the vendor and links to the
            // settings, with this page to come back to.
            let before = el
                .prev_siblings()
                .find_map(ElementRef::wrap)
                .unwrap_or_else(|| panic!("{vendor}: nothing before {}", el.html()));
            assert_eq!(
                before.value().attr("class").map(|c| c.split(' ').next()),
                Some(Some("tc-embed")),
                "{vendor}: {refused}"
            );
            let title = format!("Content from {vendor}");
            assert_eq!(before.value().attr("aria-label"), Some(title.as_str()));
            assert_eq!(before.value().attr("role"), Some("group"));
            let token = el.value().attr("data-consent-held").expect("a token");
            assert_eq!(before.value().attr("data-tc-embed"), Some(token));
            let link = before
                .select(&select("a.tc-embed-settings"))
                .next()
                .expect("a link");
            assert_eq!(
                link.value().attr("href"),
                Some("/_consent/settings?return_to=%2Farticle%3Fid%3D7")
            );
            assert_eq!(link.text().collect::<String>(), "Cookie settings");
            let buttons: Vec<String> = before
                .select(&select("button[hidden]"))
                .map(|b| b.text().collect())
                .collect();
            assert_eq!(buttons, ["Load this one", "Allow Marketing"], "{vendor}");
            let sentence: String = before
                .select(&select(".tc-embed-text"))
                .flat_map(|t| t.text())
                .collect();
            assert!(sentence.contains("loads"), "{vendor}: {sentence}");
        }
        // Nothing else of the page changed but the held element and its placeholder.
        assert!(refused.contains("<p>Before.</p>") && refused.contains("<p>After.</p>"));
        let granted = serve(&layer, &html, Some(&[Category::Marketing])).await;
        assert_eq!(granted, html, "{vendor}: not served as written");
    }
}

#[tokio::test]
async fn every_built_in_vendor_is_in_the_table() {
    for known in known_embeds() {
        assert!(
            EMBEDS.iter().any(|(vendor, _, _)| *vendor == known.vendor),
            "no embed code of {} in the table",
            known.vendor
        );
    }
}

#[tokio::test]
async fn the_placeholder_takes_the_embeds_size_and_layout() {
    let layer = layer(HtmlGate::new().inject_banner(false));
    let served = serve(&layer, &page(EMBEDS[0].1), None).await;
    assert!(
        served.contains(r#"<svg class="tc-embed-size" width="560" height="315" viewBox="0 0 560 315" aria-hidden="true" focusable="false"></svg>"#),
        "{served}"
    );
    // Spotify's fluid width: a full-width placeholder of its height.
    let spotify = EMBEDS
        .iter()
        .find(|(v, _, _)| *v == "Spotify")
        .expect("listed");
    let served = serve(&layer, &page(spotify.1), None).await;
    assert!(
        served.contains(r#"<span class="tc-embed tc-embed-fluid""#),
        "{served}"
    );
    assert!(served.contains(r#"<svg class="tc-embed-size" width="100%" height="352" aria-hidden"#));
    // Vimeo's responsive code lays the frame out by its style: the placeholder gets it.
    let vimeo = EMBEDS
        .iter()
        .find(|(v, _, _)| *v == "Vimeo")
        .expect("listed");
    let served = serve(&layer, &page(vimeo.1), None).await;
    assert!(
        served.contains(r#"style="position:absolute;top:0;left:0;width:100%;height:100%;">"#),
        "{served}"
    );
    // The class the site lays it out by, escaped as every copied value is.
    let served = serve(
        &layer,
        &page(r#"<iframe class="video &quot;wide&quot;" src="https://player.vimeo.com/video/1"></iframe>"#),
        None,
    )
    .await;
    assert!(
        served.contains(r#"<span class="tc-embed video &quot;wide&quot;""#),
        "{served}"
    );
    assert!(
        !served.contains("tc-embed-size"),
        "no size attributes, no sizer"
    );
}

#[tokio::test]
async fn the_first_placeholder_brings_the_style_sheet_with_the_csp_nonce() {
    let layer = layer(HtmlGate::new().inject_banner(false));
    let two = format!("{}{}", EMBEDS[0].1, EMBEDS[1].1);
    let served = serve_full(
        &layer,
        &page(&two),
        None,
        "en",
        Some("default-src 'self'; style-src 'self' 'nonce-c2c='; frame-src *"),
    )
    .await;
    assert_eq!(
        served.matches("<link rel=\"stylesheet\"").count(),
        1,
        "{served}"
    );
    let link = served
        .find("<link rel=\"stylesheet\" href=\"/_consent/banner.css?v=")
        .expect("a link");
    let first = served
        .find("<span class=\"tc-embed")
        .expect("a placeholder");
    assert!(link < first);
    assert!(served[link..first].contains(" nonce=\"c2c=\">"), "{served}");
    // No inline script, no event handler: the placeholder works under a nonce CSP.
    let doc = Html::parse_document(&served);
    for el in doc.select(&select(".tc-embed, .tc-embed *")) {
        assert!(el.value().attrs().all(|(name, _)| !name.starts_with("on")));
        assert_ne!(el.value().name(), "script");
    }
}

#[tokio::test]
async fn the_placeholder_speaks_the_visitors_language() {
    let layer = layer(HtmlGate::new().inject_banner(false));
    for (language, title, load, allow, settings) in [
        (
            "de-DE,de;q=0.9",
            "Inhalt von YouTube",
            "Nur diesen Inhalt laden",
            "Marketing erlauben",
            "Cookie-Einstellungen",
        ),
        (
            "fr",
            "Contenu de YouTube",
            "Charger ce contenu seulement",
            "Autoriser : Marketing",
            "Paramètres des cookies",
        ),
        (
            "es",
            "Contenido de YouTube",
            "Cargar solo este contenido",
            "Permitir Marketing",
            "Configuración de cookies",
        ),
        // Italian has no translation yet: English, as a whole.
        (
            "it",
            "Content from YouTube",
            "Load this one",
            "Allow Marketing",
            "Impostazioni cookie",
        ),
    ] {
        let served = serve_full(&layer, &page(EMBEDS[0].1), None, language, None).await;
        let doc = Html::parse_document(&served);
        let placeholder = doc
            .select(&select(".tc-embed"))
            .next()
            .expect("a placeholder");
        assert_eq!(
            placeholder.value().attr("aria-label"),
            Some(title),
            "{language}"
        );
        let texts: Vec<String> = placeholder
            .select(&select("button, a"))
            .map(|e| e.text().collect())
            .collect();
        assert_eq!(texts, [load, allow, settings], "{language}");
    }
}

#[tokio::test]
async fn a_vendors_category_can_be_set_and_built_in_embeds_turned_off() {
    let preferences = layer(
        HtmlGate::new()
            .inject_banner(false)
            .embed_category("YouTube", Category::Preferences),
    );
    let html = page(EMBEDS[0].1);
    let refused = serve(&preferences, &html, Some(&[Category::Marketing])).await;
    assert!(
        refused.contains(r#"data-consent="preferences""#),
        "{refused}"
    );
    assert!(refused.contains("Allow Preferences"), "{refused}");
    let granted = serve(&preferences, &html, Some(&[Category::Preferences])).await;
    assert_eq!(granted, html);
    // Vimeo keeps its default.
    let vimeo = page(EMBEDS[3].1);
    let served = serve(&preferences, &vimeo, Some(&[Category::Preferences])).await;
    assert!(served.contains(r#"data-consent="marketing""#));

    let off = layer(HtmlGate::new().inject_banner(false).known_embeds(false));
    assert_eq!(serve(&off, &html, None).await, html);

    let error = ConsentLayer::builder()
        .secret(SECRET)
        .html_gate(HtmlGate::new().embed_category("Youtube", Category::Preferences))
        .build()
        .unwrap_err();
    assert_eq!(error, BuildError::UnknownEmbedVendor("Youtube".into()));
}

#[tokio::test]
async fn an_apps_own_embed_gets_a_placeholder_too() {
    let layer = layer(
        HtmlGate::new()
            .inject_banner(false)
            .embed(Embed::new(
                "127.0.0.1/player/",
                "Loopback Video",
                EmbedKind::Video,
            ))
            .embed(
                Embed::new("/widgets/map", "Our Map", EmbedKind::Map)
                    .category(Category::Preferences),
            ),
    );
    let html = page(
        r#"<iframe width="320" height="180" src="http://127.0.0.1:8080/player/1"></iframe><iframe src="/widgets/map?z=3"></iframe>"#,
    );
    let served = serve(&layer, &html, None).await;
    let doc = Html::parse_document(&served);
    let labels: Vec<&str> = doc
        .select(&select(".tc-embed"))
        .filter_map(|p| p.value().attr("aria-label"))
        .collect();
    assert_eq!(
        labels,
        ["Content from Loopback Video", "Content from Our Map"]
    );
    assert!(served.contains("Playing this video here"));
    assert!(served.contains("Showing this map here"));
    assert!(served.contains("Allow Preferences"));
    let all = [Category::Marketing, Category::Preferences];
    assert_eq!(serve(&layer, &html, Some(&all)).await, html);
}

#[tokio::test]
async fn a_script_embed_in_the_head_is_held_without_a_placeholder() {
    let layer = layer(HtmlGate::new().inject_banner(false));
    let html = "<!doctype html><html><head><script src=\"https://www.youtube.com/iframe_api\"></script></head><body><p>x</p></body></html>";
    let served = serve(&layer, html, None).await;
    assert!(
        served.contains(r#"<script type="text/plain" data-consent="marketing""#),
        "{served}"
    );
    // A placeholder's markup in the head would end it early.
    assert!(!served.contains("tc-embed"), "{served}");
    let doc = Html::parse_document(&served);
    assert_eq!(doc.select(&select("head script")).count(), 1);
}

#[tokio::test]
async fn placeholders_are_phrasing_content_and_keep_the_paragraph_whole() {
    let layer = layer(HtmlGate::new().inject_banner(false));
    let html = page(&format!("<p id=\"p\">Watch: {} now.</p>", EMBEDS[0].1));
    let served = serve(&layer, &html, None).await;
    let doc = Html::parse_document(&served);
    let paragraph = doc.select(&select("p#p")).next().expect("the paragraph");
    assert!(
        paragraph.select(&select(".tc-embed")).next().is_some(),
        "{served}"
    );
    assert!(paragraph.select(&select("iframe")).next().is_some());
    assert!(paragraph.text().collect::<String>().ends_with(" now."));
}

#[tokio::test]
async fn other_held_back_iframes_keep_the_category_placeholder() {
    // A tracker's frame is no embed: it gets the category's placeholder after it.
    let layer = layer(HtmlGate::new().inject_banner(false));
    let html = page(r#"<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe>"#);
    let served = serve(&layer, &html, None).await;
    let served = String::from_utf8(common::without_tokens(served.as_bytes())).expect("utf-8");
    assert!(
        served.contains(r#"<iframe data-consent="analytics" data-consent-src"#),
        "{served}"
    );
    assert!(
        served.contains("tc-placeholder") && !served.contains("tc-embed"),
        "{served}"
    );
}
