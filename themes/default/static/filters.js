// Filters and sorting for a listing (all products, a category, a tag). Without this script the
// listing is its pages; with it, a "Filter and sort" panel narrows the whole listing, not just
// the page shown. Its words are the page's (the panel's markup and the listing's filter.json,
// both written in the page's language): this script shows them, it never writes its own.
// The state is in the address (?category=gloves&moq=500&oem=1&sort=price), so a link shares it.
(function () {
  "use strict";
  var box = document.querySelector("[data-filters]");
  if (!box || !window.fetch || !window.URLSearchParams || !("content" in document.createElement("template"))) return;
  // The theme's markup for a card (partials/card.html, empty), the "no match" note and the
  // "show more" button.
  function markup(id) {
    var t = document.createElement("template");
    t.innerHTML = document.getElementById(id).textContent.trim();
    return t.content.firstElementChild;
  }
  var cardMarkup = markup("filters-card");
  var noneMarkup = markup("filters-none");
  var moreMarkup = markup("filters-more");
  var form = box.querySelector("form");
  var toggle = box.querySelector(".filters-toggle");
  var countEl = box.querySelector("[data-count]");
  var lang = document.documentElement.lang || "en";
  var num = new Intl.NumberFormat(lang);
  var plural = new Intl.PluralRules(lang);
  var collator = new Intl.Collator(lang);
  var root = box.getAttribute("data-root") || "";
  var index = box.getAttribute("data-index") || "";
  var grid = document.querySelector("main .grid");
  var pager = document.querySelector("main .pager, main .search-more");
  // On the search page, search.js sets `box.scope` to the results' SKUs, the first `box.ranked`
  // of them best first, and fires "scope" on the box: the panel then filters, counts and sorts
  // those products only (the unranked after the ranked, in the listing's order).
  var scoped = document.getElementById("search-results") !== null;
  var data = null;
  var loading = null;
  var results = null;
  // Facets whose options are checkboxes of values, each with a record field to read.
  var lists = [];

  box.hidden = false;

  function q(sel) { return form.querySelector(sel); }

  function load() {
    if (!loading) {
      loading = fetch(box.getAttribute("data-filters"))
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) { data = d; build(); read(new URLSearchParams(location.search)); apply(false); })
        .catch(function () { q("[data-failed]").hidden = false; })
        .then(function () { q("[data-loading]").hidden = true; });
    }
    return loading;
  }

  function open(show) {
    form.hidden = !show;
    toggle.setAttribute("aria-expanded", String(show));
    if (show) load();
    // Search results are scoped only once the panel is used: their paths cost a request each.
    // (A property as well as an event: search.js may not be listening yet.)
    if (show && scoped && !box.wanted) { box.wanted = true; box.dispatchEvent(new Event("wanted")); }
  }

  // The products the panel works on: the listing's, or on the search page the results'.
  function pool() {
    if (!scoped) return data.products;
    if (!box.scope) return []; // no results yet
    var rank = Object.create(null), ranked = box.ranked || 0;
    box.scope.forEach(function (sku, i) { rank[sku] = Math.min(i, ranked); });
    // A stable sort: the unranked keep the listing's order.
    return data.products.filter(function (p) { return p.sku in rank; })
      .sort(function (a, b) { return rank[a.sku] - rank[b.sku]; });
  }

  box.addEventListener("scope", function () { apply(false); });

  toggle.addEventListener("click", function () { open(form.hidden); });

  function option(fieldset, name, value, text) {
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "checkbox";
    input.name = name;
    input.value = value;
    label.appendChild(input);
    label.appendChild(document.createTextNode(" " + text + " "));
    var count = document.createElement("span");
    count.className = "count";
    label.appendChild(count);
    fieldset.appendChild(label);
    return label;
  }

  function distinct(get) {
    var seen = {};
    data.products.forEach(function (p) { [].concat(get(p)).forEach(function (v) { if (v != null) seen[v] = true; }); });
    return Object.keys(seen);
  }

  // A facet of checkboxes: a product matches when it has any of the checked values.
  function listFacet(fieldset, name, get, names) {
    var values = distinct(get);
    if (values.length < 2 && name === "category") return;
    if (!values.length) return;
    values.sort(function (a, b) { return collator.compare(names[a] || a, names[b] || b); });
    fieldset.hidden = false;
    var facet = { name: name, get: get, labels: {} };
    values.forEach(function (v) { facet.labels[v] = option(fieldset, name, v, names[v] || v); });
    lists.push(facet);
  }

  function build() {
    var ps = data.products;
    listFacet(q('[data-facet="category"]'), "category", function (p) { return p.category; }, data.categories);
    listFacet(q('[data-facet="cert"]'), "cert", function (p) { return p.certifications; }, {});
    var specs = q("[data-specs]");
    data.specs.forEach(function (s) {
      var fs = document.createElement("fieldset");
      fs.hidden = true;
      var legend = document.createElement("legend");
      legend.textContent = s[1];
      fs.appendChild(legend);
      specs.appendChild(fs);
      listFacet(fs, "spec." + s[0], function (p) { return p.specs[s[0]]; }, {});
    });
    var currencies = distinct(function (p) { return p.currency; }).sort();
    if (currencies.length) q('[data-facet="price"]').hidden = false;
    if (currencies.length > 1) {
      var sel = q('select[name="currency"]');
      currencies.forEach(function (c) { sel.add(new Option(c, c)); });
      q("[data-currency]").hidden = false;
    }
    data.currencies = currencies;
    if (ps.some(function (p) { return p.moq != null; })) q('[data-facet="moq"]').hidden = false;
    var supply = ["oem", "odm", "samples"].filter(function (k) {
      var has = ps.some(function (p) { return p[k]; });
      q('[data-option="' + k + '"]').hidden = !has;
      return has;
    });
    q('[data-facet="supply"]').hidden = !supply.length;
    var lead = q('select[name="lead"]');
    var days = {};
    ps.forEach(function (p) { if (p.lead_days != null) days[p.lead_days] = p.lead_text; });
    Object.keys(days).map(Number).sort(function (a, b) { return a - b; }).forEach(function (d) {
      var o = new Option(lead.getAttribute("data-up-to").replace("{days}", days[d]), String(d));
      o.setAttribute("data-label", o.text);
      lead.add(o);
    });
    q('[data-facet="lead"]').hidden = lead.options.length < 2;
    q("[data-facets]").hidden = false;
  }

  // The filters as they are set in the form.
  function state() {
    var s = { lists: {} };
    lists.forEach(function (f) {
      s.lists[f.name] = [].slice.call(form.querySelectorAll('input[name="' + f.name.replace(/"/g, '\\"') + '"]:checked'))
        .map(function (i) { return i.value; });
    });
    ["oem", "odm", "samples"].forEach(function (k) { s[k] = form.elements[k].checked; });
    // Prices are compared within one currency: with several, min and max wait for one to be chosen.
    var pick = data.currencies.length > 1 && !form.elements.currency.value;
    form.elements.min.disabled = form.elements.max.disabled = pick;
    var n = function (k) {
      var el = form.elements[k];
      var v = el.value;
      return el.disabled || v === "" || isNaN(Number(v)) ? null : Number(v);
    };
    s.moq = n("moq");
    s.min = n("min");
    s.max = n("max");
    s.lead = n("lead");
    s.currency = form.elements.currency.value || (data.currencies.length === 1 ? data.currencies[0] : "");
    s.sort = form.elements.sort.value;
    return s;
  }

  // Whether product `p` passes every filter of `s` but the one named `skip`.
  function passes(p, s, skip) {
    for (var i = 0; i < lists.length; i++) {
      var f = lists[i];
      var want = s.lists[f.name];
      if (f.name === skip || !want.length) continue;
      var has = [].concat(f.get(p));
      if (!want.some(function (v) { return has.indexOf(v) >= 0; })) return false;
    }
    if (skip !== "oem" && s.oem && !p.oem) return false;
    if (skip !== "odm" && s.odm && !p.odm) return false;
    if (skip !== "samples" && s.samples && !p.samples) return false;
    if (s.moq != null && !(p.moq != null && p.moq <= s.moq)) return false;
    if (skip !== "lead" && s.lead != null && !(p.lead_days != null && p.lead_days <= s.lead)) return false;
    // A price filter compares prices in one currency only: others, and no price, are out.
    var priced = s.min != null || s.max != null || form.elements.currency.value;
    if (priced) {
      if (p.price == null || p.currency !== s.currency) return false;
      if (s.min != null && p.price < s.min) return false;
      if (s.max != null && p.price > s.max) return false;
    }
    return true;
  }

  function active(s) {
    var any = Object.keys(s.lists).some(function (k) { return s.lists[k].length; });
    return any || s.oem || s.odm || s.samples || s.moq != null || s.lead != null ||
      s.min != null || s.max != null || !!form.elements.currency.value || !!s.sort;
  }

  // Missing values sort last; prices only within a currency, currencies in code order.
  function sorter(s) {
    var last = function (a, b) { return a == null ? (b == null ? 0 : 1) : (b == null ? -1 : 0); };
    var by = function (k) {
      return function (a, b) { return last(a[k], b[k]) || (a[k] == null ? 0 : a[k] - b[k]); };
    };
    if (s.sort === "name") return function (a, b) { return collator.compare(a.name, b.name); };
    if (s.sort === "moq") return by("moq");
    if (s.sort === "lead") return by("lead_days");
    if (s.sort === "price") {
      return function (a, b) {
        return last(a.price, b.price) || (a.price == null ? 0 :
          (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : a.price - b.price));
      };
    }
    return null;
  }

  function counted(n) {
    var text = data.count[plural.select(n)] || data.count.other || "{count}";
    return text.replace("{count}", num.format(n));
  }

  function card(p) {
    var el = cardMarkup.cloneNode(true);
    el.querySelector("a").href = root + p.url + index;
    var img = el.querySelector("img");
    var t = p.thumb;
    img.src = root + t.src;
    img.srcset = t.srcset.split(", ").map(function (x) { return root + x; }).join(", ");
    img.width = t.width;
    img.height = t.height;
    img.alt = t.alt;
    var pic = el.querySelector("picture");
    t.sources.forEach(function (s) {
      var src = document.createElement("source");
      src.type = s.type;
      src.srcset = s.srcset.split(", ").map(function (x) { return root + x; }).join(", ");
      src.sizes = img.getAttribute("sizes");
      pic.insertBefore(src, img);
    });
    el.querySelector(".card-title").textContent = p.name;
    var prices = el.querySelectorAll(".card-price");
    if (p.price_text) {
      prices[1].remove();
      var from = prices[0].querySelector(".from");
      if (!p.from && from) from.remove();
      prices[0].querySelector("bdi").textContent = p.price_text;
    } else {
      prices[0].remove();
    }
    var moq = el.querySelector(".card-moq");
    if (moq && p.moq_text) moq.textContent = moq.textContent.replace("{moq}", p.moq_text);
    else if (moq) moq.remove();
    var sku = el.querySelector(".card-sku bdi");
    if (sku) sku.textContent = p.sku;
    var add = el.querySelector(".inquiry-add");
    if (add) Object.keys(p.inquiry || {}).forEach(function (k) { add.setAttribute("data-" + k, p.inquiry[k]); });
    return el;
  }

  // Matches are shown a few dozen at a time: a phone would not lay out thousands of cards.
  var CHUNK = 48;

  function more(list, from) {
    list.slice(from, from + CHUNK).forEach(function (p) { results.grid.appendChild(card(p)); });
    var rest = from + CHUNK < list.length;
    results.more.hidden = !rest;
    results.more.onclick = rest ? function () { more(list, from + CHUNK); } : null;
  }

  function show(list, on) {
    if (grid) grid.hidden = on;
    if (pager) pager.hidden = on;
    if (results) results.box.remove();
    results = null;
    if (!on) return;
    var wrap = document.createElement("div");
    var g = document.createElement("div");
    g.className = "grid";
    g.setAttribute("data-filtered", "");
    wrap.appendChild(g);
    var button = moreMarkup.cloneNode(true);
    wrap.appendChild(button);
    results = { box: wrap, grid: g, more: button };
    if (!list.length) g.appendChild(noneMarkup.cloneNode(true));
    more(list, 0);
    (grid || box).insertAdjacentElement("afterend", wrap);
  }

  function setCount(label, n) {
    label.querySelector(".count").textContent = num.format(n);
    label.querySelector("input").disabled = n === 0 && !label.querySelector("input").checked;
  }

  // Each option's count: the products it would show with the other filters as they are.
  function counts(s, ps) {
    lists.forEach(function (f) {
      var n = {};
      ps.forEach(function (p) {
        if (!passes(p, s, f.name)) return;
        [].concat(f.get(p)).forEach(function (v) { n[v] = (n[v] || 0) + 1; });
      });
      Object.keys(f.labels).forEach(function (v) { setCount(f.labels[v], n[v] || 0); });
    });
    ["oem", "odm", "samples"].forEach(function (k) {
      var n = ps.filter(function (p) { return p[k] && passes(p, s, k); }).length;
      setCount(q('[data-option="' + k + '"]'), n);
    });
    // "Up to N days": the products ready within N days, in the option's own text (a select's
    // option holds no element of its own for a count).
    var lead = q('select[name="lead"]');
    var within = ps.filter(function (p) { return p.lead_days != null && passes(p, s, "lead"); });
    [].slice.call(lead.options, 1).forEach(function (o) {
      var n = within.filter(function (p) { return p.lead_days <= Number(o.value); }).length;
      o.text = lead.getAttribute("data-counted").replace("{option}", o.getAttribute("data-label")).replace("{number}", num.format(n));
      o.disabled = n === 0 && !o.selected;
    });
  }

  function apply(write) {
    if (!data) return;
    var s = state();
    var ps = pool();
    var list = ps.filter(function (p) { return passes(p, s, null); });
    var sort = sorter(s);
    if (sort) list = list.slice().sort(sort);
    counts(s, ps);
    var on = active(s);
    show(list, on);
    countEl.textContent = on ? counted(list.length) : "";
    if (write) history.replaceState(null, "", location.pathname + query(s) + location.hash);
  }

  function query(s) {
    // The search page's query stays in the address, first.
    var u = new URLSearchParams();
    var searched = new URLSearchParams(location.search).get("q");
    if (scoped && searched !== null) u.set("q", searched);
    lists.forEach(function (f) { s.lists[f.name].forEach(function (v) { u.append(f.name, v); }); });
    ["moq", "min", "max", "lead"].forEach(function (k) { if (s[k] != null) u.set(k, s[k]); });
    if (form.elements.currency.value) u.set("currency", form.elements.currency.value);
    ["oem", "odm", "samples"].forEach(function (k) { if (s[k]) u.set(k, "1"); });
    if (s.sort) u.set("sort", s.sort);
    var text = u.toString();
    return text ? "?" + text : "";
  }

  function read(u) {
    lists.forEach(function (f) {
      var want = u.getAll(f.name);
      Object.keys(f.labels).forEach(function (v) { f.labels[v].querySelector("input").checked = want.indexOf(v) >= 0; });
    });
    ["moq", "min", "max", "lead", "currency", "sort"].forEach(function (k) {
      var el = form.elements[k];
      if (u.has(k)) el.value = u.get(k);
    });
    ["oem", "odm", "samples"].forEach(function (k) { form.elements[k].checked = u.get(k) === "1"; });
  }

  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });

  // A shared link opens filtered.
  var given = new URLSearchParams(location.search);
  given.delete("q");
  if (given.toString()) open(true);
})();
