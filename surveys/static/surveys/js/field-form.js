// The questionnaire on the phone, rendered from the definition the server validates with
// (surveys/form.py): the question's words, code lists as labels, limits, and skip logic (a
// question its rules leave out is hidden and its answer dropped). Photos are made smaller
// on the phone before they are kept.
(function (global) {
  "use strict";
  const gettext = global.gettext || ((text) => text);
  const numbers = new Intl.NumberFormat(document.documentElement.lang === "bn" ? "bn-BD" : "en");

  function asked(question, values) {
    return (question.askedWhen || []).every((rule) => {
      const given = values[rule.question] === undefined ? null : values[rule.question];
      return "is" in rule ? given === rule.is : given !== rule.isNot;
    });
  }

  // One question's input; `read()` gives its answer as the API takes it (undefined: none).
  function field(question, value, changed, prefix) {
    const box = document.createElement("div");
    box.className = "imis-q";
    box.dataset.name = question.name;
    const id = prefix + question.name;
    const label = document.createElement(question.kind === "yes_no" ? "p" : "label");
    label.className = "imis-q-label";
    label.textContent = question.label + (question.required ? " *" : "");
    if (question.kind !== "yes_no") { label.htmlFor = id; }
    box.appendChild(label);
    let read;
    if (question.kind === "yes_no") {
      const group = document.createElement("div");
      group.className = "imis-q-choices";
      group.setAttribute("role", "radiogroup");
      group.setAttribute("aria-label", question.label);
      question.choices.forEach((choice, index) => {
        const option = document.createElement("label");
        const input = document.createElement("input");
        input.type = "radio";
        input.name = id;
        input.value = String(index);
        input.checked = value !== undefined && value === choice[0];
        input.addEventListener("change", changed);
        option.appendChild(input);
        option.appendChild(document.createTextNode(" " + choice[1]));
        group.appendChild(option);
      });
      box.appendChild(group);
      read = () => {
        const chosen = group.querySelector("input:checked");
        return chosen ? question.choices[Number(chosen.value)][0] : undefined;
      };
    } else {
      let input;
      if (question.kind === "choice") {
        input = document.createElement("select");
        input.appendChild(new Option("–", ""));
        question.choices.forEach((choice) => input.appendChild(new Option(choice[1], choice[0])));
      } else {
        input = document.createElement("input");
        input.type = { integer: "number", decimal: "number", date: "date" }[question.kind] || "text";
        if (question.kind === "integer") { input.inputMode = "numeric"; input.step = "1"; }
        if (question.kind === "decimal") { input.inputMode = "decimal"; input.step = "0.01"; }
        if (question.min !== undefined) { input.min = String(question.min); }
        if (question.max !== undefined) { input.max = String(question.max); }
        if (question.maxLength) { input.maxLength = question.maxLength; }
      }
      input.id = id;
      input.name = question.name;
      input.value = value === undefined || value === null ? "" : String(value);
      input.addEventListener("input", changed);
      input.addEventListener("change", changed);
      box.appendChild(input);
      read = () => {
        const raw = input.value.trim();
        if (raw === "") { return undefined; }
        if (question.kind === "integer") { return Number(raw); }
        return raw;
      };
    }
    const error = document.createElement("p");
    error.className = "imis-field-error";
    error.setAttribute("role", "alert");
    box.appendChild(error);
    return { question: question, box: box, read: read, error: error };
  }

  // A form of `questions` in `container`, filled with `answers`. Returns read(), check()
  // (the problems the phone can see, by question) and showErrors(server errors).
  function render(container, questions, answers, onChange, prefix) {
    prefix = prefix || "q-";
    container.textContent = "";
    const fields = [];
    const groups = [];
    const refresh = () => {
      const values = read();
      fields.forEach((f) => {
        const shown = asked(f.question, values);
        f.box.hidden = !shown;
      });
      if (onChange) { onChange(); }
    };
    questions.forEach((question) => {
      if (question.kind === "repeat") {
        groups.push(repeat(container, question, (answers || {})[question.name] || [], refresh, prefix));
        return;
      }
      const f = field(question, (answers || {})[question.name], refresh, prefix);
      fields.push(f);
      container.appendChild(f.box);
    });
    function read() {
      const values = {};
      fields.forEach((f) => {
        const value = f.read();
        if (value !== undefined) { values[f.question.name] = value; }
      });
      // A question left out drops its answer (the server would refuse it).
      fields.forEach((f) => { if (!asked(f.question, values)) { delete values[f.question.name]; } });
      groups.forEach((g) => {
        const items = g.read();
        if (items.length) { values[g.question.name] = items; }
      });
      return values;
    }
    function check() {
      const values = read();
      const problems = {};
      fields.forEach((f) => {
        f.error.textContent = "";
        if (f.box.hidden) { return; }
        const value = values[f.question.name];
        if (f.question.required && value === undefined) { problems[f.question.name] = gettext("This question needs an answer."); }
        if (typeof value === "number" && ((f.question.min !== undefined && value < f.question.min) || (f.question.max !== undefined && value > f.question.max))) {
          problems[f.question.name] = global.IMISFieldForm.format(gettext("Between %(min)s and %(max)s."), { min: f.question.min, max: f.question.max });
        }
        if (problems[f.question.name]) { f.error.textContent = problems[f.question.name]; }
      });
      return problems;
    }
    function showErrors(errors) {
      fields.forEach((f) => {
        const said = errors[f.question.name];
        f.error.textContent = said ? [].concat(said).join(" ") : "";
      });
    }
    refresh();
    return { read: read, check: check, showErrors: showErrors };
  }

  // A repeated group (the households): one small form per item, added and removed.
  function repeat(container, question, items, changed, prefix) {
    const box = document.createElement("fieldset");
    box.className = "imis-q-repeat";
    const legend = document.createElement("legend");
    legend.textContent = question.label;
    box.appendChild(legend);
    const list = document.createElement("div");
    box.appendChild(list);
    const forms = [];
    const add = (answers) => {
      const item = document.createElement("div");
      item.className = "imis-q-item";
      const title = document.createElement("p");
      title.className = "imis-q-label";
      item.appendChild(title);
      const inner = document.createElement("div");
      item.appendChild(inner);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "imis-button";
      remove.textContent = gettext("Remove");
      item.appendChild(remove);
      list.appendChild(item);
      const entry = { item: item, form: null };
      entry.form = render(inner, question.questions, answers, changed, prefix + question.name + forms.length + "-");
      forms.push(entry);
      remove.addEventListener("click", () => {
        forms.splice(forms.indexOf(entry), 1);
        item.remove();
        renumber();
        changed();
      });
      renumber();
    };
    const renumber = () => forms.forEach((entry, index) => {
      entry.item.firstChild.textContent = global.IMISFieldForm.format(gettext("Household %(number)s"), { number: index + 1 });
    });
    items.forEach(add);
    const more = document.createElement("button");
    more.type = "button";
    more.className = "imis-button";
    more.textContent = gettext("Add a household");
    more.addEventListener("click", () => { add({}); changed(); });
    box.appendChild(more);
    container.appendChild(box);
    return { question: question, read: () => forms.map((entry) => entry.form.read()) };
  }

  // A photo made at most `side` pixels on its longer side, as JPEG.
  function shrink(file, side) {
    return createImageBitmap(file).then((bitmap) => {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.75));
    });
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => {
      const value = values[key];
      return typeof value === "number" ? numbers.format(value) : value;
    });
  }

  global.IMISFieldForm = { render: render, shrink: shrink, format: format, asked: asked };
})(window);
