/* OneWindow: materials (申请材料) upload at once. Without this file the form still works: the chosen files are
   posted with the form (`upload.<id>`) and the server stores them. With it, each file goes to /my/files as soon as
   it is picked, its id lands in the form as a ticked `materials.<id>` box, and the form hears an `input` event
   (the autosave listens for it). */
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  var section = document.getElementById("materials");
  if (!section) { return; }
  var form = section.closest("form");
  var pending = 0;
  var counter = 0;

  function csrfToken() {
    var field = form && form.querySelector("input[name='csrf_token']");
    if (field) { return field.value; }
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.content : "";
  }

  function changed() {
    if (form) { form.dispatchEvent(new Event("input", { bubbles: true })); }
  }

  function showError(material, message) {
    var box = document.getElementById("error-materials-" + material);
    if (!box) { return; }
    var line = document.createElement("span");
    line.textContent = message;
    box.appendChild(line);
    box.hidden = false;
    box.closest(".material").classList.add("has-error");
  }

  function clearErrors(material) {
    var box = document.getElementById("error-materials-" + material);
    if (box) { box.textContent = ""; box.hidden = true; box.closest(".material").classList.remove("has-error"); }
  }

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.ceil(bytes / 1024) + " KB";
  }

  function addChosen(material, file) {
    var list = document.getElementById("material-files-" + material);
    counter += 1;
    var id = "chosen-" + material + "-u" + counter;
    var row = document.createElement("li");
    row.className = "material-file";
    row.dataset.fileId = file.id;
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = "materials." + material; box.value = file.id; box.id = id; box.checked = true;
    var label = document.createElement("label");
    label.htmlFor = id; label.textContent = file.name;
    var size = document.createElement("span");
    size.className = "muted"; size.textContent = sizeText(file.size);
    var view = document.createElement("a");
    view.href = file.url; view.target = "_blank"; view.rel = "noopener"; view.textContent = section.dataset.viewLabel;
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "link-button"; remove.dataset.action = "remove-file";
    remove.textContent = section.dataset.removeLabel;
    [box, label, size, view, remove].forEach(function (node) { row.appendChild(node); row.appendChild(document.createTextNode(" ")); });
    list.appendChild(row);
    var empty = document.getElementById("material-empty-" + material);
    if (empty) { empty.hidden = true; }
  }

  function upload(input, file) {
    var material = input.dataset.material;
    var limit = parseInt(section.dataset.maxBytes, 10);
    if (limit && file.size > limit) {
      showError(material, "“" + file.name + "”：" + section.dataset.tooLarge);
      return;
    }
    var progressBox = document.getElementById("progress-" + material);
    var line = document.createElement("div");
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    line.appendChild(bar);
    line.appendChild(document.createTextNode(file.name));
    progressBox.appendChild(line);
    var data = new FormData();
    data.append("file", file);
    data.append("material", input.closest(".material").dataset.materialName || material);
    var request = new XMLHttpRequest();  // unlike fetch, it reports upload progress
    request.open("POST", section.dataset.uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { bar.value = Math.round(100 * event.loaded / event.total); }
    });
    pending += 1;
    request.addEventListener("loadend", function () {
      pending -= 1;
      line.remove();
      var answer = null;
      try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = null; }
      if (request.status === 201 && answer && answer.id) {
        addChosen(material, answer);
        changed();
      } else {
        showError(material, (answer && answer.error) || (request.status === 413 ? "“" + file.name + "”：" + section.dataset.tooLarge : section.dataset.failed));
      }
    });
    request.send(data);
  }

  section.querySelectorAll("[data-action='remove-file']").forEach(function (button) { button.hidden = false; });

  section.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action='remove-file']");
    if (!button) { return; }
    var row = button.closest(".material-file");
    var material = row.closest(".material").dataset.material;
    row.remove();
    var list = document.getElementById("material-files-" + material);
    var empty = document.getElementById("material-empty-" + material);
    if (empty && list && !list.children.length) { empty.hidden = false; }
    changed();
  });

  section.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.dataset.material) { return; }
    clearErrors(input.dataset.material);
    Array.prototype.forEach.call(input.files, function (file) { upload(input, file); });
    input.value = "";  // uploaded already: the form must not post the same files again
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      if (pending > 0) {
        event.preventDefault();
        window.alert(section.dataset.wait);
      }
    });
  }
})();
