// Custodia's page script: small touches htmx does not do by itself. No inline script
// anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  // A unit's row button loads its cells once; afterwards it shows or hides them.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle");
    if (!button) return;
    var expanded = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", expanded ? "false" : "true");
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (target && button.dataset.loaded) target.hidden = expanded;
    button.dataset.loaded = "1";
  });
  // After a swap that replaced the cells' placeholder, keep the id for toggling.
  document.addEventListener("htmx:afterSwap", function (event) {
    var el = event.detail.elt;
    if (el && el.id && el.id.indexOf("cells-") === 0) el.hidden = false;
  });
})();
