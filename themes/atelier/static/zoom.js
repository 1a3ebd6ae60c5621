// atelier: the product photos' links open a full-screen viewer (<dialog>) instead of the bare
// image file. Without this script the links still show the largest photo, so nothing half-works.
// Keyboard: Esc closes (the dialog does it), arrows step through the photos. Its words are the
// page's (the dialog's buttons and data-template), never this file's.
(function () {
  "use strict";
  var gallery = document.querySelector(".atelier-gallery");
  var dialog = gallery && gallery.querySelector("dialog.viewer");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var img = dialog.querySelector(".viewer-img");
  var count = dialog.querySelector(".viewer-count");
  // One link a photo (the "view full size" link repeats the first one's index).
  var photos = [];
  gallery.querySelectorAll("figure a.zoom").forEach(function (a) {
    var shown = a.querySelector("img");
    photos.push({ href: a.href, alt: shown ? shown.getAttribute("alt") : "" });
  });
  var at = 0;
  var opener = null;
  // Arrows point the way of reading: in Arabic the next photo is to the left.
  var rtl = document.documentElement.dir === "rtl";

  function show(i) {
    at = (i + photos.length) % photos.length;
    img.src = photos[at].href;
    img.alt = photos[at].alt || "";
    count.textContent = count.dataset.template
      .replace("{current}", String(at + 1))
      .replace("{total}", String(photos.length));
  }

  gallery.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.zoom");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;
    e.preventDefault();
    opener = a;
    show(Number(a.dataset.index) || 0);
    dialog.showModal();
  });
  dialog.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (b && b.dataset.step) show(at + Number(b.dataset.step));
    // A click on the backdrop (the dialog itself, outside the photo) closes it too.
    else if ((b && b.hasAttribute("data-close")) || e.target === dialog) dialog.close();
  });
  dialog.addEventListener("keydown", function (e) {
    if (photos.length < 2) return;
    if (e.key === "ArrowRight") show(at + (rtl ? -1 : 1));
    else if (e.key === "ArrowLeft") show(at + (rtl ? 1 : -1));
    else return;
    e.preventDefault();
  });
  dialog.addEventListener("close", function () {
    if (opener) opener.focus();
  });
})();
