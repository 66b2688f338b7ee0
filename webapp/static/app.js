/* OneWindow: small progressive enhancements. Every page works without this file; the server decides. */
(function () {
  "use strict";

  /* Array rows: copy the row <template>, renumbering its stand-in index (__i0__, __i1__ ... by depth). */
  function nextIndex(array) {
    var base = array.dataset.name + "[";
    var highest = -1;
    array.querySelectorAll("[data-rows] [name]").forEach(function (input) {
      if (input.name.indexOf(base) === 0) {
        var match = /^(\d+)\]/.exec(input.name.slice(base.length));
        if (match) { highest = Math.max(highest, parseInt(match[1], 10)); }
      }
    });
    return highest + 1;
  }

  function renumber(node, placeholder, index) {
    node.querySelectorAll("*").forEach(function (element) {
      Array.prototype.slice.call(element.attributes).forEach(function (attribute) {
        if (attribute.value.indexOf(placeholder) !== -1) {
          element.setAttribute(attribute.name, attribute.value.split(placeholder).join(String(index)));
        }
      });
      // A nested array's own row template keeps its content apart from the document tree.
      if (element.tagName === "TEMPLATE") { renumber(element.content, placeholder, index); }
    });
  }

  function addRow(array) {
    var template = array.querySelector(":scope > template[data-row-template]");
    var rows = array.querySelector(":scope > [data-rows]");
    if (!template || !rows) { return; }
    var fragment = template.content.cloneNode(true);
    var wrapper = document.createElement("div");
    wrapper.appendChild(fragment);
    renumber(wrapper, array.dataset.placeholder, nextIndex(array));
    var row = wrapper.firstElementChild;
    rows.appendChild(row);
    enhance(row);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  function enhance(root) {
    root.querySelectorAll("[data-action='add-row'], [data-action='remove-row'], [data-action='print']").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    if (button.dataset.action === "add-row") {
      addRow(button.closest("[data-array]"));
    } else if (button.dataset.action === "remove-row") {
      var row = button.closest("[data-row]");
      if (row) { row.remove(); }
    } else if (button.dataset.action === "print") {
      window.print();
    }
  });

  /* Conditional sections: a field with data-show-when='[["name","value"], ...]' shows when any pair holds. */
  function currentValue(form, name) {
    var control = form.elements.namedItem(name);
    if (!control) { return null; }
    if (typeof RadioNodeList !== "undefined" && control instanceof RadioNodeList) { return control.value; }
    if (control.type === "checkbox") { return control.checked ? "true" : "false"; }
    return control.value;
  }

  function applyConditions(form, firstTime) {
    form.querySelectorAll("[data-show-when]").forEach(function (section) {
      var pairs;
      try { pairs = JSON.parse(section.dataset.showWhen); } catch (e) { return; }
      var shown = pairs.some(function (pair) { return currentValue(form, pair[0]) === pair[1]; });
      // Never hide a message the server just gave: the person must be able to see what to fix.
      if (firstTime && section.querySelector(".field-error")) { shown = true; }
      section.hidden = !shown;
    });
  }

  /* Confirmation before irreversible actions (withdrawing a case); a data-once button cannot be pressed
     twice while its form is on its way (the server would refuse the second anyway, and say so). */
  document.addEventListener("submit", function (event) {
    // A form designer's preview is tried out, never sent.
    if (event.target.hasAttribute && event.target.hasAttribute("data-preview")) { event.preventDefault(); return; }
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); return; }
    event.target.querySelectorAll("[data-once]").forEach(function (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    document.querySelectorAll("form.schema-form").forEach(function (form) {
      applyConditions(form, true);
      form.addEventListener("change", function () { applyConditions(form, false); });
    });
    var summary = document.getElementById("form-errors");
    if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  });
})();
