/* The process modeler of an item draft: bpmn-js (vendored production bundle, global BpmnJS) on the draft's
   diagram, a side form of our own for the selected element (its settings are read and written on the server,
   in the dialect the diagram already uses), saving with the bundle checker's problems marked on the canvas.
   The bpmn.io watermark that bpmn-js draws stays visible: nothing here covers or hides it. */
(function () {
  "use strict";

  var modeler, config, selected = null, marked = [];

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    });
  }

  function text(key, values) {
    return (config.messages[key] || key).replace(/\{(\w+)\}/g, function (_m, name) { return values[name]; });
  }

  function status(message, state) {
    var box = document.getElementById("save-status");
    box.textContent = message;
    box.dataset.state = state || "";
  }

  function markProblems(problems) {
    var canvas = modeler.get("canvas"), registry = modeler.get("elementRegistry");
    marked.forEach(function (id) { if (registry.get(id)) { canvas.removeMarker(id, "has-problem"); } });
    marked = [];
    var list = document.getElementById("problem-list");
    list.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.className = "problem problem-" + p.severity;
      li.dataset.elementId = p.element_id || "";
      li.textContent = p.text;
      list.appendChild(li);
      if (p.severity === "error" && p.element_id && registry.get(p.element_id)) {
        canvas.addMarker(p.element_id, "has-problem");
        marked.push(p.element_id);
      }
    });
  }

  function save() {
    status(text("saving"), "saving");
    return modeler.saveXML({ format: true }).then(function (result) {
      return post(config.save_url, { xml: result.xml, stamp: config.stamp });
    }).then(function (answer) {
      if (!answer.ok) { status(answer.data.message || text("save_failed"), "failed"); return; }
      config.stamp = answer.data.stamp;
      markProblems(answer.data.problems);
      var errors = answer.data.problems.filter(function (p) { return p.severity === "error"; }).length;
      status(errors ? text("saved_errors", { n: errors }) : text("saved_ok"), errors ? "invalid" : "saved");
    }).catch(function () { status(text("save_failed"), "failed"); });
  }

  function isEditable(element) {
    var bo = element && element.businessObject;
    if (!bo) { return false; }
    if (bo.$type === "bpmn:UserTask") { return true; }
    return (bo.eventDefinitions || []).some(function (d) { return d.$type === "bpmn:TimerEventDefinition"; });
  }

  function fill(settings) {
    var form = document.getElementById("element-form");
    form.querySelector(".task-only").hidden = settings.kind !== "userTask";
    form.querySelector(".timer-only").hidden = settings.kind !== "timer";
    if (settings.kind === "userTask") {
      setValue("el-form", settings.form);
      setValue("el-group", settings.group_from === "lane" ? "" : settings.group);
      setValue("el-step", settings.caseStep);
      document.getElementById("el-limit").value = settings.stepLimitDays || "";
    } else if (settings.kind === "timer") {
      document.getElementById("el-timer").value = settings.timer_days || "";
    }
  }

  function setValue(id, value) {
    var select = document.getElementById(id);
    if (value && !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      var option = document.createElement("option");
      option.value = option.textContent = value;
      select.appendChild(option);
    }
    select.value = value || "";
  }

  function fillPicker() {
    var picker = document.getElementById("element-picker");
    while (picker.options.length > 1) { picker.remove(1); }
    modeler.get("elementRegistry").filter(isEditable).forEach(function (element) {
      var option = document.createElement("option");
      option.value = element.id;
      option.textContent = (element.businessObject.name || element.id) + "（" + element.id + "）";
      picker.appendChild(option);
    });
    picker.value = selected || "";
  }

  function select(element) {
    var form = document.getElementById("element-form");
    document.getElementById("element-picker").value = isEditable(element) ? element.id : "";
    document.getElementById("element-error").textContent = "";
    if (!isEditable(element)) {
      selected = null;
      form.hidden = true;
      document.getElementById("element-none").hidden = false;
      return;
    }
    selected = element.id;
    document.getElementById("element-label").textContent = (element.businessObject.name || "") + "（" + element.id + "）";
    modeler.saveXML().then(function (result) {
      return post(config.settings_url, { xml: result.xml, element_id: element.id });
    }).then(function (answer) {
      // Another element may have been picked while this answer was on its way: show only the current one.
      if (!answer.ok || selected !== element.id) { return; }
      fill(answer.data.settings);
      form.hidden = false;
      form.dataset.elementId = element.id;
      document.getElementById("element-none").hidden = true;
    });
  }

  function apply(event) {
    event.preventDefault();
    if (!selected) { return; }
    var id = selected, form = document.getElementById("element-form");
    var values = {};
    ["form", "group", "caseStep", "stepLimitDays", "timer_days"].forEach(function (name) {
      var field = form.elements[name];
      if (field && !field.closest("[hidden]")) { values[name] = field.value; }
    });
    var canvas = modeler.get("canvas"), box = canvas.viewbox();
    status(text("applying"), "applying");  // until the answer is in the diagram: saving now would lose it
    modeler.saveXML().then(function (result) {
      return post(config.settings_url, { xml: result.xml, element_id: id, values: values });
    }).then(function (answer) {
      if (!answer.ok) {
        document.getElementById("element-error").textContent = answer.data.message;
        status("", "");
        return;
      }
      return modeler.importXML(answer.data.xml).then(function () {
        canvas.viewbox(box);
        var element = modeler.get("elementRegistry").get(id);
        fillPicker();
        if (element) { modeler.get("selection").select(element); }
        status(text("applied", { id: id }), "applied");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("modeler-canvas");
    config = JSON.parse(document.getElementById("modeler-config").textContent);
    if (typeof window.BpmnJS !== "function") {
      container.textContent = container.dataset.unavailable;
      return;
    }
    modeler = new window.BpmnJS({ container: container, keyboard: { bindTo: document } });
    window.oneWindowModeler = modeler;  // the bpmn-js API, for the browser console and scripted browser tests
    fetch(config.xml_url, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (xml) { return modeler.importXML(xml); })
      .then(function () {
        var canvas = modeler.get("canvas");
        canvas.zoom("fit-viewport");
        var box = canvas.viewbox();  // leave room for the palette on the left
        canvas.viewbox({ x: box.x - 70 / box.scale, y: box.y, width: box.width, height: box.height });
        fillPicker();
        container.dataset.loaded = "true";
      })
      .catch(function (err) { container.dataset.loaded = "failed"; status(text("cannot_show") + err.message, "failed"); });
    modeler.on("selection.changed", function (e) { select(e.newSelection.length === 1 ? e.newSelection[0] : null); });
    document.getElementById("save-diagram").addEventListener("click", save);
    document.getElementById("element-picker").addEventListener("change", function (e) {
      var element = e.target.value && modeler.get("elementRegistry").get(e.target.value);
      if (element) { modeler.get("selection").select(element); } else { modeler.get("selection").select(null); }
    });
    document.getElementById("element-form").addEventListener("submit", apply);
  });
})();
