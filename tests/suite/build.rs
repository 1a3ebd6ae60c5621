//! Integration tests: build real fixture sites and check the files and HTML they produce.

use crate::common::*;
use image::GenericImageView;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[test]
fn fixture_shop_has_every_page_kind() {
    let site = shop();
    let out = build(site.path());
    for page in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "style.css",
        "products/index.html",
        "products/page/2/index.html",
        "products/match-ball-pro-size-5/index.html",
        "products/training-ball/index.html",
        "products/futsal-ball/index.html",
        "products/keeper-gloves/index.html",
        "categories/index.html",
        "categories/footballs/index.html",
        "categories/footballs/page/2/index.html",
        "categories/gloves/index.html",
        "company/index.html",
        "contact/index.html",
        "faq/index.html",
        "shipping/index.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    // per_page is 2: four products make exactly two listing pages.
    assert!(!out.join("products/page/3").exists());
}

#[test]
fn every_internal_link_and_image_resolves_from_disk() {
    let site = shop();
    let out = build(site.path());
    let mut checked = 0;
    for page in html_files(&out) {
        if page.ends_with("404.html") {
            continue; // served at any depth, so its links are root-absolute: checked separately
        }
        let doc = html(&page);
        let mut links = attrs(&doc, "a[href]", "href");
        links.extend(attrs(&doc, "link[href]", "href"));
        links.extend(attrs(&doc, "img[src]", "src"));
        for srcset in attrs(&doc, "[srcset]", "srcset") {
            links.extend(
                srcset
                    .split(", ")
                    .map(|s| s.split(' ').next().unwrap().to_string()),
            );
        }
        for l in links {
            if l.contains("://") || l.starts_with("mailto:") || l.starts_with("tel:") || l.starts_with('#') {
                continue;
            }
            assert!(
                !l.starts_with('/'),
                "{}: link {l} is not relative",
                page.display()
            );
            // Opened from disk a folder link shows a listing, so links must name the file.
            assert!(
                !l.ends_with('/'),
                "{}: link {l} does not name a file",
                page.display()
            );
            let target = resolve(&page, &l);
            assert!(
                target.is_file(),
                "{}: link {l} points to missing {}",
                page.display(),
                target.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn clean_links_end_in_a_slash_and_still_resolve() {
    let site = shop();
    let cfg = site.path().join("site.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("per_page: 2", "per_page: 2\nclean_links: true"),
    )
    .unwrap();
    let out = build(site.path());
    let page = out.join("products/training-ball/index.html");
    let links = attrs(&html(&page), "a[href]", "href");
    assert!(links.contains(&"../../products/".to_string()), "{links:?}");
    assert!(links.iter().all(|l| !l.ends_with("index.html")));
    for l in links.iter().filter(|l| !l.contains(':') && !l.starts_with('#')) {
        assert!(resolve(&page, l).is_file(), "{l}");
    }
}

#[test]
fn srcset_files_exist_with_the_stated_widths() {
    let site = shop();
    let out = build(site.path());
    let page = out.join("products/match-ball-pro-size-5/index.html");
    let doc = html(&page);
    let mut seen = 0;
    for srcset in attrs(&doc, "[srcset]", "srcset") {
        for item in srcset.split(", ") {
            let (url, w) = item.split_once(' ').unwrap();
            let w: u32 = w.trim_end_matches('w').parse().unwrap();
            let img = image::open(resolve(&page, url)).unwrap();
            assert_eq!(img.width(), w, "{url}");
            seen += 1;
        }
    }
    assert!(seen >= 6, "{seen}");
    // The bridge photo is 1200 px wide: 480 and 960 are made, 1600 is not (never upscaled).
    let main = attrs(&doc, ".gallery-main source", "srcset").join(" ");
    assert!(
        main.contains(" 480w") && main.contains(" 960w") && !main.contains("1600w"),
        "{main}"
    );
    // width/height attributes are the fallback file's real size, so the page does not jump.
    for img in doc.select(&sel("img[srcset]")) {
        let src = img.value().attr("src").unwrap();
        let (w, h) = image::open(resolve(&page, src)).unwrap().dimensions();
        assert_eq!(img.value().attr("width").unwrap(), w.to_string());
        assert_eq!(img.value().attr("height").unwrap(), h.to_string());
    }
    // Only the main photo loads eagerly; the rest are lazy.
    assert_eq!(
        doc.select(&sel(".gallery-main img[fetchpriority=high]")).count(),
        1
    );
    assert!(doc
        .select(&sel(".gallery-more img"))
        .all(|i| i.value().attr("loading") == Some("lazy")));
}

#[test]
fn home_hero_keeps_the_photo_focus_in_view() {
    let site = shop();
    unminified(site.path());
    // Both featured products' photos get a focus point: whichever leads keeps it in view.
    for (file, path) in [
        ("products/match-ball.yaml", "  - path: images/bridge.jpg\n"),
        (
            "products/keeper-gloves.yaml",
            "  - {path: images/badge.png, alt: Green disc badge}\n",
        ),
    ] {
        let f = site.path().join(file);
        let yaml = read(&f);
        assert!(yaml.contains(path), "{yaml}");
        let with_focus = if path.contains('{') {
            yaml.replace(
                "alt: Green disc badge}",
                "alt: Green disc badge, focus: top left}",
            )
        } else {
            yaml.replace(path, &format!("{path}    focus: top left\n"))
        };
        std::fs::write(&f, with_focus).unwrap();
    }
    let out = build(site.path());
    let doc = html(&out.join("index.html"));
    assert_eq!(attrs(&doc, "a.hero-photo", "style"), ["--focus: 0% 0%"]);
    let css = read(&out.join("style.css"));
    assert!(
        css.contains(".hero-photo img { width: 100%; height: 100%; object-fit: cover; object-position: var(--focus, 50% 50%); }"),
        "the stylesheet no longer uses --focus"
    );
    // Without a focus point: no style, the centre.
    let plain = shop();
    let doc = html(&build(plain.path()).join("index.html"));
    assert!(attrs(&doc, "a.hero-photo", "style").is_empty());
}

#[test]
fn footer_lists_social_links_apart_from_categories() {
    let site = shop();
    let out = build(site.path());
    let doc = html(&out.join("faq/index.html"));
    let lists: Vec<(String, Vec<String>)> = doc
        .select(&sel(".site-footer section > h2"))
        .map(|h| {
            let list = h
                .next_siblings()
                .find_map(scraper::ElementRef::wrap)
                .expect("a list after each heading");
            let rels = list
                .select(&sel("a"))
                .map(|a| a.value().attr("rel").unwrap_or_default().to_string())
                .collect();
            (h.text().collect(), rels)
        })
        .collect();
    let follow = lists
        .iter()
        .find(|(h, _)| h == "Follow us")
        .expect("a Follow us list");
    assert!(
        !follow.1.is_empty() && follow.1.iter().all(|r| r == "noopener me"),
        "{lists:?}"
    );
    let explore = lists
        .iter()
        .find(|(h, _)| h == "Explore")
        .expect("an Explore list");
    assert!(explore.1.iter().all(|r| r.is_empty()), "{lists:?}");
}

#[test]
fn contact_email_breaks_at_its_at_sign_never_inside_the_domain() {
    let site = shop();
    unminified(site.path());
    let out = build(site.path());
    let contact = read(&out.join("contact/index.html"));
    assert!(
        contact.contains(r#">sales@<wbr><span class="nowrap">fixture.example</span></a>"#),
        "{contact}"
    );
}

#[test]
fn nav_marks_only_the_page_itself_current_and_home_leads_with_one_eager_photo() {
    let site = shop();
    let out = build(site.path());
    let nav = |page: &str| {
        let doc = html(&out.join(page));
        (
            text(&doc, ".site-nav a[aria-current=page]"),
            text(&doc, ".site-nav a.within"),
            doc.select(&sel("[aria-current=page]")).count(),
        )
    };
    // (the page's own link, its section's link)
    for (page, current, within) in [
        ("products/index.html", "Products", ""),
        ("products/page/2/index.html", "", "Products"),
        ("products/training-ball/index.html", "", "Products"),
        ("categories/index.html", "Categories", ""),
        ("categories/footballs/index.html", "", "Categories"),
        ("categories/footballs/page/2/index.html", "", "Categories"),
        ("company/index.html", "Company", ""),
        ("faq/index.html", "FAQ", ""),
        ("contact/index.html", "Contact", ""),
        ("index.html", "", ""),
    ] {
        let (c, w, _) = nav(page);
        assert_eq!((c.as_str(), w.as_str()), (current, within), "{page}");
    }
    // A product page claims to be the current page once: its own breadcrumb, not a nav link.
    assert_eq!(nav("products/training-ball/index.html").2, 1);

    // Home: the first featured product leads, its photo the only eager one; the grid shows the
    // other featured products, not that one again.
    let doc = html(&out.join("index.html"));
    let hero = attrs(&doc, "a.hero-photo", "href");
    assert_eq!(hero.len(), 1, "{hero:?}");
    assert_eq!(attrs(&doc, "a.hero-photo img", "fetchpriority"), ["high"]);
    assert!(attrs(&doc, "a.hero-photo img", "loading").is_empty());
    let eager = doc
        .select(&sel("img"))
        .filter(|i| i.value().attr("loading") != Some("lazy"))
        .filter(|i| !i.value().attr("class").unwrap_or_default().contains("brand-logo"))
        .count();
    assert_eq!(eager, 1, "only the hero photo loads at once");
    let cards = attrs(&doc, ".grid .card a[href]", "href");
    assert!(!cards.contains(&hero[0]), "{cards:?} repeats {}", hero[0]);
    let mut featured: Vec<&str> = hero.iter().chain(&cards).map(|h| h.as_str()).collect();
    featured.sort();
    featured.dedup();
    assert_eq!(
        featured,
        [
            "products/keeper-gloves/index.html",
            "products/match-ball-pro-size-5/index.html"
        ]
    );
    // The hero's link has a name: the product's, as its own page gives it.
    let product = html(&out.join(&hero[0]));
    assert_eq!(text(&doc, "a.hero-photo .hero-caption"), text(&product, "h1"));
}

#[test]
fn exif_orientation_is_applied_and_metadata_dropped() {
    let site = shop();
    let out = build(site.path());
    let mut found = 0;
    for f in files(&out.join("images")) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&f).unwrap();
        // No EXIF block (camera make, GPS) survives into any published file.
        assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "{name} carries EXIF");
        assert!(
            !bytes.windows(10).any(|w| w == b"FixtureCam"),
            "{name} carries the camera make"
        );
        if name.starts_with("oriented-") {
            let img = decode_rgb(&f);
            // Stored 600x400 with orientation 6: shown 400x600, red square top-left.
            assert_eq!(img.dimensions(), (400, 600), "{name}");
            let p = img.get_pixel(20, 20);
            assert!(
                p[0] > 200 && p[1] < 60 && p[2] < 60,
                "{name}: top-left is {p:?}, not red"
            );
            let q = img.get_pixel(380, 20);
            assert!(
                !(q[0] > 200 && q[1] < 60 && q[2] < 60),
                "{name}: top-right is red: not rotated right"
            );
            found += 1;
        }
    }
    assert_eq!(found, 2, "one WebP and one JPEG of the oriented photo");
}

#[test]
fn transparency_kept_in_webp_and_flattened_on_brand_background_in_jpeg() {
    let site = shop();
    let out = build(site.path());
    let imgs = files(&out.join("images"));
    let webp = imgs
        .iter()
        .find(|p| p.to_string_lossy().contains("badge-") && p.to_string_lossy().ends_with("-480.webp"))
        .unwrap();
    let jpg = imgs
        .iter()
        .find(|p| p.to_string_lossy().contains("badge-") && p.to_string_lossy().ends_with("-480.jpg"))
        .unwrap();
    let w = image::open(webp).unwrap().to_rgba8();
    assert_eq!(w.get_pixel(5, 5)[3], 0, "corner should stay transparent in WebP");
    assert_eq!(w.get_pixel(240, 120)[3], 255, "disc should stay opaque");
    let j = decode_rgb(jpg);
    let c = j.get_pixel(5, 5);
    // Brand background is #fafaf5.
    for (got, want) in c.0.iter().zip([0xfa, 0xfa, 0xf5]) {
        assert!(
            (*got as i32 - want).abs() <= 4,
            "corner {c:?} is not the brand background"
        );
    }
}

#[test]
fn grayscale_photo_keeps_its_tones_in_webp() {
    let site = shop();
    let out = build(site.path());
    let src = image::open(site.path().join("images/grey.jpg"))
        .unwrap()
        .to_luma8();
    let webp = files(&out.join("images"))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("grey-") && p.extension().unwrap() == "webp")
        .unwrap();
    let got = image::open(&webp).unwrap().to_luma8();
    let resized = image::imageops::resize(
        &src,
        got.width(),
        got.height(),
        image::imageops::FilterType::Lanczos3,
    );
    let mean = |img: &image::GrayImage| img.pixels().map(|p| p[0] as f64).sum::<f64>() / img.len() as f64;
    let sd = |img: &image::GrayImage| {
        let m = mean(img);
        (img.pixels().map(|p| (p[0] as f64 - m).powi(2)).sum::<f64>() / img.len() as f64).sqrt()
    };
    assert!(
        (mean(&got) - mean(&resized)).abs() < 3.0,
        "mean {} vs {}",
        mean(&got),
        mean(&resized)
    );
    assert!(
        (sd(&got) - sd(&resized)).abs() < 3.0,
        "contrast {} vs {}",
        sd(&got),
        sd(&resized)
    );
}

#[test]
fn originals_are_not_published() {
    let site = shop();
    let out = build(site.path());
    let sources: BTreeSet<Vec<u8>> = files(&site.path().join("images"))
        .into_iter()
        .filter(|p| p.file_name().unwrap() != "badge.png") // the logo is published as is, by design
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    for f in files(&out) {
        assert!(
            !sources.contains(&std::fs::read(&f).unwrap()),
            "{} is a copy of an original",
            f.display()
        );
        assert!(!f.to_string_lossy().ends_with("/images/bridge.jpg"));
    }
}

#[test]
fn json_ld_parses_and_describes_product_tiers() {
    let site = shop();
    let out = build(site.path());
    let doc = html(&out.join("products/match-ball-pro-size-5/index.html"));
    let blocks: Vec<serde_json::Value> = doc
        .select(&sel("script[type=\"application/ld+json\"]"))
        .map(|s| serde_json::from_str(&s.text().collect::<String>()).expect("JSON-LD parses"))
        .collect();
    let product = blocks
        .iter()
        .find(|b| b["@type"] == "Product")
        .expect("a Product block");
    assert_eq!(product["sku"], "FX-FB-001");
    assert_eq!(product["name"], "Match Ball \"Pro\" <Size 5>");
    assert_eq!(
        product["url"],
        "https://shop.example.com/sub/products/match-ball-pro-size-5/"
    );
    let offer = &product["offers"];
    assert_eq!(offer["priceCurrency"], "USD");
    // As text with the currency's decimals, as schema.org's examples write it (not 7.5).
    assert_eq!(offer["price"], "7.50");
    assert_eq!(offer["eligibleQuantity"]["minValue"], 300);
    let tiers = offer["priceSpecification"].as_array().unwrap();
    assert_eq!(tiers.len(), 3);
    assert_eq!(tiers[0]["eligibleQuantity"]["minValue"], 300);
    assert_eq!(tiers[0]["eligibleQuantity"]["maxValue"], 999);
    assert_eq!(tiers[0]["price"], "9.80");
    assert_eq!(tiers[2]["price"], "7.50");
    assert!(tiers[2]["eligibleQuantity"].get("maxValue").is_none());
    for img in product["image"].as_array().unwrap() {
        let path = img
            .as_str()
            .unwrap()
            .strip_prefix("https://shop.example.com/sub/")
            .unwrap();
        assert!(out.join(path).is_file(), "{path}");
    }
    let crumbs = blocks.iter().find(|b| b["@type"] == "BreadcrumbList").unwrap();
    let names: Vec<&str> = crumbs["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Home",
            "Products",
            "Match & Training Footballs",
            "Match Ball \"Pro\" <Size 5>"
        ]
    );
    let home = html(&out.join("index.html"));
    let org: serde_json::Value =
        serde_json::from_str(&text(&home, "script[type=\"application/ld+json\"]")).unwrap();
    assert_eq!(org["@type"], "Organization");
    assert_eq!(org["name"], "Fixture Sports (Pvt) Ltd");
    assert_eq!(org["sameAs"][0], "https://www.linkedin.com/company/fixture");
}

/// An expired certification was warned about but shown on the company and home pages like a
/// valid one (and could have reached JSON-LD as a credential).
#[test]
fn expired_certification_is_marked_or_hidden_and_never_a_credential() {
    let site = shop();
    let cfg = site.path().join("site.yaml");
    let expired = read(&cfg).replace("valid_until: 2030-01-31", "valid_until: 2001-01-31");
    std::fs::write(&cfg, &expired).unwrap();
    let out = build(site.path());
    let company = html(&out.join("company/index.html"));
    assert_eq!(text(&company, ".certs li.expired h3"), "ISO 9001:2015 Expired");
    assert_eq!(
        text(&company, ".certs li.expired div:last-child"),
        "Expired on31 Jan 2001"
    );
    // The certification without a date is not expired.
    assert_eq!(company.select(&sel(".certs li")).count(), 2);
    let home = html(&out.join("index.html"));
    assert_eq!(text(&home, ".badge.expired .expired-tag"), "Expired 31 Jan 2001");
    let org: serde_json::Value =
        serde_json::from_str(&text(&home, "script[type=\"application/ld+json\"]")).unwrap();
    let credentials: Vec<&str> = org["hasCredential"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(credentials, ["Fair Trade <Sports>"]);

    std::fs::write(
        &cfg,
        expired.replace(
            "  certifications:\n",
            "  expired_certifications: hide\n  certifications:\n",
        ),
    )
    .unwrap();
    let out = build(site.path());
    let company = html(&out.join("company/index.html"));
    assert_eq!(text(&company, ".certs h3"), "Fair Trade <Sports>");
    assert!(!read(&out.join("index.html")).contains("ISO 9001"));
}

/// "Today" comes from SOURCE_DATE_EPOCH when it is set, so a reproducible build shows the same
/// certifications as expired whenever it runs.
#[test]
fn source_date_epoch_decides_which_certifications_have_expired() {
    let site = shop();
    let dir = site.path().to_str().unwrap();
    let build_on = |epoch: &str| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_minisite"))
            .args(["build", dir])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let company = html(&site.path().join("public/company/index.html"));
        (
            String::from_utf8_lossy(&o.stderr).contains("expired on 2030-01-31"),
            company.select(&sel(".certs li.expired")).count(),
        )
    };
    // 1900000000 is 2030-03-17; 1700000000 is 2023-11-14.
    assert_eq!(build_on("1900000000"), (true, 1));
    assert_eq!(build_on("1700000000"), (false, 0));
}

/// JSON-LD wrote `"price": 1250.0`; schema.org writes prices as text with the currency's decimals.
#[test]
fn json_ld_prices_are_text_with_the_currencys_decimals() {
    let site = shop();
    let p = site.path().join("products/keeper-gloves.yaml");
    let gloves = read(&p);
    let price = |currency: &str, amount: &str| -> (serde_json::Value, String) {
        std::fs::write(
            &p,
            gloves
                .replace("unit_price: 6", &format!("unit_price: {amount}"))
                .replace("currency: EUR", &format!("currency: {currency}")),
        )
        .unwrap();
        let out = build(site.path());
        let page = html(&out.join("products/keeper-gloves/index.html"));
        let product: serde_json::Value = page
            .select(&sel("script[type=\"application/ld+json\"]"))
            .map(|s| serde_json::from_str::<serde_json::Value>(&s.text().collect::<String>()).unwrap())
            .find(|b| b["@type"] == "Product")
            .unwrap();
        let offer = &product["offers"];
        assert_eq!(offer["price"], offer["priceSpecification"][0]["price"]);
        (offer["price"].clone(), text(&page, ".kf-price strong"))
    };
    assert_eq!(price("USD", "1250"), ("1250.00".into(), "US$1,250.00".into()));
    // CLDR's world English (en-001): the yen's symbol, and its code where a currency has no
    // symbol, kept from the amount by a no-break space.
    assert_eq!(price("JPY", "1250"), ("1250".into(), "JP¥1,250".into()));
    assert_eq!(price("KWD", "3.1"), ("3.100".into(), "KWD\u{a0}3.100".into()));
}

#[test]
fn seo_titles_are_unique_and_urls_use_base_url() {
    let site = shop();
    let out = build(site.path());
    let mut titles = BTreeMap::new();
    for page in html_files(&out) {
        let doc = html(&page);
        let title = text(&doc, "title");
        assert!(!title.is_empty());
        if let Some(other) = titles.insert(title.clone(), page.clone()) {
            panic!(
                "{} and {} share the title {title}",
                other.display(),
                page.display()
            );
        }
        let desc = attrs(&doc, "meta[name=description]", "content");
        assert_eq!(desc.len(), 1, "{}", page.display());
        assert!(
            !desc[0].is_empty() && desc[0].chars().count() <= 160,
            "{}",
            page.display()
        );
    }
    let doc = html(&out.join("products/training-ball/index.html"));
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        ["https://shop.example.com/sub/products/training-ball/"]
    );
    let og = attrs(&doc, "meta[property=\"og:image\"]", "content");
    let path = og[0].strip_prefix("https://shop.example.com/sub/").unwrap();
    assert!(out.join(path).is_file());
    assert_eq!(attrs(&doc, "meta[property=\"og:type\"]", "content"), ["product"]);
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://shop.example.com/sub/products/training-ball/</loc>"));
    assert!(sitemap.contains("<loc>https://shop.example.com/sub/</loc>"));
    assert_eq!(
        sitemap.matches("<loc>").count(),
        html_files(&out).len() - 3,
        "every page but 404, the inquiry list and the search page is listed"
    );
    assert!(read(&out.join("robots.txt")).contains("Sitemap: https://shop.example.com/sub/sitemap.xml"));
    // 404.html is served at any depth: its links start at the base URL's path.
    let nf = html(&out.join("404.html"));
    assert!(attrs(&nf, "link[rel=stylesheet]", "href")[0].starts_with("/sub/style.css"));
}

#[test]
fn product_page_shows_b2b_terms_and_prefilled_inquiries() {
    let site = shop();
    let out = build(site.path());
    let doc = html(&out.join("products/match-ball-pro-size-5/index.html"));
    assert_eq!(text(&doc, "h1"), "Match Ball \"Pro\" <Size 5>");
    // Near the top, a way down to the inquiry box, which exists under that id.
    assert_eq!(attrs(&doc, ".buybox > .jump-to-inquiry a", "href"), ["#inquiry"]);
    assert_eq!(doc.select(&sel(".buybox #inquiry")).count(), 1);
    let tiers = text(&doc, "table.tiers tbody");
    assert!(
        tiers.contains("300 – 999")
            && tiers.contains("US$9.80")
            && tiers.contains("5,000+")
            && tiers.contains("US$7.50"),
        "{tiers}"
    );
    assert!(text(&doc, "table.tiers caption").contains("FOB Sialkot"));
    let terms = text(&doc, ".buybox dl.terms");
    for want in [
        "300 pieces",
        "30 days",
        "7 days",
        "US$25.00",
        "Refunded on first order",
    ] {
        assert!(terms.contains(want), "{want} not in {terms}");
    }
    let specs = text(&doc, "table.specs");
    assert!(specs.contains("PU leather") && specs.contains("9506.62"));
    assert!(text(&doc, ".badges").contains("OEM"));
    // Raw HTML and script links in the description are defused.
    let body = read(&out.join("products/match-ball-pro-size-5/index.html"));
    assert!(!body.contains("<script>alert"));
    assert!(text(&doc, ".prose").contains("bad link"), "the link text stays");
    for href in attrs(&doc, "a[href]", "href") {
        assert!(!href.to_lowercase().contains("javascript"), "{href}");
    }
    // A seller's relative link to a page gets index.html too, so it works from disk.
    assert!(attrs(&doc, ".prose a", "href").contains(&"../../faq/index.html".to_string()));
    let mailto = attrs(&doc, "a[href^=\"mailto:\"]", "href")
        .into_iter()
        .find(|h| h.contains("subject="))
        .unwrap();
    let decoded = percent_decode(&mailto);
    assert!(
        decoded.contains("Match Ball \"Pro\" <Size 5>")
            && decoded.contains("FX-FB-001")
            && decoded.contains("MOQ 300 pieces"),
        "{decoded}"
    );
    assert!(decoded.contains("https://shop.example.com/sub/products/match-ball-pro-size-5/"));
    let wa = attrs(&doc, "a[href^=\"https://wa.me/\"]", "href")
        .into_iter()
        .find(|h| h.contains("text="))
        .unwrap();
    assert!(wa.starts_with("https://wa.me/923007654321?text="), "{wa}");
    assert!(percent_decode(&wa).contains("FX-FB-001"));
    let form = doc
        .select(&sel("form[method=post]"))
        .next()
        .expect("inquiry form");
    assert_eq!(
        form.value().attr("action"),
        Some("https://forms.example.net/f/abc")
    );
    assert_eq!(
        attrs(&doc, "form input[name=product]", "value"),
        ["Match Ball \"Pro\" <Size 5> (SKU FX-FB-001)"]
    );
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .to_string()
}

#[test]
fn pages_work_without_javascript() {
    let site = shop();
    let out = build(site.path());
    for page in html_files(&out) {
        let doc = html(&page);
        // JSON-LD, markup for a script to copy (`text/html`), or one of the theme's own deferred
        // scripts, whose controls the page keeps hidden until it shows them (the filter panel).
        for s in doc.select(&sel("script")) {
            let v = s.value();
            // search.js is a module script, deferred by being one.
            let own = v.attr("src").is_some_and(|src| !src.contains("://"))
                && (v.attr("defer").is_some() || v.attr("type") == Some("module"));
            let data = matches!(v.attr("type"), Some("application/ld+json" | "text/html"));
            assert!(data || own, "{}: {}", page.display(), s.html());
        }
        for panel in doc.select(&sel(".filters")) {
            assert!(panel.value().attr("hidden").is_some(), "{}", page.display());
        }
        assert!(
            !read(&page).contains("http://"),
            "{}: fetches from another host over http",
            page.display()
        );
        for l in attrs(&doc, "link[rel=stylesheet]", "href")
            .iter()
            .chain(&attrs(&doc, "img", "src"))
        {
            assert!(
                !l.contains("://"),
                "{}: loads {l} from another host",
                page.display()
            );
        }
    }
}

/// A spec value holding a long URL made a product page 397 px wide on a 390 px phone: long words
/// and URLs must wrap everywhere (spec tables, terms, notes, headings, badges, cards).
#[test]
fn long_words_and_urls_wrap_at_phone_widths() {
    let site = shop();
    let url =
        "https://www.example-testing-laboratory.com/reports/2024/FX-FB-001-certificate-of-conformity.pdf";
    let word = "Polyurethanethermobondedmicrofibresyntheticleather";
    let p = site.path().join("products/match-ball.yaml");
    let yaml = read(&p)
        .replace(
            "  - {label: Weight, value: 420-445 g}\n",
            &format!("  - {{label: Weight, value: 420-445 g}}\n  - {{label: Test report, value: \"{url}\"}}\n  - {{label: {word}, value: {word}}}\n"),
        )
        .replace("note: Refunded on first order", &format!("note: \"Refunded: {url}\""))
        .replace("tags: [football, match ball]", &format!("tags: [football, {word}]"))
        .replace("customization: [Your logo, Custom colours]", &format!("customization: [\"{url}\"]"));
    std::fs::write(&p, yaml).unwrap();
    let p = site.path().join("products/training-ball.yaml");
    let yaml = read(&p);
    let name = yaml.lines().find(|l| l.starts_with("name:")).unwrap().to_string();
    std::fs::write(&p, yaml.replace(&name, &format!("name: {word}"))).unwrap();
    let out = build(site.path());
    // The long texts reached the pages (a fixture edit would otherwise leave nothing to wrap).
    let ball = read(&out.join("products/match-ball-pro-size-5/index.html"));
    for long in [word, url] {
        assert!(ball.contains(long), "{long} is not on the page");
    }
    let mut b = crate::browser::Browser::launch();
    let renamed = format!("products/{}/index.html", word.to_lowercase());
    for page in [
        "products/match-ball-pro-size-5/index.html",
        &renamed,
        "products/index.html",
        "index.html",
    ] {
        let url = format!("file://{}", out.join(page).display());
        for width in [320, 390] {
            b.call(
                "Emulation.setDeviceMetricsOverride",
                serde_json::json!({"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": true}),
            );
            b.call("Page.navigate", serde_json::json!({ "url": url }));
            b.wait(&format!(
                "document.readyState === 'complete' && location.href === '{url}'"
            ));
            assert_eq!(
                b.eval("document.documentElement.scrollWidth"),
                width,
                "{page} at {width} px"
            );
        }
    }
}

#[test]
fn brand_colours_reach_the_page() {
    let site = shop();
    let out = build(site.path());
    let style = text(&html(&out.join("index.html")), "style");
    assert!(
        style.contains("--primary:#1a4d2e") && style.contains("--bg:#fafaf5"),
        "{style}"
    );
    let logo = attrs(&html(&out.join("index.html")), "img.brand-logo", "src");
    assert!(out.join(&logo[0]).is_file());
}

/// The theme put white text on the accent colour whatever it was: an amber accent gave 1.9:1.
#[test]
fn amber_accent_gets_dark_button_text() {
    let site = shop();
    unminified(site.path());
    let cfg = site.path().join("site.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("accent: \"#b8431f\"", "accent: \"#F2B134\""),
    )
    .unwrap();
    let out = build(site.path());
    let style = text(&html(&out.join("index.html")), "style");
    // The site's own text colour, dark: 9.9:1 on the amber. Deep green primary keeps white.
    assert!(style.contains("--on-accent:#1b1b1b"), "{style}");
    assert!(style.contains("--on-primary:#ffffff"), "{style}");
    let css = read(&out.join("style.css"));
    assert!(css.contains(
        ".btn-accent { background: var(--accent); border-color: var(--accent); color: var(--on-accent); }"
    ));
}

/// A brand colour pair the theme sets text in, unreadable, is a warning naming the field and ratio.
#[test]
fn unreadable_text_on_background_is_a_warning_with_the_ratio() {
    let site = shop();
    let cfg = site.path().join("site.yaml");
    std::fs::write(&cfg, read(&cfg).replace("text: \"#1b1b1b\"", "text: \"#aaaaaa\"")).unwrap();
    let (_, warnings) = minisite::build(site.path(), &minisite::BuildOptions::default()).unwrap();
    let w: Vec<_> = warnings
        .iter()
        .filter(|w| w.field.as_deref() == Some("brand.colors.text"))
        .collect();
    assert_eq!(w.len(), 1, "{warnings:?}");
    assert_eq!(w[0].file, Path::new("site.yaml"));
    assert_eq!(w[0].line, Some(13));
    assert!(w[0].message.contains("contrast of 2.2:1"), "{}", w[0]);
    // The fixture's own colours read well: no colour warnings.
    let site = shop();
    let (_, warnings) = minisite::build(site.path(), &minisite::BuildOptions::default()).unwrap();
    assert!(!warnings
        .iter()
        .any(|w| w.field.as_deref().is_some_and(|f| f.starts_with("brand.colors"))));
}

#[test]
fn build_is_deterministic() {
    let a = shop();
    let b = shop();
    let out_a = build(a.path());
    let out_b = build(b.path());
    let list = |root: &Path| -> Vec<(String, Vec<u8>)> {
        files(root)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(root).unwrap().to_string_lossy().to_string(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    };
    let (la, lb) = (list(&out_a), list(&out_b));
    assert_eq!(la.len(), lb.len());
    for ((na, ba), (nb, bb)) in la.iter().zip(&lb) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between two builds");
    }
}

#[test]
fn rebuild_reuses_cached_images() {
    let site = shop();
    let opts = minisite::BuildOptions::default();
    let (first, _) = minisite::build(site.path(), &opts).unwrap();
    assert!(first.images.made > 0);
    assert_eq!(first.images.reused, 0);
    let (second, _) = minisite::build(site.path(), &opts).unwrap();
    assert_eq!(second.images.made, 0);
    assert_eq!(second.images.reused, first.images.made);
}

#[test]
fn site_overrides_theme_templates_and_static_files() {
    let site = shop();
    std::fs::create_dir_all(site.path().join("templates/partials")).unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<div id=\"custom\">{{ page.heading }}</div>{% endblock %}",
    )
    .unwrap();
    std::fs::write(site.path().join("static/style.css"), "body{color:red}").unwrap();
    std::fs::write(site.path().join("static/extra.txt"), "hello").unwrap();
    let out = build(site.path());
    assert_eq!(text(&html(&out.join("faq/index.html")), "#custom"), "FAQ");
    // Other templates still come from the theme.
    assert!(text(&html(&out.join("contact/index.html")), "h1").contains("Contact"));
    assert_eq!(read(&out.join("style.css")), "body{color:red}");
    assert_eq!(read(&out.join("extra.txt")), "hello");
}

#[test]
fn example_shop_builds_with_enough_products_and_categories() {
    let site = crate::common::example();
    let (report, warnings) = minisite::build(site.path(), &minisite::BuildOptions::default())
        .unwrap_or_else(|e| panic!("build failed:\n{e}"));
    let out = report.output;
    // The README's main command builds this shop: it printed four photo-width warnings.
    assert!(
        warnings.is_empty(),
        "{}",
        warnings.iter().map(|w| format!("{w}\n")).collect::<String>()
    );
    let products = std::fs::read_dir(out.join("products"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "page" && e.as_ref().unwrap().path().is_dir())
        .count();
    let categories = std::fs::read_dir(out.join("categories"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert!(products >= 24, "{products} products");
    assert!(categories >= 4, "{categories} categories");
}

#[test]
fn init_writes_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-shop");
    let o = cli(&["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = build(&dir);
    assert!(out.join("products/sample-product/index.html").is_file());
    // init refuses a folder with files in it.
    let again = cli(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn a_one_product_shop_says_product_not_products() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-shop");
    assert!(cli(&["init", dir.to_str().unwrap()]).status.success());
    let out = build(&dir);
    let home = html(&out.join("index.html"));
    assert_eq!(text(&home, ".hero .actions .btn:first-child"), "Browse 1 product");
    let list = html(&out.join("products/index.html"));
    assert!(
        text(&list, "main p.muted").starts_with("1 product"),
        "{}",
        text(&list, "main p.muted")
    );
    assert!(attrs(&list, "meta[name=description]", "content")[0].starts_with("The product of "));
    let contact = html(&out.join("contact/index.html"));
    assert!(text(&contact, "main").contains("See our product"));
    for page in html_files(&out) {
        let body = read(&page);
        assert!(
            !body.contains(" 1 products") && !body.contains(" 1 categories"),
            "{}",
            page.display()
        );
    }
    let check = cli(&["check", dir.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(said.contains("No errors: 1 product, 1 category, "), "{said}");
}

/// A one-set minimum read "MOQ 1 sets": the unit follows the number, whichever form the seller wrote.
#[test]
fn moq_of_one_set_says_set_and_the_tier_table_says_sets() {
    let site = shop();
    let p = site.path().join("products/keeper-gloves.yaml");
    std::fs::write(
        &p,
        read(&p)
            .replace(
                "moq: {quantity: 100, unit: pairs}",
                "moq: {quantity: 1, unit: sets}",
            )
            .replace("min_qty: 100", "min_qty: 1"),
    )
    .unwrap();
    let p = site.path().join("products/training-ball.yaml");
    std::fs::write(&p, read(&p).replace("unit: pieces", "unit: piece")).unwrap();
    let out = build(site.path());
    let gloves = html(&out.join("products/keeper-gloves/index.html"));
    assert_eq!(text(&gloves, ".kf-moq"), "MOQ 1 set");
    assert_eq!(text(&gloves, ".tiers thead th:first-child"), "Quantity (sets)");
    let ball = html(&out.join("products/training-ball/index.html"));
    assert_eq!(text(&ball, ".kf-moq"), "MOQ 500 pieces");
    let home = html(&out.join("index.html"));
    assert!(
        text(&home, ".card-moq").contains("MOQ 1 set"),
        "{}",
        text(&home, ".card-moq")
    );
    for page in html_files(&out) {
        assert!(!read(&page).contains("1 sets"), "{}", page.display());
    }
}

/// A free sample read "Available, US$0.00".
#[test]
fn free_sample_says_free_not_a_price_of_zero() {
    let site = shop();
    let p = site.path().join("products/match-ball.yaml");
    std::fs::write(&p, read(&p).replace("fee: 25,", "fee: 0,")).unwrap();
    let out = build(site.path());
    let page = html(&out.join("products/match-ball-pro-size-5/index.html"));
    assert_eq!(text(&page, ".terms dd:has(.note)"), "FreeRefunded on first order");
    assert!(text(&page, ".buybox .badges").contains("Free samples"));
    assert!(!read(&out.join("products/match-ball-pro-size-5/index.html")).contains("0.00"));
}

/// A product without a price showed nothing where the price goes.
#[test]
fn product_without_a_price_says_price_on_request() {
    let site = shop();
    let out = build(site.path());
    let page = html(&out.join("products/futsal-ball/index.html"));
    assert_eq!(text(&page, ".keyfacts .kf-price"), "Price on request");
    // Right above the quote button.
    assert_eq!(page.select(&sel(".keyfacts + .jump-to-inquiry .btn")).count(), 1);
    let list = html(&out.join("products/index.html"));
    let futsal = list
        .select(&sel(".card"))
        .find(|c| c.text().any(|t| t.contains("Futsal Ball")))
        .unwrap();
    assert_eq!(
        futsal
            .select(&sel(".card-price"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        "Price on request"
    );
}

/// A product with none of the terms (MOQ, lead time, samples) left an empty `<dl>`; so did a
/// packaging with only a note, and a company with no facts.
#[test]
fn no_empty_description_lists_when_there_is_nothing_to_list() {
    let site = shop();
    let p = site.path().join("products/match-ball.yaml");
    std::fs::write(
        &p,
        read(&p).replace(
            "packaging: {units_per_carton: 50, carton_size: 60x40x40 cm, carton_weight: 22 kg, note: Each ball in a polybag}",
            "packaging: {note: Each ball in a polybag}",
        ),
    )
    .unwrap();
    let cfg = site.path().join("site.yaml");
    let bare: String = read(&cfg)
        .lines()
        .filter(|l| {
            ![
                "founded:",
                "business_type:",
                "employees:",
                "location:",
                "export_markets:",
                "production_capacity:",
            ]
            .iter()
            .any(|k| l.trim_start().starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&cfg, bare).unwrap();
    let out = build(site.path());
    let mut dls = 0;
    for page in html_files(&out) {
        for dl in html(&page).select(&sel("dl")) {
            dls += 1;
            assert!(
                dl.children().any(|c| c.value().is_element()),
                "{}: empty <dl class={:?}>",
                page.display(),
                dl.value().attr("class")
            );
        }
    }
    assert!(dls > 0);
    let futsal = html(&out.join("products/futsal-ball/index.html"));
    assert_eq!(futsal.select(&sel(".buybox dl")).count(), 0);
}

#[test]
fn editing_one_photo_remakes_only_its_variants() {
    let site = shop();
    let opts = minisite::BuildOptions::default();
    let (first, _) = minisite::build(site.path(), &opts).unwrap();
    let photo = site.path().join("images/grey.jpg");
    // Same bytes written again (a "touch"): content-addressed, so nothing is remade.
    std::fs::write(&photo, std::fs::read(&photo).unwrap()).unwrap();
    let (touched, _) = minisite::build(site.path(), &opts).unwrap();
    assert_eq!(touched.images.made, 0);
    // New content: only grey.jpg's variants are made again: 480 px, and (it is a main photo)
    // its 320×240 and 480×360 grid thumbnails, each as WebP and JPEG.
    image::open(&photo).unwrap().fliph().save(&photo).unwrap();
    let (edited, _) = minisite::build(site.path(), &opts).unwrap();
    assert_eq!(edited.images.made, 6);
    assert_eq!(edited.images.reused, first.images.made - 6);
    let page = read(&site.path().join("public/products/training-ball/index.html"));
    let published = files(&site.path().join("public/images"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/grey-"))
        .count();
    assert_eq!(published, 6, "old variants of the edited photo are not published");
    assert!(page.contains("grey-"));
}

/// Published JPEGs (mozjpeg) are decoded with jpeg-decoder, a decoder independent of both the one
/// that wrote them and the one that read the photo, and compared with the WebP of the same width:
/// both must show the same picture. (Regression: zune-jpeg showed an earlier encoder's optimised
/// Huffman tables in wrong colours.)
#[test]
fn jpeg_and_webp_variants_show_the_same_picture() {
    let site = shop();
    let out = build(site.path());
    let mut n = 0;
    let imgs = files(&out.join("images"));
    for jpg in imgs.iter().filter(|p| p.extension().unwrap() == "jpg") {
        let name = jpg.file_name().unwrap().to_string_lossy().to_string();
        let (stem, width) = (
            name.split('-').next().unwrap(),
            name.rsplit('-').next().unwrap().trim_end_matches(".jpg"),
        );
        let webp = imgs
            .iter()
            .find(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                n.starts_with(&format!("{stem}-")) && n.ends_with(&format!("-{width}.webp"))
            })
            .unwrap();
        if stem == "badge" {
            continue; // transparent: WebP keeps alpha, JPEG is flattened, so they differ by design
        }
        let a = decode_rgb(jpg);
        let b = decode_rgb(webp);
        assert_eq!(a.dimensions(), b.dimensions(), "{name}");
        let diff: u64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(x, y)| (*x as i64 - *y as i64).unsigned_abs())
            .sum();
        let mean = diff as f64 / a.as_raw().len() as f64;
        assert!(
            mean < 4.0,
            "{name}: JPEG and WebP differ by {mean:.2} per channel"
        );
        n += 1;
    }
    assert_eq!(
        n, 14,
        "6 photo sizes and 8 thumbnails (320, and 480 where the crop is that wide)"
    );
}

#[test]
fn photos_show_their_average_colour_while_loading() {
    let site = shop();
    let out = build(site.path());
    let doc = html(&out.join("products/training-ball/index.html"));
    let style = attrs(&doc, ".gallery-main img", "style")
        .pop()
        .expect("a style with the colour");
    let hex = style.strip_prefix("background-color:#").unwrap();
    let got: Vec<i32> = (0..3)
        .map(|i| i32::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap())
        .collect();
    let src = image::open(site.path().join("images/grey.jpg"))
        .unwrap()
        .to_rgb8();
    let n = src.pixels().len() as i64;
    for c in 0..3 {
        let mean = src.pixels().map(|p| p[c] as i64).sum::<i64>() / n;
        assert!(
            (got[c] as i64 - mean).abs() <= 3,
            "channel {c}: {} vs {mean}",
            got[c]
        );
    }
    // The same colour is shown after a rebuild served from the cache.
    let again = build(site.path());
    let doc = html(&again.join("products/training-ball/index.html"));
    assert_eq!(attrs(&doc, ".gallery-main img", "style").pop().unwrap(), style);
}

#[test]
fn adobe_rgb_photo_is_converted_to_srgb() {
    let site = shop();
    let out = build(site.path());
    let variants: Vec<_> = files(&out.join("images"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/adobergb-"))
        .collect();
    assert_eq!(variants.len(), 2);
    for v in variants {
        let img = decode_rgb(&v);
        // Stored as Adobe RGB (218,0,0) and (89,159,37); shown in sRGB they are (255,0,0) and (0,160,0).
        let red = img.get_pixel(20, 20);
        assert!(
            red[0] >= 245 && red[1] <= 12 && red[2] <= 12,
            "{}: red square is {red:?}",
            v.display()
        );
        let green = img.get_pixel(450, 20);
        assert!(
            green[0] <= 20 && (150..=172).contains(&green[1]) && green[2] <= 20,
            "{}: green square is {green:?}",
            v.display()
        );
        // No ICC profile is published: the pixels are sRGB already.
        assert!(!std::fs::read(&v)
            .unwrap()
            .windows(11)
            .any(|w| w == b"ICC_PROFILE"));
    }
}

#[test]
fn cmyk_16_bit_and_palette_photos_keep_their_colours() {
    let site = copy_site(&fixtures().join("formats"));
    let out = build(site.path());
    let variants = files(&out.join("images"));
    assert_eq!(
        variants.len(),
        18,
        "480 px and 320×240 and 480×360 thumbnails, WebP and JPEG, of 3 photos"
    );
    for v in variants {
        let img = decode_rgb(&v);
        let named = v.to_string_lossy().to_string();
        assert_eq!(
            img.dimensions(),
            if named.contains("-320x240.") {
                (320, 240)
            } else if named.contains("-480x360.") {
                (480, 360)
            } else {
                (480, 320)
            },
            "{}",
            v.display()
        );
        let red = img.get_pixel(20, 20);
        let blue = img.get_pixel(img.width() - 20, img.height() - 20);
        assert!(
            red[0] >= 245 && red[1] <= 12 && red[2] <= 12,
            "{}: red is {red:?}",
            v.display()
        );
        for (got, want) in blue.0.iter().zip([30, 90, 200]) {
            assert!(
                (*got as i32 - want).abs() <= 6,
                "{}: blue is {blue:?}",
                v.display()
            );
        }
    }
}

#[test]
fn logo_keeps_its_aspect_ratio_so_the_header_does_not_jump() {
    let site = shop();
    let out = build(site.path());
    let doc = html(&out.join("index.html"));
    // badge.png is 600×300: shown 40 px high, so 80 px wide.
    assert_eq!(attrs(&doc, "img.brand-logo", "width"), ["80"]);
    assert_eq!(attrs(&doc, "img.brand-logo", "height"), ["40"]);
    let example = copy_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chenab-prints"));
    let svg = std::fs::read(example.path().join("images/brand/logo.svg")).unwrap();
    assert_eq!(
        minisite::views::logo_size(Path::new("logo.svg"), &svg),
        Some((64, 64))
    );
    // A wordmark: the viewBox's shape wins over width/height, and the header shows it 40 px high.
    let wordmark = br#"<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 300 64"><text y="40">Name</text></svg>"#;
    assert_eq!(
        minisite::views::logo_size(Path::new("mark.SVG"), wordmark),
        Some((300, 64))
    );
}

#[test]
fn grid_thumbnails_are_fixed_ratio_crops_around_the_focus_point() {
    let site = shop();
    let out = build(site.path());
    // The bridge (1200×675, main photo and category image) gets 4:3 crops at 320, 480 and 640 px.
    let bridge: Vec<_> = files(&out.join("images"))
        .into_iter()
        .filter(|p| name(p).starts_with("bridge-") && name(p).contains('x'))
        .collect();
    assert_eq!(bridge.len(), 6);
    for t in &bridge {
        let (w, h) = image::image_dimensions(t).unwrap_or_else(|_| decode_rgb(t).dimensions());
        assert_eq!(w * 3, h * 4, "{}", t.display());
    }
    let cards = html(&out.join("products/index.html"));
    let srcsets = attrs(&cards, ".card-photo source", "srcset").join(" ");
    assert!(
        srcsets.contains("-320x240.webp 320w") && srcsets.contains("-640x480.webp 640w"),
        "{srcsets}"
    );
    // Second photos are never in a grid: no thumbnails for them.
    assert!(!files(&out.join("images"))
        .iter()
        .any(|p| name(p).starts_with("oriented-") && name(p).contains('x')));

    // The oriented photo shows a red square top-left (400×600). As a main photo with focus: top,
    // its 4:3 crop keeps the square; centred, the crop starts 150 px down and loses it.
    let p = site.path().join("products/futsal-ball.yaml");
    let base = read(&p);
    for (focus, red_kept) in [("top", true), ("center", false)] {
        std::fs::write(
            &p,
            base.lines()
                .filter(|l| !l.starts_with("photos"))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                + &format!("photos:\n  - {{path: images/oriented.jpg, alt: Dragonfly, focus: {focus}}}\n"),
        )
        .unwrap();
        let out = build(site.path());
        let thumb = files(&out.join("images"))
            .into_iter()
            .find(|t| {
                t.to_string_lossy().contains("/oriented-") && t.to_string_lossy().ends_with("-320x240.jpg")
            })
            .unwrap();
        let px = *decode_rgb(&thumb).get_pixel(10, 10);
        let red = px[0] > 200 && px[1] < 60 && px[2] < 60;
        assert_eq!(red, red_kept, "focus {focus}: top-left pixel {px:?}");
    }
}

#[test]
fn thumbnails_can_be_turned_off_and_bad_focus_is_located() {
    let site = shop();
    let cfg = site.path().join("site.yaml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("  quality: 80", "  quality: 80\n  thumbnails: {ratio: none}"),
    )
    .unwrap();
    let out = build(site.path());
    assert!(!files(&out.join("images"))
        .iter()
        .any(|p| p.to_string_lossy().contains("x240.")));
    let p = site.path().join("products/futsal-ball.yaml");
    std::fs::write(
        &p,
        read(&p).replace(
            "photos: [images/ladybird.jpg]",
            "photos:\n  - {path: images/ladybird.jpg, focus: upper}",
        ),
    )
    .unwrap();
    let e = build_err(site.path());
    let d = e.diagnostics()[0].clone();
    assert_eq!(d.line, Some(5));
    assert!(d.message.contains("focus `upper` is not a position"), "{d}");
}

/// Width and height from an AVIF's `ispe` (image spatial extent) property.
fn avif_size(bytes: &[u8]) -> (u32, u32) {
    let at = bytes.windows(4).position(|w| w == b"ispe").expect("an ispe box") + 8;
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(at), be(at + 4))
}

#[test]
fn avif_is_an_opt_in_format_offered_before_webp_and_jpeg() {
    let site = copy_site(&fixtures().join("formats"));
    let cfg = site.path().join("site.yaml");
    std::fs::write(
        &cfg,
        "title: T\nimages: {widths: [240], formats: [avif, webp, jpeg], thumbnails: {ratio: none}}\n",
    )
    .unwrap();
    let out = build(site.path());
    let avifs: Vec<_> = files(&out.join("images"))
        .into_iter()
        .filter(|p| p.extension().unwrap() == "avif")
        .collect();
    assert_eq!(avifs.len(), 3, "one AVIF per photo");
    for a in &avifs {
        let bytes = std::fs::read(a).unwrap();
        assert_eq!(&bytes[4..12], b"ftypavif", "{}", a.display());
        assert_eq!(avif_size(&bytes), (240, 160), "{}", a.display());
        assert!(bytes.windows(4).any(|w| w == b"av01"), "an AV1 image item");
    }
    let doc = html(&out.join("products/cmyk/index.html"));
    let types = attrs(&doc, ".gallery-main picture source", "type");
    assert_eq!(
        types,
        ["image/avif", "image/webp"],
        "best first; JPEG is the <img>"
    );
    let srcset = attrs(&doc, ".gallery-main picture source", "srcset")[0].clone();
    assert!(srcset.ends_with(".avif 240w"), "{srcset}");

    // AVIF as the fallback would leave older browsers without a photo.
    std::fs::write(&cfg, "title: T\nimages: {widths: [240], formats: [webp, avif]}\n").unwrap();
    let e = build_err(site.path());
    let d = &e.diagnostics()[0];
    assert_eq!(d.field.as_deref(), Some("images.formats"), "{d}");
    assert!(d.message.contains("avif cannot be the last format"), "{d}");
    assert!(d.help.as_deref().unwrap().contains("[avif, webp, jpeg]"), "{d}");
}

/// A file's own name: a test that looks for `x` (as in `320x240`) must not see the temporary
/// folder's random name, which sometimes has one.
fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().to_string()
}
