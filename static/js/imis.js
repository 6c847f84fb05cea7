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
  // The header's search box (core/search.py): answers as the officer types; Enter opens
  // the first. Its words come from the form's data attributes (no catalogue needed here).
  document.querySelectorAll("form.imis-search").forEach(function (form) {
    var input = form.querySelector("input");
    var box = form.querySelector(".imis-search-results");
    var timer = null;
    var controller = null;
    var first = null;
    function close() {
      box.hidden = true;
    }
    function show(results) {
      box.textContent = "";
      first = results.length ? results[0].url : null;
      if (!results.length) {
        var none = document.createElement("p");
        none.textContent = form.dataset.empty;
        box.appendChild(none);
      }
      var list = document.createElement("ul");
      results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.title + ": " + result.key;
        item.appendChild(link);
        if (result.label) {
          var label = document.createElement("span");
          label.className = "imis-search-label";
          label.textContent = result.label;
          item.appendChild(label);
        }
        if (result.lat !== null) {
          var map = document.createElement("a");
          map.className = "imis-search-map";
          map.href = form.dataset.map + "#map=19/" + result.lat + "/" + result.lon;
          map.textContent = form.dataset.onMap;
          item.appendChild(map);
        }
        list.appendChild(item);
      });
      box.appendChild(list);
      box.hidden = false;
    }
    function ask() {
      var text = input.value.trim();
      if (!text) { close(); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      fetch(form.dataset.url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { Accept: "application/json" }, signal: controller.signal,
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (body) { show(body.results); }).catch(function (error) {
        if (error.name === "AbortError") { return; }
        box.textContent = form.dataset.failed;
        box.hidden = false;
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (first) { window.location.href = first; } else { ask(); }
    });
  });
})();
