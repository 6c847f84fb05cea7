// A campaign's progress (issue 24): submissions per day stacked by enumerator (chart and
// table), the points of one day on a map, and coverage per ward against the buildings on
// the map and the targets. Every figure comes from the server's selectors.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var page = document.getElementById("progress");
  var config = IMISMap.readConfig(page);
  var $ = function (id) { return document.getElementById(id); };
  var bengali = document.documentElement.lang === "bn";
  var percent = new Intl.NumberFormat(bengali ? "bn-BD" : "en", { style: "percent", maximumFractionDigits: 0 });
  var dayName = new Intl.DateTimeFormat(bengali ? "bn-BD" : "en", { day: "numeric", month: "short", timeZone: "UTC" });
  var PALETTE = ["#1f78b4", "#33a02c", "#e31a1c", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#8c8c8c"];
  var STATUS = { approved: "#1a9641", pending: "#fdae61", returned: "#2b83ba", rejected: "#d7191c" };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.detail || String(response.status)); }
        return body;
      });
    });
  }

  function row(tbody, values, header) {
    var tr = document.createElement("tr");
    values.forEach(function (value, index) {
      var td = document.createElement(index === 0 && header ? "th" : "td");
      if (index === 0 && header) { td.scope = "row"; }
      td.textContent = value === null || value === undefined ? "–" : typeof value === "number" ? IMISMap.number(value) : String(value);
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
    return tr;
  }

  function label(day) { return dayName.format(new Date(day + "T00:00:00Z")); }

  // ------------------------------------------------------------------ chart and table
  function drawProgress(data) {
    var days = data.days.map(function (d) { return d.day; });
    var names = data.enumerators.map(function (e) { return e.enumerator; });
    var cells = {};
    data.enumerator_days.forEach(function (item) { cells[item.enumerator + "|" + item.day] = item.submissions; });
    if (window.Chart) {
      Chart.defaults.animation = false;
      Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      new Chart($("progress-chart"), {
        type: "bar",
        data: {
          labels: days.map(label),
          datasets: names.map(function (name, index) {
            return { label: name, backgroundColor: PALETTE[index % PALETTE.length],
                     data: days.map(function (day) { return cells[name + "|" + day] || 0; }) };
          }),
        },
        options: {
          maintainAspectRatio: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0, callback: function (v) { return IMISMap.number(v); } } } },
          plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + IMISMap.number(ctx.parsed.y); } } } },
        },
      });
    }
    var active = {};
    data.enumerator_days.forEach(function (item) { active[item.enumerator] = (active[item.enumerator] || 0) + 1; });
    var tbody = document.querySelector("#progress-enumerators tbody");
    tbody.textContent = "";
    data.enumerators.forEach(function (e) {
      row(tbody, [e.enumerator, e.submissions, e.surveyed, e.pending, e.returned, e.rejected, active[e.enumerator] || 0], true).dataset.enumerator = e.enumerator;
    });
    if (!data.enumerators.length) {
      row(tbody, [gettext("Nothing received yet.")]).firstChild.colSpan = 7;
    }
    var select = $("progress-day");
    days.slice().reverse().forEach(function (day) {
      var total = data.days.filter(function (d) { return d.day === day; })[0].submissions;
      select.appendChild(new Option(label(day) + " (" + IMISMap.number(total) + ")", day));
    });
    names.forEach(function (name) { $("progress-who").appendChild(new Option(name, name)); });
    page.dataset.chart = String(days.length);
  }

  // ------------------------------------------------------------------ the day's points
  var map = IMISMap.createMap($("progress-map"), config);
  var wards = L.geoJSON(null, { style: { color: "#2166ac", weight: 1.5, fill: false }, interactive: false }).addTo(map);
  var points = L.geoJSON(null, {
    filter: function (feature) { return !$("progress-who").value || feature.properties.enumerator === $("progress-who").value; },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 6, weight: 1, color: "#222", fillOpacity: 0.9,
        fillColor: STATUS[feature.properties.status] || "#999", className: "imis-day-point imis-day-" + feature.properties.status });
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindPopup(IMISMap.popupTable([
        [gettext("Enumerator"), p.enumerator], [gettext("Status"), config.statusLabels[p.status] || p.status],
        [gettext("Ward"), p.ward === null ? "–" : IMISMap.number(p.ward)], [gettext("Time"), p.time.slice(11, 16)],
        [gettext("Flags"), p.flags.map(function (f) { return config.flagLabels[f] || f; }).join(", ") || "–"],
      ]));
    },
  }).addTo(map);
  IMISMap.legend(map, gettext("Status"), Object.keys(STATUS).map(function (status) {
    return { shape: "dot", color: "#222", fill: STATUS[status], label: config.statusLabels[status] || status };
  }));
  var dayData = null;

  function showPoints() {
    points.clearLayers();
    if (!dayData) { return; }
    points.addData(dayData);
    var shown = points.getLayers().length;
    $("progress-points-status").textContent = IMISMap.format(gettext("%(count)s submissions on the map."), { count: shown });
    if (shown) { map.fitBounds(points.getBounds(), { maxZoom: 17, padding: [20, 20] }); }
    page.dataset.points = String(shown);
  }

  function loadDay() {
    var day = $("progress-day").value;
    if (!day) { return Promise.resolve(); }
    delete page.dataset.points;
    return getJSON(config.urls.points + "?day=" + day).then(function (data) { dayData = data; showPoints(); });
  }
  $("progress-day").addEventListener("change", loadDay);
  $("progress-who").addEventListener("change", showPoints);

  // ------------------------------------------------------------------ coverage
  function drawCoverage(rows) {
    var tbody = document.querySelector("#progress-coverage tbody");
    tbody.textContent = "";
    rows.forEach(function (r) {
      var ofTarget = r.target ? percent.format(Math.min(r.surveyed / r.target, 9.99)) : null;
      row(tbody, [IMISMap.format(gettext("Ward %(number)s"), { number: r.number }), r.buildings, r.target, r.surveyed,
                  r.coverage === null ? null : percent.format(r.coverage), ofTarget], true).dataset.ward = String(r.number);
    });
  }

  $("progress-age").textContent = IMISMap.format(gettext("As of %(time)s."), {
    time: new Intl.DateTimeFormat(bengali ? "bn-BD" : "en", { dateStyle: "medium", timeStyle: "short" }).format(new Date()),
  });
  Promise.all([
    getJSON(config.urls.progress).then(drawProgress).then(loadDay),
    getJSON(config.urls.coverage).then(drawCoverage),
    getJSON(config.urls.wards + "&limit=1000").then(function (data) {
      wards.addData(data);
      if (data.features.length && !dayData) { map.fitBounds(wards.getBounds()); }
    }),
  ]).then(function () { page.dataset.loaded = "1"; }).catch(function (error) {
    $("progress-points-status").textContent = gettext("Could not load") + ": " + error.message;
  });
})();
