/* The live check of a draft's item file: the unsaved YAML is checked by the server (the bundle checker)
   a moment after typing stops, and the problems replace the list above the form. */
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function show(result) {
    var box = document.getElementById("check-result");
    if (!box) { return; }
    box.textContent = "";
    var errors = result.problems.filter(function (p) { return p.severity === "error"; });
    var list = document.createElement("ul");
    list.id = "problem-list";
    result.problems.forEach(function (p) {
      var li = document.createElement("li");
      li.className = "problem problem-" + p.severity;
      li.dataset.elementId = p.element_id || "";
      li.textContent = p.text;
      list.appendChild(li);
    });
    var wrap = document.createElement("div");
    if (errors.length) {
      wrap.className = "error-summary";
      wrap.id = "check-errors";
      var h = document.createElement("h2");
      h.textContent = box.dataset.errors.replace("{n}", errors.length);
      wrap.appendChild(h);
    } else {
      wrap.className = "flash flash-success";
      wrap.id = "check-ok";
      wrap.textContent = box.dataset.ok;
    }
    box.appendChild(wrap);
    if (result.problems.length) { (errors.length ? wrap : box).appendChild(list); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("draft-form");
    var area = document.getElementById("item_yaml");
    if (!form || !area) { return; }
    var timer = null;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new FormData();
        body.append("item_yaml", area.value);
        fetch(form.dataset.checkUrl, { method: "POST", body: body, credentials: "same-origin",
                                       headers: { "X-CSRFToken": csrf() } })
          .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
          .then(show)
          .catch(function () {});
      }, 600);
    });
  });
})();
