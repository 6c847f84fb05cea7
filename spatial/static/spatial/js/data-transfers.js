// Exports and imports page: starts jobs through /api/v1/jobs/ and follows their progress.
// Everything the server sends back (file names, messages) is written as text, never HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("transfer-config").textContent);
  // Words come from the JavaScript catalogue (/jsi18n/).
  var gettext = window.gettext || function (text) { return text; };
  var KINDS = { "export": gettext("Export"), "import": gettext("Import") };
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var body = document.querySelector("#jobs tbody");
  var message = document.getElementById("transfer-message");
  var timer = null;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function describeError(data) {
    if (!data) return gettext("The request failed");
    var parts = [];
    if (data.detail) parts.push(data.detail);
    Object.keys(data.errors || {}).forEach(function (field) {
      parts.push(field + ": " + [].concat(data.errors[field]).join(" "));
    });
    return parts.join(" ") || gettext("The request failed");
  }

  function send(url, options) {
    options.headers = Object.assign({ "X-CSRFToken": csrf, Accept: "application/json" }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) throw new Error(describeError(data));
        return data;
      });
    });
  }

  // A folded table under a summary line: problems (open), notices and changes (closed).
  function table(title, count, headings, rows, open) {
    var details = element("details", null, "imis-problems");
    details.open = open;
    details.appendChild(element("summary", title + ": " + count));
    var grid = element("table", null, "imis-table");
    var head = grid.createTHead().insertRow();
    headings.forEach(function (heading) { head.appendChild(element("th", heading)); });
    var tbody = grid.createTBody();
    rows.forEach(function (values) {
      var row = tbody.insertRow();
      values.forEach(function (value) { row.appendChild(element("td", value)); });
    });
    details.appendChild(grid);
    return details;
  }

  function listing(title, count, items, more, open) {
    var details = table(title, count, [gettext("Row"), gettext("Field"), gettext("Message")],
      items.map(function (item) { return [item.row, item.field, item.message]; }), open);
    if (items.length < count) {
      details.insertBefore(element("p", format(more, { shown: items.length, count: count })),
                           details.children[1]);
    }
    return details;
  }

  function resultCell(job) {
    var cell = element("td");
    if (job.status === "failed") {
      cell.appendChild(element("span", job.error, "imis-error"));
      return cell;
    }
    if (job.file_url) {
      var link = element("a", gettext("Download") + " " + job.file_name);
      link.href = job.file_url;
      link.setAttribute("download", "");
      cell.appendChild(link);
    }
    var report = job.kind === "import" && job.status === "done" ? job.result : null;
    if (report) {
      cell.appendChild(element("div", format(gettext("%(rows)s rows: %(created)s new, %(updated)s changed, %(unchanged)s unchanged"), report)));
      if (report.committed) cell.appendChild(element("strong", gettext("Imported.")));
      if (report.problem_count) {
        cell.appendChild(listing(gettext("Problems"), report.problem_count, report.problems,
                                 gettext("Showing the first %(shown)s of %(count)s problems."), true));
      }
      if (report.notice_count) {
        cell.appendChild(listing(gettext("Left as they are"), report.notice_count, report.notices,
                                 gettext("Showing the first %(shown)s of %(count)s notices."), false));
      }
      if (report.changes && report.changes.length) {
        cell.appendChild(table(gettext("Changes"), report.changes.length,
          [gettext("Row"), gettext("Key"), gettext("Changed")],
          report.changes.map(function (change) {
            return [change.row, change.key, change.fields.join(", ")];
          }), false));
      }
    }
    if (job.commit_url) {
      var button = element("button", gettext("Import these rows"), "imis-button imis-approve");
      button.type = "button";
      button.addEventListener("click", function () {
        button.disabled = true;
        send(job.commit_url, { method: "POST" }).then(refresh, showError);
      });
      cell.appendChild(button);
    }
    if (job.kind === "export" && job.status === "done" && job.result && job.result.features !== undefined) {
      cell.appendChild(element("div", format(gettext("%(count)s features"), { count: job.result.features })));
    }
    return cell;
  }

  function render(jobs) {
    body.textContent = "";
    if (!jobs.length) {
      var empty = body.insertRow();
      var cell = element("td", gettext("No exports or imports yet."));
      cell.colSpan = 5;
      empty.appendChild(cell);
    }
    jobs.forEach(function (job) {
      var row = body.insertRow();
      row.dataset.job = job.id;
      row.dataset.status = job.status;
      row.appendChild(element("td", new Date(job.created_at).toLocaleString(document.documentElement.lang)));
      var what = KINDS[job.kind] + " · " + job.layer;
      if (job.kind === "import") {
        what += " · " + (job.parameters.file || "") + " · " + (job.parameters.commit ? gettext("Import these rows") : gettext("Check"));
      } else {
        what += " · " + job.parameters.format;
        if (job.parameters.area) what += " · " + gettext("drawn area");
      }
      row.appendChild(element("td", what));
      row.appendChild(element("td", job.status_label + (job.stage && job.status === "running" ? " – " + job.stage : "")));
      var progressCell = element("td");
      var bar = element("progress", null, "imis-job-progress");
      bar.max = 100;
      if (job.percent !== null) bar.value = job.percent;
      progressCell.appendChild(bar);
      if (job.total) progressCell.appendChild(element("span", " " + job.done + " / " + job.total));
      row.appendChild(progressCell);
      row.appendChild(resultCell(job));
    });
  }

  function refresh() {
    // The newest page of the user's jobs (the list answers count, next, results).
    return send(config.urls.jobs, { method: "GET" }).then(function (page) {
      var jobs = page.results;
      render(jobs);
      var busy = jobs.some(function (job) { return job.status === "queued" || job.status === "running"; });
      clearTimeout(timer);
      if (busy) timer = setTimeout(refresh, 1000);
    }, showError);
  }

  function showError(error) {
    message.textContent = error.message;
  }

  // The optional area: a rectangle or polygon drawn on a small map of the wards.
  var drawnArea = null;
  var areaStatus = document.getElementById("export-area-status");
  var clearArea = document.getElementById("export-area-clear");
  var areaMap = IMISMap.createMap(document.getElementById("export-area-map"), config);
  var drawn = new L.FeatureGroup().addTo(areaMap);
  IMISMap.fetchGeoJSON(config.urls.wards).then(function (wards) {
    L.geoJSON(wards, { style: { color: "#555", weight: 1, fill: false }, interactive: false }).addTo(areaMap);
  }, function () { /* the outline is a guide only */ });
  areaMap.addControl(IMISMap.shapeDrawControl());
  areaMap.on(L.Draw.Event.CREATED, function (event) {
    drawn.clearLayers();
    drawn.addLayer(event.layer);
    drawnArea = event.layer.toGeoJSON().geometry;
    areaStatus.textContent = gettext("Only features in the drawn area will be exported.");
    clearArea.hidden = false;
  });
  clearArea.addEventListener("click", function () {
    drawn.clearLayers();
    drawnArea = null;
    areaStatus.textContent = "";
    clearArea.hidden = true;
  });

  var exportForm = document.getElementById("export-form");
  exportForm.addEventListener("submit", function (event) {
    event.preventDefault();
    message.textContent = "";
    var data = { layer: exportForm.layer.value, format: exportForm.format.value };
    if (exportForm.ward.value) data.ward = Number(exportForm.ward.value);
    if (drawnArea) data.area = drawnArea;
    send(config.urls.exports, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
    }).then(refresh, showError);
  });

  var importForm = document.getElementById("import-form");
  if (importForm) {
    importForm.addEventListener("submit", function (event) {
      event.preventDefault();
      message.textContent = "";
      var data = new FormData(importForm);
      if (!data.get("source_layer")) data.delete("source_layer");
      send(config.urls.imports, { method: "POST", body: data }).then(function () {
        importForm.reset();
        return refresh();
      }, showError);
    });
  }

  refresh();
})();
