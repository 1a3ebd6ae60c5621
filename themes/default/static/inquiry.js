// The inquiry list: "Add to inquiry" buttons, the header's count, and the inquiry page
// (inquiry/), where the buyer sets quantities and sends one request for all the products.
//
// The list is kept in localStorage under a key naming the site's root folder: two sites on one
// host (/a/ and /b/) keep their own, and one site's languages share one list. Each product keeps
// its name and unit words per language it was seen in; a page shows its own language's, else the
// one it was added in (marked with its `lang`). Every word comes from the page (data attributes
// and a <template> the theme writes with its string table), never from this file.
(function () {
  "use strict";
  // Published at the site's root, so the script's folder is the site's.
  var siteRoot = new URL(".", document.currentScript.src).pathname;
  var KEY = "minisite-inquiry:" + siteRoot;
  var lang = document.documentElement.lang || "en";
  var memory = null; // the list when the browser refuses storage (some private modes)

  function parse(text, fallback) {
    try {
      var v = JSON.parse(text);
      return v === null || v === undefined ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function count(v) {
    var n = Math.floor(Number(v));
    return isFinite(n) && n > 0 ? n : 0;
  }

  // A site path (`products/x/`, `img/x.webp`): never an address on another host or a script.
  function sitePath(v) {
    return typeof v === "string" && !/^[a-z][a-z0-9+.-]*:|^[\/\\]|\\/i.test(v) ? v : "";
  }

  // An entry as stored, checked field by field: a damaged or old one is dropped (null), so a
  // bad entry never breaks a page.
  function clean(e) {
    if (!isObject(e) || typeof e.sku !== "string" || !e.sku || !sitePath(e.path)) return null;
    var names = {}, units = {};
    Object.keys(isObject(e.names) ? e.names : {}).forEach(function (l) {
      var n = e.names[l];
      if (isObject(n) && typeof n.text === "string") names[l] = { text: n.text, lang: String(n.lang || l) };
    });
    Object.keys(isObject(e.units) ? e.units : {}).forEach(function (l) {
      if (isObject(e.units[l])) units[l] = e.units[l];
    });
    if (!Object.keys(names).length) return null;
    var tiers = (Array.isArray(e.tiers) ? e.tiers : []).filter(function (t) {
      return isObject(t) && count(t.min_qty) && isFinite(t.unit_price);
    });
    var target = Number(e.target);
    return {
      sku: e.sku,
      path: e.path,
      moq: count(e.moq) || 1,
      qty: count(e.qty) || count(e.moq) || 1,
      target: e.target !== null && e.target !== "" && isFinite(target) && target >= 0 ? target : null,
      currency: typeof e.currency === "string" ? e.currency : "",
      unit: typeof e.unit === "string" ? e.unit : "",
      thumb: sitePath(e.thumb),
      tiers: tiers.map(function (t) { return { min_qty: count(t.min_qty), unit_price: Number(t.unit_price) }; }),
      names: names,
      units: units,
    };
  }

  function load() {
    var raw = memory;
    try {
      raw = localStorage.getItem(KEY) || memory;
    } catch (e) {}
    var state = parse(raw, {});
    if (!isObject(state)) state = {};
    var seen = {};
    state.items = (Array.isArray(state.items) ? state.items : []).map(clean).filter(function (i) {
      if (!i || seen[i.sku]) return false;
      return (seen[i.sku] = true);
    });
    state.buyer = isObject(state.buyer) ? state.buyer : {};
    return state;
  }

  function save(state) {
    memory = JSON.stringify(state);
    try {
      localStorage.setItem(KEY, memory);
    } catch (e) {}
  }

  function find(state, sku) {
    for (var i = 0; i < state.items.length; i++) if (state.items[i].sku === sku) return i;
    return -1;
  }

  // `{name}` in a string of the page's table, filled in.
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) {
      return k in values ? values[k] : m;
    });
  }

  function mine(map) {
    if (map[lang]) return map[lang];
    var langs = Object.keys(map);
    return langs.length ? map[langs[0]] : null;
  }

  // Quantities shown inside a sentence keep their own direction, and amounts read left to right
  // as the theme's prices do (`<bdi dir="ltr">`), so an Arabic page keeps `US$ 9.80` in order.
  // Only on screen: a message's text gets no invisible characters.
  function iso(text) {
    return "\u2068" + text + "\u2069";
  }

  function ltr(text) {
    return "\u2066" + text + "\u2069";
  }

  function number(n) {
    return new Intl.NumberFormat(lang).format(n);
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency }).format(amount);
    } catch (e) {
      return currency + "\u00a0" + number(amount); // no ISO 4217 code
    }
  }

  // What the inquiry page knows of every product in its language: names and unit words.
  var known = { names: {}, units: {} };

  // The product's name in this page's language when the page knows it, else as it was added.
  function nameOf(item) {
    var n = known.names[item.sku];
    return Array.isArray(n) && typeof n[0] === "string" ? { text: n[0], lang: String(n[1]) } : mine(item.names);
  }

  // The product's unit in the form the number asks for in this language (`1 set`, `40 sets`).
  function unit(item, n) {
    var forms = known.units[item.unit] || mine(item.units) || {};
    return forms[new Intl.PluralRules(lang).select(n)] || forms.other || "";
  }

  function quantity(item, n) {
    return (number(n) + " " + unit(item, n)).trim();
  }

  function fromButton(b) {
    var d = b.dataset, names = {}, units = {};
    names[lang] = { text: d.name, lang: d.nameLang || lang };
    units[lang] = parse(d.units, {});
    return clean({
      sku: d.sku, path: d.path, moq: d.moq, unit: d.unit, currency: d.currency, thumb: d.thumb,
      tiers: parse(d.tiers, []), names: names, units: units,
    });
  }

  var live = document.querySelector(".inquiry-live");

  function announce(which, name) {
    if (!live) return;
    // Emptied first, so the same words said twice are announced twice.
    live.textContent = "";
    setTimeout(function () {
      live.textContent = fill(live.dataset[which], { name: name });
    }, 50);
  }

  function showButtons(state) {
    document.querySelectorAll(".inquiry-add").forEach(function (b) {
      var inList = find(state, b.dataset.sku) >= 0;
      b.textContent = inList ? b.dataset.remove : b.dataset.add;
      b.classList.toggle("in-list", inList);
      b.hidden = false;
    });
    document.querySelectorAll(".inquiry-count-link").forEach(function (a) {
      a.hidden = state.items.length === 0;
      a.querySelector(".inquiry-count").textContent = number(state.items.length);
    });
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".inquiry-add");
    if (!b) return;
    var state = load(), i = find(state, b.dataset.sku), item = fromButton(b);
    if (!item) return;
    if (i >= 0) state.items.splice(i, 1);
    else state.items.push(item);
    save(state);
    showButtons(state);
    announce(i >= 0 ? "removed" : "added", item.names[lang].text);
  });

  var state = load();
  showButtons(state);
  // Cards drawn later (the filter panel's, search results) bring their own buttons: shown and
  // labelled as the page's. Clicks need nothing more (one listener on the document).
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      var added = changes.some(function (c) {
        return [].some.call(c.addedNodes, function (n) {
          return n.nodeType === 1 && (n.matches(".inquiry-add") || n.querySelector(".inquiry-add"));
        });
      });
      if (added) showButtons(load());
    }).observe(document.body, { childList: true, subtree: true });
  }
  var app = document.querySelector(".inquiry-app");
  if (app) page(app);
  // Another tab changed the list: this one follows.
  window.addEventListener("storage", function (e) {
    if (e.key !== KEY) return;
    var s = load();
    showButtons(s);
    if (app) page(app);
  });

  // The inquiry page.
  function page(app) {
    var d = app.dataset;
    known.names = isObject(parse(d.names, {})) ? parse(d.names, {}) : {};
    known.units = isObject(parse(d.units, {})) ? parse(d.units, {}) : {};
    var form = app.querySelector(".inquiry-form");
    var rows = app.querySelector(".inquiry-rows");
    var tmpl = document.getElementById("inquiry-row");
    var fields = form.querySelectorAll(".inquiry-buyer input, .inquiry-buyer select, textarea[name=notes]");
    var nojs = document.querySelector(".inquiry-needs-js");
    if (nojs) nojs.remove();
    app.hidden = false;
    var state = load();
    app.querySelector(".inquiry-empty").hidden = state.items.length > 0;
    form.hidden = state.items.length === 0;

    function absolute(path) {
      return d.address ? d.address + path : new URL(d.pages + path + d.index, location).href;
    }

    rows.textContent = "";
    state.items.forEach(function (item, n) {
      var row = tmpl.content.firstElementChild.cloneNode(true);
      var name = nameOf(item);
      var link = row.querySelector(".inquiry-name a");
      link.textContent = name.text;
      link.href = d.pages + item.path + d.index;
      if (name.lang !== lang) link.lang = name.lang;
      if (item.thumb) {
        // Made here, not in the <template>: an <img> needs its src to be valid HTML.
        var img = document.createElement("img");
        img.className = "inquiry-thumb";
        img.alt = "";
        img.width = 96;
        img.height = 72;
        img.decoding = "async";
        img.src = d.root + item.thumb;
        row.insertBefore(img, row.firstChild);
      }
      row.querySelector(".inquiry-sku").textContent = item.sku;
      var qty = row.querySelector(".inquiry-qty"), target = row.querySelector(".inquiry-target");
      var warning = row.querySelector(".inquiry-warning");
      qty.id = "inquiry-qty-" + n;
      target.id = "inquiry-target-" + n;
      warning.id = "inquiry-warning-" + n;
      qty.setAttribute("aria-describedby", warning.id);
      row.querySelector(".inquiry-qty-label").htmlFor = qty.id;
      var priceLabel = row.querySelector(".inquiry-target-label");
      priceLabel.htmlFor = target.id;
      priceLabel.textContent = fill(d.priceLabel, { currency: item.currency });
      qty.value = item.qty;
      if (item.target !== null) target.value = item.target;
      var remove = row.querySelector(".inquiry-remove");
      remove.setAttribute("aria-label", fill(d.removeItem, { name: name.text }));
      function terms() {
        row.querySelector(".inquiry-unit").textContent = unit(item, item.qty);
        warning.textContent = item.qty < item.moq ? fill(d.belowMoq, { moq: iso(quantity(item, item.moq)) }) : "";
        var tier = item.tiers.filter(function (t) { return t.min_qty <= item.qty; }).pop();
        row.querySelector(".inquiry-list-price").textContent = tier
          ? fill(d.listPrice, { price: ltr(money(tier.unit_price, item.currency)) })
          : "";
      }
      qty.addEventListener("input", function () {
        item.qty = count(qty.value) || 1;
        keep();
        terms();
      });
      target.addEventListener("input", function () {
        var v = Number(target.value);
        item.target = target.value !== "" && isFinite(v) && v >= 0 ? v : null;
        keep();
      });
      remove.addEventListener("click", function () {
        var s = load(), i = find(s, item.sku);
        if (i >= 0) s.items.splice(i, 1);
        save(s);
        announce("removed", name.text);
        showButtons(s);
        page(app);
        var next = rows.querySelector(".inquiry-qty") || app.querySelector(".inquiry-empty a");
        if (next) next.focus();
      });
      terms();
      rows.appendChild(row);
    });

    // A choice is kept by its place in the list, the same in every language.
    fields.forEach(function (f) {
      var kept = state.buyer[f.name];
      if (typeof kept !== "string") kept = "";
      else if (f.tagName === "SELECT") f.selectedIndex = Math.min(count(kept), f.options.length - 1);
      else f.value = kept;
      f.oninput = f.onchange = function () {
        state.buyer[f.name] = f.tagName === "SELECT" ? String(f.selectedIndex) : f.value;
        keep();
      };
    });

    // Saves what the buyer typed and writes the message into every way of sending it.
    function keep() {
      var s = load();
      s.items = state.items;
      s.buyer = state.buyer;
      save(s);
      send();
    }

    function label(f) {
      var l = f.closest("label");
      return l ? l.firstChild.textContent.trim() : f.name;
    }

    // Totals of target prices, one per currency: EUR is never added to USD.
    function totals(shown) {
      var as = shown ? ltr : String;
      var sums = {}, order = [];
      state.items.forEach(function (i) {
        if (i.target === null || !i.currency) return;
        if (!(i.currency in sums)) (sums[i.currency] = 0), order.push(i.currency);
        sums[i.currency] += i.qty * i.target;
      });
      return order.map(function (c) {
        return fill(d.total, { currency: c, amount: as(money(sums[c], c)) });
      });
    }

    function message() {
      var lines = [d.greeting, "", d.intro, ""];
      state.items.forEach(function (i) {
        lines.push(fill(d.line, { sku: i.sku, name: nameOf(i).text, quantity: quantity(i, i.qty), url: absolute(i.path) }));
        if (i.target !== null) lines.push(fill(d.target, { price: money(i.target, i.currency) }));
      });
      var sums = totals();
      if (sums.length) lines.push.apply(lines, [""].concat(sums));
      var filled = [];
      fields.forEach(function (f) {
        var value = f.tagName === "SELECT" ? (f.selectedIndex > 0 ? f.options[f.selectedIndex].text : "") : f.value.trim();
        if (value) filled.push(fill(d.field, { label: label(f), value: value }));
      });
      if (filled.length) lines.push.apply(lines, [""].concat(filled));
      return lines.join("\n");
    }

    function send() {
      var text = message();
      var shown = app.querySelector(".inquiry-totals");
      shown.textContent = "";
      totals(true).forEach(function (t) {
        var p = document.createElement("p");
        p.textContent = t;
        shown.appendChild(p);
      });
      var enc = encodeURIComponent;
      var email = app.querySelector("[data-send=email]");
      if (email) {
        // RFC 6068: subject and body percent-encoded, line breaks as %0D%0A. Mail clients drop
        // or cut much longer links: past about 2,000 characters the buyer copies the text.
        var head = "mailto:" + email.dataset.to + "?subject=" + enc(d.subject);
        var full = head + "&body=" + enc(text.replace(/\n/g, "\r\n"));
        var long = full.length > 2000;
        email.href = long ? head : full;
        var box = app.querySelector(".inquiry-long");
        box.hidden = !long;
        box.querySelector(".inquiry-text").value = long ? text : "";
      }
      var wa = app.querySelector("[data-send=whatsapp]");
      if (wa) wa.href = wa.href.split("?")[0] + "?text=" + enc(text);
      var post = form.querySelector(".inquiry-post");
      post.querySelector("[name=message]").value = text;
      post.querySelectorAll(".inquiry-line").forEach(function (i) { i.remove(); });
      state.items.forEach(function (i, n) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.className = "inquiry-line";
        input.name = "product_" + (n + 1);
        input.value = fill(d.line, { sku: i.sku, name: nameOf(i).text, quantity: quantity(i, i.qty), url: absolute(i.path) });
        post.appendChild(input);
      });
    }

    form.onsubmit = function (e) {
      send();
      if (!form.getAttribute("action")) e.preventDefault();
    };
    var copy = app.querySelector("[data-copy]");
    if (copy) {
      copy.onclick = function () {
        var area = app.querySelector(".inquiry-text");
        var done = function () {
          app.querySelector(".inquiry-copied").textContent = d.copied;
        };
        var fallback = function () {
          area.select();
          if (document.execCommand("copy")) done();
        };
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(area.value).then(done, fallback);
        else fallback();
      };
    }
    send();
  }
})();
