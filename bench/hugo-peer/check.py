#!/usr/bin/env python3
"""check.py PRODUCTS_DIR OUT: does Hugo's output hold every field of every product?

bench/scale.sh runs this once per size on the untimed warm-up build, so the Hugo figures it
prints come from a site that really renders the job of PAGESCALE.md (a template mistake would
otherwise make the peer look fast). Checks each product page against its YAML (name, SKU,
category link, summary, bold text and list items of the description, 8 specs, MOQ, 3 tiers with
2-decimal prices, incoterm, lead times, customization, tags), that each category page lists
exactly its products in SKU order, and that the other pages, sitemap and robots.txt exist.
Exits 1 with the first problems found. Needs PyYAML.
"""
import os
import re
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def esc(s):  # Go html/template's escaping of text
    s = str(s)
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&#34;"), ("'", "&#39;"), ("+", "&#43;")):
        s = s.replace(a, b)
    return s


def md_esc(s):  # Goldmark's escaping of text
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def urlize(s):
    return s.lower().replace(" ", "-")


def main():
    data, out = sys.argv[1], sys.argv[2]
    problems = []
    by_category = {}
    names = sorted(f for f in os.listdir(data) if f.endswith(".yaml"))
    for name in names:
        with open(os.path.join(data, name), encoding="utf-8") as f:
            p = yaml.load(f, Loader=Loader)
        by_category.setdefault(p["category"], []).append(p["sku"])
        page = os.path.join(out, "products", p["slug"], "index.html")
        try:
            with open(page, encoding="utf-8") as f:
                html = f.read()
        except OSError as e:
            problems.append(f"{page}: {e}")
            continue
        want = [f"<h1>{esc(p['name'])}</h1>", f"SKU {esc(p['sku'])}", esc(p["summary"]),
                f'href="/categories/{urlize(p["category"])}/">{esc(p["category"])}</a>',
                f"MOQ: {p['moq']['quantity']} {esc(p['moq']['unit'])}", f"Incoterm: {esc(p['incoterm'])}.",
                f"Sample lead time: {p['lead_time']['sample_days']} days.",
                f"Bulk lead time: {p['lead_time']['bulk_days']} days."]
        want += [f"<strong>{md_esc(b)}</strong>" for b in re.findall(r"\*\*(.+?)\*\*", p["description"])]
        want += [f"<li>{md_esc(li)}</li>" for li in re.findall(r"^- (.+)$", p["description"], re.M)]
        want += [f"<tr><th>{esc(s['label'])}</th><td>{esc(s['value'])}</td></tr>" for s in p["specs"]]
        want += [f"<tr><td>{t['min_qty']}+</td><td>{t['unit_price']:.2f}</td></tr>" for t in p["price_tiers"]]
        want += [f"<li>{esc(x)}</li>" for x in p["customization"] + p["tags"]]
        missing = [w for w in want if w not in html]
        if missing or html.count("</th><td>") != 8 or html.count("<tr><td>") != 3:
            problems.append(f"{page}: missing {missing[:3]}, or not 8 spec rows and 3 tier rows")
    for category, skus in by_category.items():
        page = os.path.join(out, "categories", urlize(category), "index.html")
        with open(page, encoding="utf-8") as f:
            listed = re.findall(r'<span class="sku">([^<]+)</span>', f.read())
        if listed != sorted(skus):
            problems.append(f"{page}: lists {len(listed)} SKUs, want the {len(skus)} of {category} in SKU order")
    for rel in ("index.html", "404.html", "products/index.html", "categories/index.html", "robots.txt"):
        if not os.path.isfile(os.path.join(out, rel)):
            problems.append(f"{out}/{rel}: missing")
    with open(os.path.join(out, "sitemap.xml"), encoding="utf-8") as f:
        urls = f.read().count("<loc>")
    if urls < len(names):
        problems.append(f"{out}/sitemap.xml: {urls} URLs, want at least {len(names)}")
    if problems:
        print(f"Hugo's output does not match the catalogue ({len(problems)} problems):", *problems[:10], sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()
