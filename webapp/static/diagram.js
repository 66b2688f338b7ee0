/* The process drawing of a case: bpmn-js viewer (from the npm registry), current steps marked.
   Reads <div class="diagram" data-src="...json">: {xml, active: [bpmn ids], done: [bpmn ids]}. */
(function () {
  "use strict";

  function show(container) {
    if (typeof window.BpmnJS !== "function") {
      container.textContent = container.dataset.unavailable || "";
      return;
    }
    fetch(container.dataset.src, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        if (!state.xml) { return; }
        var viewer = new window.BpmnJS({ container: container });
        return viewer.importXML(state.xml).then(function () {
          var canvas = viewer.get("canvas");
          var registry = viewer.get("elementRegistry");
          canvas.zoom("fit-viewport");
          (state.done || []).forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, "step-done"); }
          });
          (state.active || []).forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, "step-active"); }
          });
          container.dataset.rendered = "true";
        });
      })
      .catch(function () { container.dataset.rendered = "failed"; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".diagram[data-src]").forEach(show);
  });
})();
