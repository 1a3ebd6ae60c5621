// The search page: runs the query in its address (`search/?q=gloves`) with Pagefind's index
// (pagefind/, made by minisite from the catalogue) and shows the results as product cards.
// Every word comes from the page (the theme's string tables); this script only fills them in.
"use strict";
(function () {
  var script = document.currentScript;
  var $ = function (id) { return document.getElementById(id); };
  var input = $("search-q"), status = $("search-status"), list = $("search-results");
  var card = $("search-card"), notice = $("search-notice");
  if (!input || !status || !list || !card || !notice) return;
  var root = new URL(script.dataset.root || "./", location.href);
  var lang = document.documentElement.lang || "en";
  var more = $("search-more") || document.createElement("button");
  // Results are drawn a dozen at a time (a phone's first screens): each card's data is a
  // request of its own, part of what the first query transfers.
  var step = 12;

  // Opened from disk, browsers refuse the module and the index files search needs.
  if (location.protocol === "file:") {
    $("search-nojs").hidden = true;
    $("search-file").hidden = false;
    return;
  }
  notice.hidden = true;

  var plural = new Intl.PluralRules(lang), number = new Intl.NumberFormat(lang);
  function counted(n) {
    var text = status.getAttribute("data-" + plural.select(n)) || status.getAttribute("data-other") || "";
    return text.replace("{count}", number.format(n));
  }

  function draw(data, eager) {
    var node = card.content.firstElementChild.cloneNode(true);
    var m = data.meta || {};
    node.querySelector("a").href = data.url;
    var title = node.querySelector(".card-title");
    title.textContent = m.title || "";
    if (m.title_lang) { title.lang = m.title_lang; }
    var photo = node.querySelector(".card-photo");
    if (m.image) {
      var picture = document.createElement("picture"), img = document.createElement("img");
      if (m.image_srcset) {
        var source = document.createElement("source");
        source.type = m.image_type;
        source.sizes = photo.dataset.sizes;
        source.srcset = m.image_srcset.split(", ").map(function (item) {
          var parts = item.split(" ");
          return new URL(parts[0], root).href + " " + parts[1];
        }).join(", ");
        picture.append(source);
      }
      img.src = new URL(m.image, root).href;
      img.width = +m.image_width; img.height = +m.image_height;
      img.alt = "";
      // The first row is what a buyer sees first (the page's largest paint): not lazy.
      if (eager) img.fetchPriority = "high"; else { img.loading = "lazy"; img.decoding = "async"; }
      if (m.image_color) img.style.backgroundColor = m.image_color;
      picture.append(img);
      photo.append(picture);
    } else photo.remove();
    var prices = node.querySelectorAll(".card-price");
    if (m.price) {
      prices[0].querySelector("bdi").textContent = m.price;
      if (!m.from) prices[0].querySelector(".from").remove();
      prices[1].remove();
    } else prices[0].remove();
    var moq = node.querySelector(".card-moq");
    if (m.moq) moq.textContent = moq.dataset.text.replace("{moq}", m.moq); else moq.remove();
    node.querySelector(".card-sku bdi").textContent = m.sku || "";
    var add = node.querySelector(".inquiry-add"), inquiry = {};
    try { inquiry = JSON.parse(m.inquiry || "{}"); } catch (e) {}
    if (add) Object.keys(inquiry).forEach(function (k) { add.setAttribute("data-" + k, inquiry[k]); });
    return node;
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

  // The filter panel (filters.js) works on the results' pages once the buyer opens it: their
  // paths, best first, on `box.scope`. Each result's path is a request of its own, so not before.
  var box = document.querySelector("[data-filters]");
  function scope(mine) {
    if (!box || !box.wanted || !found) return;
    box.scope = [];
    Promise.all(found.results.map(function (r) { return r.data(); })).then(function (datas) {
      if (mine !== asked) return;
      box.scope = datas.map(function (d) { return new URL(d.url, location.href).pathname; });
      box.dispatchEvent(new Event("scope"));
    }).catch(failed);
  }
  if (box) box.addEventListener("wanted", function () { scope(asked); });
  // Draws the next `step` results of the current search.
  function drawMore(mine) {
    var next = found.results.slice(drawn, drawn + step);
    var first = drawn === 0;
    drawn += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (mine !== asked) return;
      list.append.apply(list, datas.map(function (d, i) { return draw(d, first && i < 2); }));
      more.hidden = drawn >= found.results.length;
    });
  }

  function failed() {
    notice.hidden = false;
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
      list.replaceChildren(); status.textContent = ""; more.hidden = true; found = null;
      return;
    }
    // Room for the results before they come, so the footer does not jump down under the buyer.
    list.classList.add("searching");
    load().then(function (pf) { return pf.search(q); }).then(function (result) {
      if (mine !== asked) return null;
      found = result; drawn = 0;
      list.replaceChildren();
      return drawMore(mine).then(function () {
        if (mine !== asked) return;
        var n = found.results.length;
        status.textContent = n ? counted(n) : status.dataset.none.replace("{query}", q);
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
  if (start) { input.value = start; run(start); }
})();
