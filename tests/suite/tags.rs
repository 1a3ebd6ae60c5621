//! Tag pages: every tag has its listing at a distinct, valid, stable address (whatever its
//! script or symbols), a tags index counts them, and product pages link to them.

use crate::common::*;
use std::path::Path;

/// The tags index's entries: (text, link).
fn index(out: &Path) -> Vec<(String, String)> {
    let doc = html(&out.join("tags/index.html"));
    doc.select(&sel(".tag-index a"))
        .map(|a| {
            let name = a.text().next().unwrap_or("").trim().to_string();
            (name, a.value().attr("href").unwrap().to_string())
        })
        .collect()
}

fn slug_of(index: &[(String, String)], tag: &str) -> String {
    let link = &index
        .iter()
        .find(|(n, _)| n == tag)
        .unwrap_or_else(|| panic!("{tag} in {index:?}"))
        .1;
    link.trim_end_matches("index.html")
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn tags_that_differ_get_distinct_valid_stable_addresses_and_keep_their_text() {
    let site = crate::filters::site();
    let out = build(site.path());
    let tags = index(&out);
    let slugs: Vec<String> = tags.iter().map(|(n, _)| slug_of(&tags, n)).collect();
    // `Leather` and `leather` are one tag, shown as its first product in catalogue order (the
    // ball, in the first category) writes it.
    let names: Vec<&str> = tags.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"leather") && !names.contains(&"Leather"),
        "{names:?}"
    );
    assert_eq!(slug_of(&tags, "Qualität"), "qualität");
    assert_eq!(slug_of(&tags, "quality"), "quality");
    assert_eq!(slug_of(&tags, "جلد طبيعي"), "جلد-طبيعي");
    assert_eq!(slug_of(&tags, "bestseller"), "bestseller");
    // The emoji dropped, `⭐ bestseller` would be `bestseller`: taken, so it is told apart.
    let star = slug_of(&tags, "⭐ bestseller");
    assert!(
        star.starts_with("bestseller-") && star.len() > "bestseller-".len(),
        "{star}"
    );
    let symbols = slug_of(&tags, "★★★");
    assert!(symbols.starts_with("tag-") && symbols.len() > 4, "{symbols}");
    // `page` is where the index's own pages would go.
    assert_ne!(slug_of(&tags, "Page"), "page");
    let mut unique = slugs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), slugs.len(), "{slugs:?}");
    for (name, slug) in names.iter().zip(&slugs) {
        assert!(
            !slug.is_empty() && !slug.contains(['/', ' ', '?', '#', '%']),
            "{slug}"
        );
        // The folder is the slug in UTF-8, and its page shows the tag exactly as written.
        let page = out.join("tags").join(slug).join("index.html");
        assert_eq!(text(&html(&page), "h1"), *name, "{}", page.display());
    }
    // The same tags give the same addresses in the next build.
    let again = build(site.path());
    assert_eq!(index(&again), tags);
}

#[test]
fn tag_pages_list_their_products_paginated_and_the_index_counts_them() {
    let site = crate::filters::site();
    let out = build(site.path());
    // Leather: the gloves, the ball and the mitts; two a page.
    let first = html(&out.join("tags/leather/index.html"));
    let second = html(&out.join("tags/leather/page/2/index.html"));
    let titles = |d: &scraper::Html| -> Vec<String> {
        d.select(&sel("main .card-title"))
            .map(|e| e.text().collect())
            .collect()
    };
    let mut all = titles(&first);
    all.extend(titles(&second));
    assert_eq!(all, ["Leather Ball", "Leather Gloves", "Suede Mitts"]);
    assert!(!out.join("tags/leather/page/3").exists());
    let count = html(&out.join("tags/index.html"))
        .select(&sel(".tag-index a"))
        .find(|a| a.text().next().unwrap().trim() == "leather")
        .map(|a| {
            a.select(&sel(".muted"))
                .next()
                .unwrap()
                .text()
                .collect::<String>()
        })
        .unwrap();
    assert_eq!(count, "3");
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("/sub/tags/") && sitemap.contains("/sub/tags/leather/"));
    // In ASCII, as sitemaps take them: `qualität` percent-encoded.
    assert!(sitemap.contains("/sub/tags/qualit%C3%A4t/"), "{sitemap}");
    assert!(!sitemap.contains("qualität"));
}

#[test]
fn product_pages_link_each_tag_to_its_page() {
    let site = crate::filters::site();
    let out = build(site.path());
    let page = out.join("products/leather-belt/index.html");
    let doc = html(&page);
    let links: Vec<(String, String)> = doc
        .select(&sel("ul.tags a"))
        .map(|a| (a.text().collect(), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0].0, "جلد طبيعي");
    let target = resolve(&page, &links[0].1);
    assert!(target.is_file(), "{}", target.display());
    assert_eq!(text(&html(&target), "h1"), "جلد طبيعي");
    // Cards stay one link each: tags are on product pages only.
    let listing = html(&out.join("products/index.html"));
    assert_eq!(
        listing.select(&sel(".card a")).count(),
        listing.select(&sel(".card")).count()
    );
}

#[test]
fn an_empty_tag_is_an_error_naming_the_file_and_field() {
    let site = crate::filters::site();
    let file = site.path().join("products/e-cotton-bag.yaml");
    std::fs::write(&file, read(&file).replace("tags: [\"★★★\"]", "tags: [bag, \"\"]")).unwrap();
    let d = first(&build_err(site.path()));
    assert_eq!(d.file.to_string_lossy(), "products/e-cotton-bag.yaml");
    assert_eq!(d.field.as_deref(), Some("tags[1]"));
    assert!(d.message.contains("empty") && d.line.is_some(), "{d}");
}
