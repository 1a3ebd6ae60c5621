//! The inquiry list (RFQ): "Add to inquiry" on product pages and cards, the header's count, and
//! the inquiry page that writes one message for several products. The build-level tests read
//! the HTML; the others drive inquiry.js in a real headless Chromium over a static server.

use crate::browser::{Browser, StaticServer};
use crate::common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const BALL: &str = "products/match-ball-pro-size-5/";
const GLOVES: &str = "products/keeper-gloves/";

/// The shop fixture, built once for the browser tests that only read its output: match ball
/// (USD, MOQ 300 pieces), keeper gloves (EUR, MOQ 100 pairs), training ball (USD, MOQ 500).
fn shop_output() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let site = shop();
        let out = build(site.path());
        (site, out)
    });
    out
}

/// A JavaScript string literal.
fn js(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn click(b: &mut Browser, css: &str) {
    let found = b.eval(&format!(
        "(() => {{ const e = document.querySelector({}); if (e) e.click(); return !!e; }})()",
        js(css)
    ));
    assert_eq!(found, true, "nothing to click at {css}");
}

/// Types into a field of the page as a buyer would (the script listens to `input`).
fn type_into(b: &mut Browser, css: &str, value: &str) {
    let found = b.eval(&format!(
        "(() => {{ const e = document.querySelector({}); if (!e) return false; e.value = {}; e.dispatchEvent(new Event('input', {{bubbles: true}})); e.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()",
        js(css),
        js(value)
    ));
    assert_eq!(found, true, "no field at {css}");
}

/// The text of the first element matching `css`.
fn text_of(b: &mut Browser, css: &str) -> String {
    string(b, &format!("document.querySelector('{css}').textContent"))
}

fn string(b: &mut Browser, expr: &str) -> String {
    match b.eval(expr) {
        serde_json::Value::String(s) => s,
        other => panic!("{expr} is {other}, not a string"),
    }
}

/// The query parameters of a `mailto:` or `wa.me` link, percent-decoded.
fn params(href: &str) -> Vec<(String, String)> {
    let query = href.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let v = percent_encoding::percent_decode_str(v).decode_utf8().unwrap();
            (k.to_string(), v.into_owned())
        })
        .collect()
}

fn param(href: &str, name: &str) -> String {
    params(href)
        .into_iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no {name} in {href}"))
        .1
}

/// Adds the match ball and the gloves from their pages and the training ball from the card
/// under the match ball (its category's other products), as a buyer would.
fn add_three(b: &mut Browser, base: &str) {
    b.goto(&format!("{base}{BALL}"));
    click(b, ".buybox .inquiry-add");
    click(b, ".card .inquiry-add[data-sku='FX-FB-002']");
    b.goto(&format!("{base}{GLOVES}"));
    click(b, ".buybox .inquiry-add");
}

#[test]
fn the_inquiry_page_exists_in_every_language_and_in_no_sitemap() {
    let site = crate::languages::multilingual();
    let out = build(site.path());
    for (page, heading) in [
        ("inquiry/index.html", "Inquiry list"),
        ("de/inquiry/index.html", "Anfrageliste"),
        ("ar/inquiry/index.html", "قائمة الاستفسار"),
    ] {
        let doc = html(&out.join(page));
        assert_eq!(text(&doc, "h1"), heading, "{page}");
        assert_eq!(
            attrs(&doc, ".inquiry-app", "hidden").len(),
            1,
            "{page}: shown before the script runs"
        );
    }
    let ar = html(&out.join("ar/inquiry/index.html"));
    assert_eq!(attrs(&ar, "html", "dir"), ["rtl"]);
    assert!(!read(&out.join("sitemap.xml")).contains("inquiry"));
    // Every other page links to its language's list from the header.
    let de = html(&out.join("de/products/index.html"));
    assert_eq!(
        attrs(&de, ".inquiry-count-link", "href"),
        ["../../de/inquiry/index.html"]
    );
}

#[test]
fn a_site_with_no_way_to_send_an_inquiry_has_no_inquiry_list() {
    let site = shop();
    let yaml = read(&site.path().join("site.yaml"));
    let yaml = [
        "  email: sales@fixture.example\n",
        "  whatsapp: \"+92 300 765 4321\"\n",
        "  form_endpoint: https://forms.example.net/f/abc\n",
    ]
    .iter()
    .fold(yaml, |y, line| y.replace(line, ""));
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    let out = build(site.path());
    assert!(!out.join("inquiry/index.html").exists());
    assert!(!read(&out.join("index.html")).contains("inquiry.js"));
    let ball = read(&out.join(BALL).join("index.html"));
    assert!(
        !ball.contains("inquiry-add"),
        "an add button with nowhere to send"
    );
}

#[test]
fn add_buttons_carry_the_product_data_and_sit_outside_the_card_link() {
    let out = shop_output();
    let ball = html(&out.join(BALL).join("index.html"));
    let add = ".buybox .inquiry-add";
    assert_eq!(attrs(&ball, add, "data-sku"), ["FX-FB-001"]);
    assert_eq!(attrs(&ball, add, "data-name"), ["Match Ball \"Pro\" <Size 5>"]);
    assert_eq!(attrs(&ball, add, "data-path"), [BALL]);
    assert_eq!(attrs(&ball, add, "data-moq"), ["300"]);
    assert_eq!(attrs(&ball, add, "data-currency"), ["USD"]);
    assert_eq!(
        attrs(&ball, add, "hidden").len(),
        1,
        "hidden until the script shows it"
    );
    let units: serde_json::Value = serde_json::from_str(&attrs(&ball, add, "data-units")[0]).unwrap();
    assert_eq!(
        (units["one"].as_str(), units["other"].as_str()),
        (Some("piece"), Some("pieces"))
    );
    let tiers: serde_json::Value = serde_json::from_str(&attrs(&ball, add, "data-tiers")[0]).unwrap();
    assert_eq!(tiers[0]["min_qty"], 300);
    assert_eq!(tiers[0]["unit_price"], 9.8);
    assert!(attrs(&ball, add, "data-thumb")[0].starts_with("images/"));
    // The product keeps its own inquiry links, with or without the list.
    assert_eq!(attrs(&ball, ".inquiry a[href^='mailto:']", "href").len(), 1);
    let listing = html(&out.join("products/index.html"));
    let cards = listing.select(&sel(".card")).count();
    assert!(cards > 0);
    assert_eq!(listing.select(&sel(".card > .inquiry-add")).count(), cards);
    assert_eq!(
        listing.select(&sel("a .inquiry-add, a button")).count(),
        0,
        "a button inside a link"
    );
    assert!(read(&out.join("products/index.html")).contains("inquiry.js"));
}

#[test]
fn three_products_added_from_pages_and_cards_build_the_expected_mailto_and_wa_me_texts() {
    let server = StaticServer::start(shop_output(), "/");
    let mut b = Browser::launch();
    add_three(&mut b, &server.base);
    assert_eq!(text_of(&mut b, ".inquiry-count"), "3");
    assert_eq!(
        b.eval("document.querySelector('.inquiry-count-link').hidden"),
        false
    );
    assert_eq!(
        text_of(&mut b, ".buybox .inquiry-add"),
        "In inquiry list – remove"
    );
    b.wait(
        "document.querySelector('.inquiry-live').textContent === 'Keeper Gloves added to the inquiry list.'",
    );
    b.goto(&format!("{}inquiry/", server.base));
    assert_eq!(
        b.eval("[...document.querySelectorAll('.inquiry-row')].map(r => [r.querySelector('.inquiry-sku').textContent, r.querySelector('.inquiry-qty').value, r.querySelector('.inquiry-unit').textContent])"),
        serde_json::json!([["FX-FB-001", "300", "pieces"], ["FX-FB-002", "500", "pieces"], ["FX-GL-001", "100", "pairs"]]),
        "one row per product, at its MOQ"
    );
    type_into(&mut b, "#inquiry-qty-1", "1200");
    type_into(&mut b, "[name=name]", "Amira Haddad");
    type_into(&mut b, "[name=company]", "Haddad Trading");
    type_into(&mut b, "[name=country]", "Jordan");
    type_into(&mut b, "[name=port]", "Aqaba");
    type_into(&mut b, "[name=incoterm]", "CIF – Cost, Insurance and Freight");
    type_into(&mut b, "[name=notes]", "One mixed container, please.");
    let expected = [
        "Hello Fixture Sports (Pvt) Ltd,",
        "",
        "Please send your best price, lead time and shipping options for these products:",
        "",
        "FX-FB-001 — Match Ball \"Pro\" <Size 5> — 300 pieces — https://shop.example.com/sub/products/match-ball-pro-size-5/",
        "FX-FB-002 — Training Ball — 1,200 pieces — https://shop.example.com/sub/products/training-ball/",
        "FX-GL-001 — Keeper Gloves — 100 pairs — https://shop.example.com/sub/products/keeper-gloves/",
        "",
        "Your name: Amira Haddad",
        "Company: Haddad Trading",
        "Country: Jordan",
        "Destination port: Aqaba",
        "Preferred incoterm: CIF – Cost, Insurance and Freight",
        "Notes: One mixed container, please.",
    ];
    let email = string(&mut b, "document.querySelector('[data-send=email]').href");
    assert!(
        email.starts_with("mailto:sales@fixture.example?subject="),
        "{email}"
    );
    assert!(
        email.contains("%0D%0A") && !email.contains(' '),
        "RFC 6068 encoding: {email}"
    );
    assert_eq!(
        param(&email, "subject"),
        "Inquiry for Fixture Sports (Pvt) Ltd: product list"
    );
    assert_eq!(param(&email, "body"), expected.join("\r\n"));
    let wa = string(&mut b, "document.querySelector('[data-send=whatsapp]').href");
    assert!(wa.starts_with("https://wa.me/923007654321?text="), "{wa}");
    assert_eq!(param(&wa, "text"), expected.join("\n"));
    // The form service gets the same message, and each line in a field of its own.
    assert_eq!(
        string(
            &mut b,
            "document.querySelector('.inquiry-post [name=message]').value"
        ),
        expected.join("\n")
    );
    assert_eq!(
        string(&mut b, "document.querySelector('[name=product_2]').value"),
        expected[5]
    );
    assert_eq!(b.eval("document.querySelector('.inquiry-long').hidden"), true);
    // What the buyer typed is still there on the next visit.
    b.goto(&format!("{}inquiry/", server.base));
    assert_eq!(
        string(&mut b, "document.querySelector('#inquiry-qty-1').value"),
        "1200"
    );
    assert_eq!(
        string(&mut b, "document.querySelector('[name=port]').value"),
        "Aqaba"
    );
    assert_eq!(
        b.eval("document.querySelector('[name=incoterm]').selectedIndex"),
        5
    );
}

#[test]
fn a_eur_and_a_usd_product_get_two_totals_never_one_sum() {
    let server = StaticServer::start(shop_output(), "/");
    let mut b = Browser::launch();
    add_three(&mut b, &server.base);
    b.goto(&format!("{}inquiry/", server.base));
    type_into(&mut b, "#inquiry-target-0", "9"); // 300 × $9 = $2,700
    type_into(&mut b, "#inquiry-target-1", "4"); // 500 × $4 = $2,000
    type_into(&mut b, "#inquiry-target-2", "5.5"); // 100 × €5.50 = €550
    assert_eq!(
        b.eval("[...document.querySelectorAll('.inquiry-totals p')].map(p => p.textContent)"),
        serde_json::json!([
            "Total at target prices (USD): \u{2066}$4,700.00\u{2069}",
            "Total at target prices (EUR): \u{2066}€550.00\u{2069}"
        ])
    );
    let body = param(
        &string(&mut b, "document.querySelector('[data-send=email]').href"),
        "body",
    );
    assert!(body.contains("\r\nTarget price: $9.00 per unit\r\n"), "{body}");
    assert!(body.contains("\r\nTarget price: €5.50 per unit\r\n"), "{body}");
    assert!(
        body.ends_with(
            "\r\n\r\nTotal at target prices (USD): $4,700.00\r\nTotal at target prices (EUR): €550.00"
        ),
        "{body}"
    );
    for sum in ["5,250", "5,255", "4,755"] {
        assert!(!body.contains(sum), "EUR added to USD: {body}");
    }
}

#[test]
fn a_quantity_below_the_moq_shows_a_warning() {
    let server = StaticServer::start(shop_output(), "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}{BALL}", server.base));
    click(&mut b, ".buybox .inquiry-add");
    b.goto(&format!("{}inquiry/", server.base));
    assert_eq!(text_of(&mut b, ".inquiry-warning"), "");
    assert_eq!(
        text_of(&mut b, ".inquiry-list-price"),
        "List price at this quantity: \u{2066}$9.80\u{2069} per unit"
    );
    type_into(&mut b, "#inquiry-qty-0", "250");
    assert_eq!(
        text_of(&mut b, ".inquiry-warning"),
        "Below the minimum order of \u{2068}300 pieces\u{2069}: the seller may not accept this quantity."
    );
    assert_eq!(
        string(
            &mut b,
            "document.querySelector('#inquiry-qty-0').getAttribute('aria-describedby')"
        ),
        "inquiry-warning-0"
    );
    type_into(&mut b, "#inquiry-qty-0", "1000");
    assert_eq!(text_of(&mut b, ".inquiry-warning"), "");
    assert_eq!(
        text_of(&mut b, ".inquiry-list-price"),
        "List price at this quantity: \u{2066}$8.90\u{2069} per unit"
    );
}

#[test]
fn a_list_too_long_for_a_mailto_link_falls_back_to_copying_the_text() {
    let server = StaticServer::start(shop_output(), "/");
    let mut b = Browser::launch();
    add_three(&mut b, &server.base);
    b.goto(&format!("{}inquiry/", server.base));
    assert_eq!(b.eval("document.querySelector('.inquiry-long').hidden"), true);
    let notes = "Each ball in its own polybag, with our logo printed on both sides. ".repeat(30);
    type_into(&mut b, "[name=notes]", &notes);
    assert_eq!(b.eval("document.querySelector('.inquiry-long').hidden"), false);
    let email = string(&mut b, "document.querySelector('[data-send=email]').href");
    assert!(email.len() < 2000, "{}", email.len());
    assert_eq!(params(&email).len(), 1, "subject only: {email}");
    assert_eq!(
        param(&email, "subject"),
        "Inquiry for Fixture Sports (Pvt) Ltd: product list"
    );
    let text = string(&mut b, "document.querySelector('.inquiry-text').value");
    assert!(text.starts_with("Hello Fixture Sports (Pvt) Ltd,\n"), "{text}");
    assert!(text.ends_with(notes.trim()), "{text}");
    // The copy button hands the text to the Clipboard API and says so. (A headless browser
    // has no clipboard to give a script, so the test keeps what the page hands over.)
    b.eval("window.copied = null; navigator.clipboard.writeText = t => { window.copied = t; return Promise.resolve(); }");
    click(&mut b, "[data-copy]");
    b.wait("document.querySelector('.inquiry-copied').textContent === 'Copied.'");
    assert_eq!(string(&mut b, "window.copied"), text);
}

#[test]
fn the_german_inquiry_page_writes_the_message_in_german() {
    let site = crate::languages::multilingual();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}de/{BALL}", server.base));
    click(&mut b, ".buybox .inquiry-add");
    b.wait("document.querySelector('.inquiry-live').textContent === 'Spielball „Pro“ Größe 5 wurde zur Anfrageliste hinzugefügt.'");
    b.goto(&format!("{}de/inquiry/", server.base));
    type_into(&mut b, "[name=port]", "Hamburg");
    let body = param(
        &string(&mut b, "document.querySelector('[data-send=email]').href"),
        "body",
    );
    assert_eq!(
        body,
        [
            "Sehr geehrtes Team von Fixture Sports (Pvt) Ltd,",
            "",
            "Bitte senden Sie mir Ihren besten Preis, die Lieferzeit und die Versandoptionen für diese Produkte:",
            "",
            "FX-FB-001 — Spielball „Pro“ Größe 5 — 300 Stück — https://shop.example.com/sub/de/products/match-ball-pro-size-5/",
            "",
            "Bestimmungshafen: Hamburg",
        ]
        .join("\r\n")
    );
}

/// Amounts and quantities inside a sentence on screen are isolated (U+2066/U+2068 … U+2069), so
/// an Arabic page keeps `US$ 9.80` in order; the message itself carries no invisible characters.
#[test]
fn one_list_serves_every_language_and_names_each_product_in_the_pages_language() {
    let site = crate::languages::multilingual();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}{BALL}", server.base));
    click(&mut b, ".buybox .inquiry-add");
    click(&mut b, ".card .inquiry-add[data-sku='FX-FB-002']");
    let rows = "[...document.querySelectorAll('.inquiry-row')].map(r => [r.querySelector('.inquiry-name a').textContent, r.querySelector('.inquiry-name a').lang, r.querySelector('.inquiry-unit').textContent])";
    // Added in English, named in German on the German list; the training ball has no German
    // name, and says which language its name is in.
    b.goto(&format!("{}de/inquiry/", server.base));
    assert_eq!(
        b.eval(rows),
        serde_json::json!([
            ["Spielball „Pro“ Größe 5", "", "Stück"],
            ["Training Ball", "en", "Stück"]
        ])
    );
    b.goto(&format!("{}ar/inquiry/", server.base));
    assert_eq!(b.eval(rows)[0][0], "كرة مباراة برو مقاس 5");
    assert_eq!(b.eval(rows)[1][1], "en");
    let body = param(
        &string(&mut b, "document.querySelector('[data-send=email]').href"),
        "body",
    );
    assert!(body.contains("FX-FB-001 — كرة مباراة برو مقاس 5 — "), "{body}");
    assert!(!body.contains('\u{2068}') && !body.contains('\u{2069}'), "{body}");
}

#[test]
fn two_sites_in_sub_folders_of_one_host_keep_their_own_lists() {
    let host = tempfile::tempdir().unwrap();
    for folder in ["a", "b"] {
        for file in files(shop_output()) {
            let to = host
                .path()
                .join(folder)
                .join(file.strip_prefix(shop_output()).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::hard_link(&file, &to)
                .or_else(|_| std::fs::copy(&file, &to).map(drop))
                .unwrap();
        }
    }
    let server = StaticServer::start(host.path(), "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}a/{BALL}", server.base));
    click(&mut b, ".buybox .inquiry-add");
    assert_eq!(text_of(&mut b, ".inquiry-count"), "1");
    b.goto(&format!("{}b/{BALL}", server.base));
    assert_eq!(
        b.eval("document.querySelector('.inquiry-count-link').hidden"),
        true
    );
    assert_eq!(text_of(&mut b, ".buybox .inquiry-add"), "Add to inquiry");
    b.goto(&format!("{}b/inquiry/", server.base));
    assert_eq!(b.eval("document.querySelector('.inquiry-empty').hidden"), false);
    assert_eq!(b.eval("document.querySelectorAll('.inquiry-row').length"), 0);
    b.goto(&format!("{}a/inquiry/", server.base));
    assert_eq!(b.eval("document.querySelectorAll('.inquiry-row').length"), 1);
}

#[test]
fn a_damaged_stored_list_is_dropped_entry_by_entry_never_breaking_the_page() {
    let server = StaticServer::start(shop_output(), "/");
    let mut b = Browser::launch();
    b.goto(&server.base);
    let good = r#"{"sku":"FX-GL-001","path":"products/keeper-gloves/","moq":100,"currency":"EUR","names":{"en":{"text":"Keeper Gloves","lang":"en"}},"units":{"en":{"one":"pair","other":"pairs"}}}"#;
    let stored = format!(
        r#"{{"items":[null,"x",{{"sku":5}},{{"sku":"EVIL","path":"javascript:alert(1)","names":{{"en":{{"text":"x"}}}}}},{{"sku":"NONAME","path":"products/x/"}},{good}],"buyer":7}}"#
    );
    b.eval(&format!(
        "localStorage.setItem('minisite-inquiry:/', {})",
        js(&stored)
    ));
    b.goto(&format!("{}inquiry/", server.base));
    assert_eq!(
        b.eval("[...document.querySelectorAll('.inquiry-sku')].map(e => e.textContent)"),
        serde_json::json!(["FX-GL-001"])
    );
    // Not even JSON: an empty list, and the buttons still work.
    b.eval("localStorage.setItem('minisite-inquiry:/', '{{{')");
    b.goto(&format!("{}{BALL}", server.base));
    assert_eq!(
        b.eval("document.querySelector('.inquiry-count-link').hidden"),
        true
    );
    click(&mut b, ".buybox .inquiry-add");
    assert_eq!(text_of(&mut b, ".inquiry-count"), "1");
}

#[test]
fn without_javascript_the_add_buttons_are_hidden_and_the_product_keeps_its_mailto() {
    let server = StaticServer::start(shop_output(), "/");
    let mut b = Browser::launch();
    b.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    );
    b.goto(&format!("{}{BALL}", server.base));
    assert_eq!(
        b.eval("[...document.querySelectorAll('.inquiry-add, .inquiry-count-link')].every(e => e.offsetParent === null)"),
        true,
        "a control that needs JavaScript is visible"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('.inquiry-add').length > 1"),
        true
    );
    let mailto = string(
        &mut b,
        "document.querySelector('.inquiry a[href^=\"mailto:\"]').href",
    );
    assert!(param(&mailto, "body").contains("FX-FB-001"), "{mailto}");
    b.goto(&format!("{}inquiry/", server.base));
    assert_eq!(
        b.eval("document.querySelector('.inquiry-app').offsetParent === null"),
        true
    );
    assert_eq!(
        b.eval("!!document.querySelector('.inquiry-needs-js a[href]') && document.querySelector('.inquiry-needs-js').offsetParent !== null"),
        true
    );
}

#[test]
fn the_inquiry_pages_send_buttons_are_counted_as_inquiry_events() {
    let site = shop();
    let yaml = site.path().join("site.yaml");
    std::fs::write(
        &yaml,
        format!("{}analytics:\n  provider: plausible\n", read(&yaml)),
    )
    .unwrap();
    let out = build(site.path());
    let server = StaticServer::start(&out, "/");
    let mut b = Browser::launch();
    b.goto(&format!("{}{GLOVES}", server.base));
    click(&mut b, ".buybox .inquiry-add");
    b.goto(&format!("{}inquiry/", server.base));
    type_into(&mut b, "[name=name]", "Amira Haddad");
    type_into(&mut b, "[name=email]", "amira@example.org");
    // Counted, not followed: the test stays on the page.
    b.eval("window.addEventListener('click', e => e.preventDefault(), true); window.addEventListener('submit', e => e.preventDefault(), true)");
    click(&mut b, "[data-send=email]");
    click(&mut b, "[data-send=whatsapp]");
    b.eval("document.querySelector('.inquiry-form').requestSubmit()");
    assert_eq!(
        b.eval("(window.plausible.q || []).map(a => a[0] + ':' + a[1].props.via)"),
        serde_json::json!(["Inquiry:email", "Inquiry:whatsapp", "Inquiry:form"])
    );
}
