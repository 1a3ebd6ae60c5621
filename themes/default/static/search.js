// The search page: runs the query in its address (`search/?q=gloves`) with Pagefind's index
// (pagefind/, made by minisite from the catalogue) and shows the results as product cards.
// Every word comes from the page (the theme's string tables); this script only fills them in.
"use strict";
(function () {
  var script = document.currentScript;
  var $ = function (id) { return document.getElementById(id); };
  var input = $("search-q"), status = $("search-status"), list = $("search-results");
  var card = $("filters-card"), notice = $("search-notice");
  if (!input || !status || !list || !card || !notice) return;
  var root = new URL(script.dataset.root || "./", location.href);
  var lang = document.documentElement.lang || "en";
  var more = $("search-more") || document.createElement("button");
  // Results are drawn eight at first (a phone's first screen and a half), then sixteen a click:
  // each card's data is a request of its own, part of what the first query transfers.
  var first = 8, step = 16;

  // Opened from disk, browsers refuse the module and the index files search needs.
  if (location.protocol === "file:") {
    say("");
    notice.classList.add("shown");
    $("search-nojs").hidden = true;
    $("search-file").hidden = false;
    return;
  }
  notice.hidden = true;

  // The status line's words, once a search is done (the page is written busy, "Searching…").
  function say(text) {
    status.textContent = text;
    status.setAttribute("aria-busy", "false");
  }

  var plural = new Intl.PluralRules(lang), number = new Intl.NumberFormat(lang);
  function counted(n) {
    var text = status.getAttribute("data-" + plural.select(n)) || status.getAttribute("data-other") || "";
    return text.replace("{count}", number.format(n));
  }

  // The theme's card (partials/card.html, written empty for the scripts by partials/filters.html),
  // filled in from a result's Pagefind meta.
  function markup() {
    var t = document.createElement("template");
    t.innerHTML = card.textContent.trim();
    return t.content.firstElementChild;
  }
  var blank = markup();
  function draw(data, eager) {
    var node = blank.cloneNode(true);
    var m = data.meta || {};
    node.querySelector("a").href = data.url;
    var title = node.querySelector(".card-title");
    title.textContent = m.title || "";
    if (m.title_lang) { title.lang = m.title_lang; }
    var img = node.querySelector(".card-photo img");
    if (m.image && img) {
      if (m.image_srcset) {
        var source = document.createElement("source");
        source.type = m.image_type;
        source.sizes = img.getAttribute("sizes");
        source.srcset = m.image_srcset.split(", ").map(function (item) {
          var parts = item.split(" ");
          return new URL(parts[0], root).href + " " + parts[1];
        }).join(", ");
        img.parentNode.insertBefore(source, img);
      }
      img.src = new URL(m.image, root).href;
      img.width = +m.image_width; img.height = +m.image_height;
      // The first row is what a buyer sees first: not lazy.
      if (eager) { img.removeAttribute("loading"); img.fetchPriority = "high"; }
      if (m.image_color) img.style.backgroundColor = m.image_color;
    } else if (img) node.querySelector(".card-photo").remove();
    var prices = node.querySelectorAll(".card-price");
    if (m.price) {
      prices[0].querySelector("bdi").textContent = m.price;
      var from = prices[0].querySelector(".from");
      if (!m.from && from) from.remove();
      prices[1].remove();
    } else prices[0].remove();
    var moq = node.querySelector(".card-moq");
    if (moq && m.moq) moq.textContent = moq.textContent.replace("{moq}", m.moq); else if (moq) moq.remove();
    var sku = node.querySelector(".card-sku bdi");
    if (sku) sku.textContent = m.sku || "";
    var add = node.querySelector(".inquiry-add");
    if (add) button(add, m);
    return node;
  }

  // The card's "add to inquiry" button: what the card shows, and the rest from the record's
  // `inquiry` (src/search.rs: `path|moq|currency|tiers|unit`, tiers `min_qty:unit_price`).
  function button(add, m) {
    var parts = (m.inquiry || "").split("|");
    var tiers = (parts[3] || "").split(" ").filter(Boolean).map(function (t) {
      var pair = t.split(":");
      return { min_qty: +pair[0], unit_price: +pair[1] };
    });
    var data = {
      sku: m.sku || "", name: m.title || "", "name-lang": m.title_lang || lang, path: parts[0] || "",
      moq: parts[1] || "1", currency: parts[2] || "", tiers: JSON.stringify(tiers),
      unit: parts.slice(4).join("|"), thumb: m.image || "",
    };
    Object.keys(data).forEach(function (k) { add.setAttribute("data-" + k, data[k]); });
  }

  var pagefind = null, asked = 0;
  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        // Result addresses start at the site's root, wherever it is (a sub-folder too).
        // Main thread: a query is a few milliseconds of wasm, and Pagefind's worker would be
        // one more script (12 KB) to fetch before the first results.
        return pf.options({ baseUrl: root.pathname, noWorker: true }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  var found = null, drawn = 0;

  // The filter panel (filters.js) works on the results once the buyer opens it: their SKUs on
  // `box.scope`, the `box.ranked` first in the search's order (the results drawn), the others
  // after them. The SKUs come from Pagefind's `sku` filter (one file, loaded then): a query's
  // response counts each match's SKU, so no result's fragment is loaded for them.
  var box = document.querySelector("[data-filters]");
  var shown = []; // the SKUs of the results drawn, best first
  function scope(mine) {
    if (!box || !box.wanted || !found) return;
    var q = found.query;
    load().then(function (pf) {
      return pf.filters().then(function () { return pf.search(q); });
    }).then(function (result) {
      if (mine !== asked) return;
      // Every SKU is listed, with a count of 0 when it is no match.
      var counts = (result.filters || {}).sku || {};
      var all = Object.keys(counts).filter(function (s) { return counts[s] > 0; });
      var ranked = shown.filter(function (s) { return all.indexOf(s) >= 0; });
      box.scope = ranked.concat(all.filter(function (s) { return ranked.indexOf(s) < 0; }));
      box.ranked = ranked.length;
      box.dispatchEvent(new Event("scope"));
    }).catch(failed);
  }
  if (box) box.addEventListener("wanted", function () { scope(asked); });
  // Draws the next results of the current search.
  function drawMore(mine) {
    var start = drawn === 0;
    var next = found.results.slice(drawn, drawn + (start ? first : step));
    drawn += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (mine !== asked) return;
      datas.forEach(function (d) { shown.push((d.meta || {}).sku); });
      list.append.apply(list, datas.map(function (d, i) { return draw(d, start && i < 2); }));
      more.hidden = drawn >= found.results.length;
    });
  }

  function failed() {
    say("");
    notice.hidden = false; notice.classList.add("shown");
    $("search-nojs").hidden = true;
    $("search-failed").hidden = false;
  }

  function run(query) {
    var mine = ++asked;
    var q = query.trim();
    var url = new URL(location.href);
    if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!q) {
      list.replaceChildren(); say(""); more.hidden = true; found = null;
      return;
    }
    status.setAttribute("aria-busy", "true");
    load().then(function (pf) { return pf.search(q); }).then(function (result) {
      if (mine !== asked) return null;
      found = result; found.query = q; drawn = 0; shown = [];
      list.replaceChildren();
      return drawMore(mine).then(function () {
        if (mine !== asked) return;
        var n = found.results.length;
        say(n ? counted(n) : status.dataset.none.replace("{query}", q));
        scope(mine);
      });
    }).catch(failed);
  }

  more.addEventListener("click", function () { drawMore(asked).catch(failed); });

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
  });
  input.form.addEventListener("submit", function (e) { e.preventDefault(); run(input.value); });
  var start = new URLSearchParams(location.search).get("q");
  // The page is written with "Searching…" in the status, for the address's query.
  if (start) { input.value = start; run(start); } else say("");
})();
