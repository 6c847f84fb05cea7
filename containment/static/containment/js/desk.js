// The help desk's call intake (issue 25): find the caller's building by what he reads off
// his tax bill or plate (Bangla or Latin digits), see each containment with what waits,
// take a request, or put a second call's details on the request already open.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var page = document.getElementById("desk");
  var config = IMISMap.readConfig(page);
  var $ = function (id) { return document.getElementById(id); };
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var current = null; // the building shown

  function status(text) { $("desk-status").textContent = text; }

  var errorText = IMISMap.errorText;

  function call(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ Accept: "application/json", "X-CSRFToken": csrf }, options.headers || {});
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    });
  }

  var dates = new Intl.DateTimeFormat(document.documentElement.lang === "bn" ? "bn-BD" : "en", { dateStyle: "medium" });
  function date(value) {
    return value ? dates.format(new Date(value.length === 10 ? value + "T00:00:00" : value)) : "–";
  }

  // ------------------------------------------------------------------ search
  $("desk-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("desk-q").value.trim();
    if (!text) { status(gettext("Type what the caller reads from the plate or the tax bill.")); return; }
    status(gettext("Searching…"));
    call(config.urls.search + "?q=" + encodeURIComponent(text)).then(function (answer) {
      var list = $("desk-results");
      list.textContent = "";
      var found = answer.ok ? answer.body.results.filter(function (r) {
        return r.register === "buildings" || r.register === "containments";
      }) : [];
      if (!found.length) { status(gettext("Nothing found.")); return; }
      status(IMISMap.format(gettext("%(count)s found; choose the caller's."), { count: found.length }));
      found.forEach(function (result) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "imis-button";
        button.textContent = result.title + ": " + result.label;
        button.addEventListener("click", function () {
          open(result.register === "buildings" ? "building=" + result.id : "containment=" + result.id);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (found.length === 1) { list.querySelector("button").click(); }
    });
  });

  // ------------------------------------------------------------------ the call card
  function open(query) {
    status(gettext("Loading…"));
    delete page.dataset.card;
    return call(config.urls.card + "?" + query).then(function (answer) {
      if (!answer.ok) { status(errorText(answer.body, answer.status)); return; }
      current = answer.body.building;
      $("desk-results").textContent = "";
      show(answer.body);
      status("");
      page.dataset.card = String(current.id);
    });
  }

  function show(card) {
    var b = card.building;
    $("desk-building").textContent = IMISMap.format(gettext("Building %(bin)s"), { bin: b.bin });
    var facts = [];
    if (b.holding_number) { facts.push(IMISMap.format(gettext("Holding %(number)s"), { number: b.holding_number })); }
    if (b.ward !== null) { facts.push(IMISMap.format(gettext("Ward %(number)s"), { number: b.ward })); }
    if (b.road) { facts.push(b.road); }
    if (b.functional_use) { facts.push(b.functional_use); }
    $("desk-building-facts").textContent = facts.join(" · ");
    var box = $("desk-containments");
    box.textContent = "";
    if (!card.containments.length) {
      var none = document.createElement("p");
      none.textContent = gettext("No containment is recorded for this building. Ask the GIS officer to add it before a request is taken.");
      box.appendChild(none);
    }
    card.containments.forEach(function (c) { box.appendChild(containment(c, card.providers)); });
    $("desk-card").hidden = false;
  }

  function containment(c, providers) {
    var node = $("desk-containment").content.firstElementChild.cloneNode(true);
    node.dataset.containment = c.code;
    var slot = function (name) { return node.querySelector("[data-slot='" + name + "']"); };
    slot("title").textContent = c.code + " · " + c.containment_type;
    slot("facts").textContent = [
      gettext("Compliance") + ": " + (c.compliance || gettext("not assessed")),
      gettext("Last emptied") + ": " + date(c.last_emptied_on),
    ].join(" · ");
    var waiting = c.open_request;
    if (waiting) {
      slot("open").hidden = false;
      slot("open-text").textContent = [
        waiting.status_label + (waiting.is_emergency ? " (" + gettext("emergency") + ")" : ""),
        waiting.origin === "plan"
          ? IMISMap.format(gettext("put on the scheduled-desludging plan %(date)s"), { date: date(waiting.requested_at) })
          : IMISMap.format(gettext("asked %(date)s by %(name)s, %(phone)s"), { date: date(waiting.requested_at), name: waiting.applicant_name, phone: waiting.applicant_phone }),
        waiting.scheduled_for ? IMISMap.format(gettext("visit on %(date)s (%(provider)s)"), { date: date(waiting.scheduled_for), provider: waiting.provider }) : "",
      ].filter(Boolean).join("; ");
    }
    if (waiting && waiting.status === "scheduled") {
      var sheet = document.createElement("a");
      sheet.href = config.urls.sheet.replace("/0/", "/" + waiting.id + "/");
      sheet.className = "imis-button";
      sheet.textContent = gettext("Job sheet to print");
      slot("open").insertBefore(sheet, slot("schedule"));
    }
    slot("recent").textContent = c.recent_requests.length ? gettext("Earlier:") + " " + c.recent_requests.map(function (r) {
      return date(r.requested_at) + " " + r.status_label;
    }).join(", ") : "";
    var form = node.querySelector("form.imis-desk-request");
    node.querySelectorAll("[data-for]").forEach(function (label) {
      var input = label.closest("form").elements[label.dataset.for];
      input.id = "desk-" + c.id + "-" + label.dataset.for;
      label.htmlFor = input.id;
    });
    slot("form-title").textContent = waiting ? gettext("A second call: update the waiting request") : gettext("New emptying request");
    slot("submit").textContent = waiting ? gettext("Update the request") : gettext("Take the request");
    if (waiting) {
      form.elements.applicant_name.value = waiting.applicant_name;
      form.elements.applicant_phone.value = waiting.applicant_phone;
      form.elements.proposed_date.value = waiting.proposed_date || "";
      form.elements.is_emergency.checked = waiting.is_emergency;
      form.elements.access_notes.value = waiting.access_notes;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(form, c, waiting, slot("error"));
    });
    if (waiting && ["requested", "scheduled"].indexOf(waiting.status) >= 0) {
      scheduling(slot("schedule"), c, waiting, providers, slot);
    } else {
      slot("schedule").remove();
    }
    return node;
  }

  // Scheduling: the providers serving the ward, the date the planner suggests (else the
  // caller's), and how full the chosen provider's day already is.
  function scheduling(form, c, waiting, providers, slot) {
    var select = form.elements.provider;
    if (!providers.length) {
      slot("day").textContent = gettext("No active provider serves this ward.");
      form.querySelector("button").disabled = true;
    }
    providers.forEach(function (p) {
      var option = new Option(p.name, String(p.id));
      option.selected = waiting.provider === p.name;
      select.appendChild(option);
    });
    form.elements.scheduled_for.value = (waiting.scheduled_for || c.planned_date || waiting.proposed_date || "").slice(0, 10);
    if (c.planned_date) {
      slot("day").textContent = IMISMap.format(gettext("The planner suggests %(date)s."), { date: date(c.planned_date) });
    }
    function day() {
      if (!select.value || !form.elements.scheduled_for.value) { return; }
      call(config.urls.providerDay + "?provider=" + select.value + "&day=" + form.elements.scheduled_for.value).then(function (answer) {
        if (!answer.ok) { return; }
        slot("day").textContent = IMISMap.format(gettext("%(provider)s that day: jobs booked %(jobs)s, vehicles in service %(vehicles)s."), {
          provider: select.options[select.selectedIndex].text, jobs: answer.body.jobs, vehicles: answer.body.vehicles,
        });
        form.dataset.day = String(answer.body.jobs);
      });
    }
    select.addEventListener("change", day);
    form.elements.scheduled_for.addEventListener("change", day);
    day();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      slot("schedule-error").textContent = "";
      var body = { provider: parseInt(select.value, 10), scheduled_for: form.elements.scheduled_for.value };
      call(config.urls.requests + waiting.id + "/schedule/", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      }).then(function (answer) {
        if (!answer.ok) { slot("schedule-error").textContent = errorText(answer.body, answer.status); return; }
        return open("building=" + current.id).then(function () {
          status(gettext("The visit is scheduled."));
          page.dataset.scheduled = String(waiting.id);
        });
      });
    });
  }

  function submit(form, c, waiting, error) {
    error.textContent = "";
    var body = {
      applicant_name: form.elements.applicant_name.value.trim(),
      applicant_phone: form.elements.applicant_phone.value.trim(),
      proposed_date: form.elements.proposed_date.value || null,
      is_emergency: form.elements.is_emergency.checked,
      access_notes: form.elements.access_notes.value.trim(),
    };
    if (!waiting) { body.containment = c.id; }
    var url = waiting ? config.urls.requests + waiting.id + "/" : config.urls.requests;
    call(url, { method: waiting ? "PATCH" : "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (answer) {
        if (answer.status === 409) {
          // Another desk took it a moment ago: show the request that waits, to update it.
          status(errorText(answer.body, 409));
          return open("building=" + current.id);
        }
        if (!answer.ok) { error.textContent = errorText(answer.body, answer.status); return; }
        return open("building=" + current.id).then(function () {
          status(waiting ? gettext("The request is updated.") : gettext("The request is taken."));
          page.dataset.saved = String(answer.body.id);
        });
      });
  }
})();
