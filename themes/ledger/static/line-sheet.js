// The line sheet's "Print" button: printing needs a script to start it, so the button is
// hidden in the page and shown here. Without JavaScript the browser's own Print does the same.
(function () {
  var b = document.querySelector("[data-print]");
  if (!b) return;
  b.closest("[hidden]").hidden = false;
  b.addEventListener("click", function () { window.print(); });
})();
