// Compare: "Compare" toggles on rows and product pages keep the chosen SKUs, and the comparison
// page (compare/) shows their specifications side by side: a row per spec name (the union over
// the products, in the order first met), a column per product.
//
// The SKUs are kept in localStorage under a key naming the site's root folder, as the inquiry
// list does: two sites on one host keep their own, one site's languages share one choice. Every
// word comes from the page (data attributes, the compare page's <template>s), none from here.
(function () {
  "use strict";
  var siteRoot = new URL(".", document.currentScript.src).pathname;
  var KEY = "minisite-compare:" + siteRoot;
  var MAX = 4; // more columns than a phone can scroll through usefully
  var memory = "[]"; // when the browser refuses storage (some private modes)

  function load() {
    var raw;
    try { raw = localStorage.getItem(KEY) || memory; } catch (e) { raw = memory; }
    try { var v = JSON.parse(raw); return Array.isArray(v) ? v : []; } catch (e) { return []; }
  }
  function save(list) {
    memory = JSON.stringify(list);
    try { localStorage.setItem(KEY, memory); } catch (e) { /* kept in memory for this page */ }
  }

  var live = document.querySelector(".compare-live");
  function say(text) { if (live) live.textContent = text; }
  function fill(s, name) { return s.replace("{name}", name); }

  function paint() {
    var list = load();
    document.querySelectorAll(".compare-toggle").forEach(function (b) {
      var on = list.indexOf(b.dataset.sku) >= 0;
      b.hidden = false;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? b.dataset.remove : b.dataset.add;
    });
    document.querySelectorAll(".compare-link").forEach(function (a) {
      a.hidden = list.length === 0;
      var n = a.querySelector(".compare-count");
      if (n) n.textContent = String(list.length);
    });
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".compare-toggle");
    if (!b) return;
    var list = load();
    var i = list.indexOf(b.dataset.sku);
    if (i >= 0) {
      list.splice(i, 1);
      say(fill(b.dataset.removed, b.dataset.name));
    } else if (list.length >= MAX) {
      say(b.dataset.full);
      return;
    } else {
      list.push(b.dataset.sku);
      say(fill(b.dataset.added, b.dataset.name));
    }
    save(list);
    paint();
    if (document.querySelector("[data-compare-table]")) table();
  });

  // The comparison page.
  function table() {
    var box = document.querySelector("[data-compare-table]");
    var data = JSON.parse(document.getElementById("compare-data").textContent);
    var bySku = {};
    data.forEach(function (p) { bySku[p.sku] = p; });
    var chosen = load().map(function (s) { return bySku[s]; }).filter(Boolean);
    document.querySelector("[data-compare-empty]").hidden = chosen.length > 0;
    box.hidden = chosen.length === 0;
    if (!chosen.length) return;
    var labels = [];
    chosen.forEach(function (p) {
      p.specs.forEach(function (s) { if (labels.indexOf(s.label) < 0) labels.push(s.label); });
    });
    var t = document.createElement("table");
    t.className = "compare-table";
    var head = t.createTHead().insertRow();
    var corner = document.createElement("td");
    head.appendChild(corner);
    chosen.forEach(function (p) {
      var th = document.createElement("th");
      th.scope = "col";
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.name;
      a.dir = "auto";
      th.appendChild(a);
      var sku = document.createElement("span");
      sku.className = "compare-sku";
      sku.textContent = p.sku;
      th.appendChild(sku);
      var rm = document.querySelector("#compare-remove").content.firstElementChild.cloneNode(true);
      rm.dataset.sku = p.sku;
      rm.dataset.name = p.name;
      th.appendChild(rm);
      head.appendChild(th);
    });
    var body = t.createTBody();
    var rows = [["facts-moq", function (p) { return p.moq; }], ["facts-price", function (p) { return p.price; }]];
    rows.forEach(function (r) {
      var label = box.dataset[r[0].replace("-", "")];
      addRow(body, label, chosen.map(r[1]));
    });
    labels.forEach(function (l) {
      addRow(body, l, chosen.map(function (p) {
        var s = p.specs.filter(function (s) { return s.label === l; })[0];
        return s ? s.value : "";
      }));
    });
    box.replaceChildren(t);
    paint();
  }
  function addRow(body, label, values) {
    var tr = body.insertRow();
    var th = document.createElement("th");
    th.scope = "row";
    th.textContent = label;
    tr.appendChild(th);
    values.forEach(function (v) {
      var td = tr.insertCell();
      td.textContent = v || "–";
    });
  }

  paint();
  if (document.querySelector("[data-compare-table]")) table();
})();
