// The Kobo/ODK import page (issue 24): read an export, map its columns and codes to the
// questionnaire (saved per form and reused), say who its Kobo users are, dry run, import.
// The server reads, checks and imports; this page only gathers the supervisor's choices.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var page = document.getElementById("kobo");
  var config = IMISMap.readConfig(page);
  var $ = function (id) { return document.getElementById(id); };
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var state = { questions: [], mappings: {}, inspected: null, mappingId: null, dryRun: false };
  var OUTCOMES = {
    importable: gettext("Can be imported"), imported: gettext("Imported"),
    duplicate: gettext("Imported before"), invalid: gettext("Refused"),
    unmapped: gettext("Kobo user not mapped"), conflict: gettext("Conflict"),
  };

  function status(text) { $("kobo-status").textContent = text; }
  function fail(text) { $("kobo-error").textContent = text; status(""); delete page.dataset.busy; }

  var errorText = IMISMap.errorText;

  function request(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ Accept: "application/json", "X-CSRFToken": csrf }, options.headers || {});
    return fetch(url, options).then(function (response) {
      if (response.status === 204) { return null; }
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok) { throw new Error(errorText(body, response.status)); }
        return body;
      });
    });
  }

  function fileBody(extra) {
    var body = new FormData();
    body.append("file", $("kobo-file").files[0]);
    if (state.mappingId) { body.append("mapping", String(state.mappingId)); }
    Object.keys(extra || {}).forEach(function (key) { body.append(key, extra[key]); });
    return body;
  }

  function loadMappings() {
    return request(config.urls.mappings + "?limit=200").then(function (body) {
      var select = $("kobo-mapping");
      body.results.forEach(function (mapping) {
        if (mapping.municipality !== config.municipality) { return; }
        state.mappings[mapping.id] = mapping;
        var label = mapping.name + (mapping.questionnaire_version === config.version ? "" : " (" + mapping.questionnaire_version + ")");
        var option = new Option(label, String(mapping.id));
        option.disabled = mapping.questionnaire_version !== config.version;
        select.insertBefore(option, select.options[select.options.length - 1]);
      });
    });
  }

  function loadQuestions() {
    return request(config.urls.questionnaire).then(function (body) {
      state.questions = body.questions.filter(function (q) { return q.kind !== "repeat"; });
    });
  }

  // ------------------------------------------------------------------ the mapping editor
  function option(select, value, label, selected) {
    var node = new Option(label, value);
    node.selected = !!selected;
    select.appendChild(node);
  }

  function columnSelect(id, label, chosen) {
    var select = document.createElement("select");
    select.id = id;
    select.setAttribute("aria-label", label);
    option(select, "", gettext("— not in this form —"), !chosen);
    state.inspected.columns.forEach(function (column) {
      var text = column.sample ? column.name + " (" + IMISMap.format(gettext("e.g. %(sample)s"), { sample: column.sample.slice(0, 30) }) + ")" : column.name;
      option(select, column.name, text, column.name === chosen);
    });
    return select;
  }

  function sameCode(question, raw) {
    var lower = raw.toLowerCase();
    var found = question.choices.filter(function (choice) {
      return String(choice[0]).toLowerCase() === lower || String(choice[1]).toLowerCase() === lower;
    })[0];
    return found ? found[0] : undefined;
  }

  function codeTable(question, columnName, saved) {
    var wrap = document.createElement("div");
    wrap.className = "imis-kobo-codes";
    var column = state.inspected.columns.filter(function (c) { return c.name === columnName; })[0];
    if (!question.choices || !column || !column.values) { return wrap; }
    column.values.forEach(function (pair) {
      var raw = pair[0];
      var row = document.createElement("div");
      row.className = "imis-kobo-code";
      var select = document.createElement("select");
      select.dataset.question = question.name;
      select.dataset.raw = raw;
      var label = document.createElement("label");
      label.textContent = IMISMap.format(gettext("%(code)s (%(count)s rows)"), { code: raw, count: pair[1] });
      select.id = "code-" + question.name + "-" + column.values.indexOf(pair);
      label.htmlFor = select.id;
      var known = saved && Object.prototype.hasOwnProperty.call(saved, raw) ? saved[raw] : sameCode(question, raw);
      option(select, "", gettext("— choose —"), known === undefined);
      question.choices.forEach(function (choice) {
        option(select, JSON.stringify(choice[0]), choice[1] + " [" + String(choice[0]) + "]", known !== undefined && known === choice[0]);
      });
      if (!question.choices.some(function (c) { return c[0] === null; })) {
        option(select, "null", gettext("No answer"), known === null);
      }
      row.appendChild(label);
      row.appendChild(select);
      wrap.appendChild(row);
    });
    return wrap;
  }

  function editorRow(tbody, key, label, question, chosen, codes) {
    var tr = document.createElement("tr");
    tr.dataset.target = key;
    var th = document.createElement("th");
    th.scope = "row";
    th.textContent = label;
    var select = columnSelect("column-" + key, label, chosen);
    select.dataset.target = key;
    var cellSelect = document.createElement("td");
    cellSelect.appendChild(select);
    var cellCodes = document.createElement("td");
    if (question) { cellCodes.appendChild(codeTable(question, chosen, codes)); }
    select.addEventListener("change", function () {
      cellCodes.textContent = "";
      if (question) { cellCodes.appendChild(codeTable(question, select.value, null)); }
      if (key === "username") { showUsers(); }
    });
    tr.appendChild(th);
    tr.appendChild(cellSelect);
    tr.appendChild(cellCodes);
    tbody.appendChild(tr);
  }

  function showEditor() {
    var mapping = state.mappings[state.mappingId] || null;
    var columns = mapping ? mapping.columns : state.inspected.suggested;
    var codes = mapping ? mapping.codes : {};
    $("kobo-mapping-name").value = mapping ? mapping.name : "";
    var tbody = document.querySelector("#kobo-columns tbody");
    tbody.textContent = "";
    config.meta.forEach(function (meta) { editorRow(tbody, meta[0], meta[1], null, columns[meta[0]], null); });
    state.questions.forEach(function (question) {
      editorRow(tbody, question.name, question.label, question.choices ? question : null, columns[question.name], codes[question.name]);
    });
    $("kobo-mapping-form").hidden = false;
  }

  function editorValue() {
    var columns = {};
    var codes = {};
    document.querySelectorAll("#kobo-columns select[data-target]").forEach(function (select) {
      if (select.value) { columns[select.dataset.target] = select.value; }
    });
    document.querySelectorAll("#kobo-columns select[data-raw]").forEach(function (select) {
      if (!select.value || !columns[select.dataset.question]) { return; }
      codes[select.dataset.question] = codes[select.dataset.question] || {};
      codes[select.dataset.question][select.dataset.raw] = JSON.parse(select.value);
    });
    return { municipality: config.municipality, name: $("kobo-mapping-name").value.trim(),
             questionnaire_version: config.version, columns: columns, codes: codes };
  }

  function saveMapping() {
    var value = editorValue();
    var existing = state.mappings[state.mappingId];
    var url = existing ? config.urls.mappings + existing.id + "/" : config.urls.mappings;
    return request(url, {
      method: existing ? "PUT" : "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(value),
    }).then(function (mapping) {
      var fresh = !state.mappings[mapping.id];
      state.mappings[mapping.id] = mapping;
      state.mappingId = mapping.id;
      var select = $("kobo-mapping");
      if (fresh) {
        select.insertBefore(new Option(mapping.name, String(mapping.id)), select.options[select.options.length - 1]);
      } else {
        select.querySelector("option[value='" + mapping.id + "']").textContent = mapping.name;
      }
      select.value = String(mapping.id);
      status(IMISMap.format(gettext("Mapping %(name)s saved."), { name: mapping.name }));
      return mapping;
    });
  }

  // ------------------------------------------------------------------ users and the run
  // The Kobo users are the values of the column chosen as the user name (the editor's
  // choice when it is shown): each is offered the enumerators, the one known preselected.
  function userColumn() {
    var select = $("column-username");
    if (select && !$("kobo-mapping-form").hidden) { return select.value; }
    return state.inspected.suggested.username || "";
  }

  function knownEnumerator(name) {
    var known = state.inspected.usernames[name] || state.inspected.accounts[name];
    if (known) { return known; }
    return state.inspected.enumerators.indexOf(name) >= 0 ? name : "";
  }

  function showUsers() {
    var tbody = document.querySelector("#kobo-users-table tbody");
    tbody.textContent = "";
    var column = state.inspected.columns.filter(function (c) { return c.name === userColumn(); })[0];
    var names = column && column.values ? column.values.map(function (pair) { return pair[0]; }) : [];
    names.forEach(function (name, index) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = name;
      var select = document.createElement("select");
      select.id = "kobo-user-" + index;
      select.dataset.kobo = name;
      select.setAttribute("aria-label", IMISMap.format(gettext("Enumerator for Kobo user %(name)s"), { name: name }));
      var known = knownEnumerator(name);
      option(select, "", gettext("— not mapped —"), !known);
      state.inspected.enumerators.forEach(function (user) { option(select, user, user, user === known); });
      var td = document.createElement("td");
      td.appendChild(select);
      tr.appendChild(th);
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    $("kobo-users").hidden = names.length === 0;
  }

  function chosenUsers() {
    var chosen = {};
    document.querySelectorAll("#kobo-users-table select").forEach(function (select) {
      if (select.value) { chosen[select.dataset.kobo] = select.value; }
    });
    return chosen;
  }

  function showReport(body) {
    var counts = Object.keys(body.counts).map(function (outcome) {
      return (OUTCOMES[outcome] || outcome) + ": " + IMISMap.number(body.counts[outcome]);
    });
    $("kobo-counts").textContent = (body.committed ? gettext("Imported.") : gettext("Dry run: nothing was kept.")) + " " + counts.join(" · ");
    var tbody = document.querySelector("#kobo-rows tbody");
    tbody.textContent = "";
    body.rows.slice(0, 500).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.dataset.outcome = row.outcome;
      [IMISMap.number(row.row), row.instance, OUTCOMES[row.outcome] || row.outcome,
       row.detail ? errorText(row.detail) : (row.flags || []).join(", ")].forEach(function (text) {
        var td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    $("kobo-report").hidden = false;
    $("kobo-done").hidden = !body.committed;
  }

  function run(commit) {
    $("kobo-error").textContent = "";
    page.dataset.busy = "1";
    status(commit ? gettext("Importing…") : gettext("Checking every row…"));
    var saving = $("kobo-mapping-form").hidden ? Promise.resolve() : saveMapping();
    return saving.then(function () {
      return request(config.urls.import, {
        method: "POST",
        body: fileBody({ commit: commit ? "true" : "false", enumerators: JSON.stringify(chosenUsers()) }),
      });
    }).then(function (body) {
      showReport(body);
      status(commit ? gettext("The rows are waiting on the review desk.") : gettext("Dry run finished."));
      $("kobo-commit").disabled = commit;
      delete page.dataset.busy;
      page.dataset.done = commit ? "import" : "dry-run";
    }).catch(function (error) { fail(error.message); });
  }

  $("kobo-file-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("kobo-error").textContent = "";
    if (!$("kobo-file").files.length) { fail(gettext("Choose the export file first.")); return; }
    var choice = $("kobo-mapping").value;
    state.mappingId = choice && choice !== "new" ? parseInt(choice, 10) : null;
    page.dataset.busy = "1";
    status(gettext("Reading the file…"));
    request(config.urls.inspect, { method: "POST", body: fileBody() }).then(function (body) {
      state.inspected = body;
      status(IMISMap.format(gettext("%(rows)s rows, %(columns)s columns."), { rows: body.rows, columns: body.columns.length }));
      $("kobo-mapping-form").hidden = true;
      if (choice) { showEditor(); }
      showUsers();
      $("kobo-run").hidden = false;
      $("kobo-report").hidden = true;
      $("kobo-commit").disabled = true;
      delete page.dataset.busy;
      page.dataset.read = "1";
    }).catch(function (error) { fail(error.message); });
  });
  $("kobo-mapping-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("kobo-error").textContent = "";
    saveMapping().catch(function (error) { fail(error.message); });
  });
  // A changed mapping or user choice needs a new dry run before it imports.
  ["kobo-mapping-form", "kobo-users"].forEach(function (id) {
    $(id).addEventListener("change", function () { $("kobo-commit").disabled = true; });
  });
  $("kobo-dry-run").addEventListener("click", function () { run(false); });
  $("kobo-commit").addEventListener("click", function () { run(true); });
  ["kobo-file", "kobo-mapping"].forEach(function (id) {
    $(id).addEventListener("change", function () { $("kobo-run").hidden = true; $("kobo-mapping-form").hidden = true; });
  });

  Promise.all([loadMappings(), loadQuestions()]).then(function () { page.dataset.ready = "1"; })
    .catch(function (error) { fail(error.message); });
})();
