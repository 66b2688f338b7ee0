/* OneWindow: nothing typed into an application is lost.

   As the applicant types, the form is saved as a server draft (POST to data-autosave-url, the same fields
   the form submits). Every change is first kept in this browser's localStorage; when the network is down
   the copy waits there and is sent once the browser is online again, or on the next visit to the form.
   The server copy is the truth: a local copy is only sent when it was made on top of the draft version
   the page shows, so a later save from another device is never overwritten by an old local copy. */
(function () {
  "use strict";

  var DELAY = 800; // ms after the last keystroke

  function csrfToken() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.content : "";
  }

  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token" && name !== "action") { pairs.push([name, value]); }
    });
    return pairs;
  }

  function Autosave(form) {
    this.form = form;
    this.key = form.dataset.autosaveKey;
    this.url = form.dataset.autosaveUrl;
    this.version = parseInt(form.dataset.draftVersion || "0", 10);
    this.status = document.getElementById("autosave-status");
    this.timer = null;
    this.sending = false;
  }

  Autosave.prototype.say = function (text, kind) {
    if (!this.status) { return; }
    this.status.textContent = text;
    this.status.dataset.state = kind;
  };

  Autosave.prototype.local = function () {
    try { return JSON.parse(window.localStorage.getItem(this.key) || "null"); } catch (e) { return null; }
  };

  Autosave.prototype.keepLocally = function () {
    var copy = {base: this.version, pairs: fields(this.form), at: Date.now(), synced: false};
    try { window.localStorage.setItem(this.key, JSON.stringify(copy)); } catch (e) { /* storage full or off */ }
    return copy;
  };

  Autosave.prototype.send = function (copy) {
    var self = this;
    if (self.sending) { self.timer = window.setTimeout(function () { self.send(self.local() || copy); }, DELAY); return Promise.resolve(false); }
    self.sending = true;
    var body = new URLSearchParams();
    copy.pairs.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return window.fetch(self.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
    }).then(function (result) {
      self.sending = false;
      if (!result.ok) { self.say(result.answer.error || "草稿未能保存。", "error"); return false; }
      self.version = result.answer.version;
      self.form.dataset.draftVersion = String(self.version);
      var latest = self.local();
      if (latest && latest.at === copy.at) {
        latest.synced = true; latest.base = self.version;
        try { window.localStorage.setItem(self.key, JSON.stringify(latest)); } catch (e) { /* ignore */ }
      }
      var at = new Date(result.answer.saved_at);
      self.say("草稿已自动保存（" + at.toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit"}) + "）。", "saved");
      return true;
    }).catch(function () {
      self.sending = false;
      self.say("网络已断开：填写的内容已暂存在本机，恢复网络后将自动保存。", "offline");
      return false;
    });
  };

  Autosave.prototype.changed = function () {
    var self = this;
    var copy = self.keepLocally();
    window.clearTimeout(self.timer);
    self.timer = window.setTimeout(function () { self.send(copy); }, DELAY);
  };

  Autosave.prototype.start = function () {
    var self = this;
    var copy = self.local();
    if (copy && !copy.synced && copy.base === self.version) {
      // Typed here while offline (or the tab closed before the save): send it, then show the saved draft.
      self.say("正在恢复本机暂存的内容……", "restoring");
      self.send(copy).then(function (sent) { if (sent) { window.location.reload(); } });
    } else if (copy && !copy.synced) {
      window.localStorage.removeItem(self.key); // the server has a newer draft, saved from elsewhere
    }
    self.form.addEventListener("input", function () { self.changed(); });
    self.form.addEventListener("change", function () { self.changed(); });
    self.form.addEventListener("click", function (event) {
      if (event.target.closest("[data-action='add-row'], [data-action='remove-row']")) {
        window.setTimeout(function () { self.changed(); }, 0);
      }
    });
    window.addEventListener("online", function () {
      var latest = self.local();
      if (latest && !latest.synced) { self.send(latest); }
    });
    self.form.addEventListener("submit", function () {
      try { window.localStorage.removeItem(self.key); } catch (e) { /* ignore */ }
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave-url]").forEach(function (form) { new Autosave(form).start(); });
  });
})();
