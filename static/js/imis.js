// Behaviour shared by every page: language switch submits on change; print links.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // The header's menu on a phone: the button shows and hides the navigation.
  document.querySelectorAll("[data-menu-toggle]").forEach(function (button) {
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("imis-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  // Print links (no inline handlers: the Content-Security-Policy forbids them).
  document.querySelectorAll("[data-print]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
  });
})();
