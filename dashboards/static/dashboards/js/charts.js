// Overview and ward pages: draws the charts from the figures the server put in
// #dashboard-config. Chart.js is served from the project's own static files.
(function () {
  "use strict";
  var node = document.getElementById("dashboard-config");
  if (!node) { return; }
  var config = JSON.parse(node.textContent);
  var data = config.overview;
  var labels = config.labels;
  // Words come from the JavaScript catalogue (/jsi18n/); code lists with the page's data.
  var gettext = window.gettext || function (text) { return text; };
  if (!data || !window.Chart) { return; }

  var RUNG_COLOURS = {
    safely_managed: "#1a9641", basic: "#a6d96a", limited: "#ffffbf",
    unimproved: "#fdae61", open_defecation: "#d7191c", unknown: "#bdbdbd",
  };
  var COMPLIANCE_COLOURS = {
    compliant: "#1a9641", non_compliant: "#d7191c", unknown: "#bdbdbd", not_assessed: "#eeeeee",
  };
  var number = new Intl.NumberFormat(config.language === "bn" ? "bn-BD" : "en");
  // Month names in the page's language, from the browser's own calendar data.
  var monthName = new Intl.DateTimeFormat(config.language === "bn" ? "bn-BD" : "en", { month: "short" });
  var MONTHS = [];
  for (var m = 0; m < 12; m += 1) { MONTHS.push(monthName.format(new Date(2001, m, 15))); }
  var percent = new Intl.NumberFormat(config.language === "bn" ? "bn-BD" : "en",
    { style: "percent", maximumFractionDigits: 1 });

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.locale = config.language === "bn" ? "bn-BD" : "en";

  function draw(id, options) {
    var canvas = document.getElementById(id);
    if (!canvas) { return null; }
    return new Chart(canvas, options);
  }

  // JMP ladder: people per rung, best first.
  draw("chart-ladder", {
    type: "bar",
    data: {
      labels: data.ladder.map(function (r) { return r.label; }),
      datasets: [{
        label: gettext("People"),
        data: data.ladder.map(function (r) { return r.people; }),
        backgroundColor: data.ladder.map(function (r) { return RUNG_COLOURS[r.rung]; }),
        borderColor: "#555", borderWidth: 1,
      }],
    },
    options: {
      indexAxis: "y",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) {
          var row = data.ladder[ctx.dataIndex];
          return number.format(row.people) + " " + gettext("People") +
            (row.share === null ? "" : " (" + percent.format(row.share) + ")");
        } } },
      },
    },
  });

  var compliance = data.compliance;
  var statuses = ["compliant", "non_compliant", "unknown", "not_assessed"];
  draw("chart-compliance", {
    type: "doughnut",
    data: {
      labels: statuses.map(function (s) { return labels.compliance[s]; }),
      datasets: [{
        data: statuses.map(function (s) { return compliance[s]; }),
        backgroundColor: statuses.map(function (s) { return COMPLIANCE_COLOURS[s]; }),
      }],
    },
    // Beside the doughnut where there is room, below it on a phone (it was clipped there).
    options: { plugins: { legend: { position: window.innerWidth < 600 ? "bottom" : "right" } } },
  });

  var months = data.emptying_by_month;
  draw("chart-emptying", {
    type: "bar",
    data: {
      labels: MONTHS,
      datasets: [
        { label: gettext("Requests received"), data: months.map(function (m) { return m.requests; }),
          backgroundColor: "#fdae61" },
        { label: gettext("Emptied"), data: months.map(function (m) { return m.emptied; }),
          backgroundColor: "#2166ac" },
        { label: gettext("Delivered to a plant"), data: months.map(function (m) { return m.delivered; }),
          backgroundColor: "#1a9641" },
      ],
    },
  });

  var wards = data.ward ? data.wards.filter(function (w) { return w.ward === data.ward.id; })
    : data.wards;
  var coverage = draw("chart-coverage", {
    type: "bar",
    data: {
      labels: wards.map(function (w) { return w.label; }),
      datasets: [{
        label: gettext("Survey coverage"),
        data: wards.map(function (w) { return w.values.survey_coverage === null ? null
          : Math.round(w.values.survey_coverage * 1000) / 10; }),
        backgroundColor: "#2166ac",
      }],
    },
    options: {
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: { legend: { display: false } },
      onClick: function (event, elements) {
        if (!elements.length || data.ward) { return; }
        var ward = wards[elements[0].index];
        window.location = config.wardUrl.replace("/0/", "/" + ward.ward + "/") +
          "?year=" + data.year;
      },
    },
  });
  document.body.dataset.chartsDrawn = String(Chart.instances ?
    Object.keys(Chart.instances).length : 0);
  if (coverage) { coverage.canvas.dataset.wards = String(wards.length); }
})();
