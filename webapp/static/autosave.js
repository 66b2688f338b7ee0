/* OneWindow: nothing typed into an application is lost.

   As the applicant types, the form is saved as a server draft (POST to data-autosave-url, the same fields
   the form submits). Every change is first kept in this browser's localStorage; when the network is down
   the copy waits there and is sent once the browser is online again, or on the next visit to the form.
   The server copy is the truth: a local copy is only sent when it was made on top of the draft version
   the page shows, so a later save from another device is never overwritten by an old local copy.
   The local copy outlives a submit: it goes only when a page after the server accepted the form names it
   (data-autosave-clear on the review page). When the session has ended, or the page's CSRF token is stale
   (signed in again elsewhere), the server answers with a code, not a network failure: the script says so,
   keeps the copy, and the form restores it once the applicant is back (signed in, or on a fresh page). */
(function () {
  "use strict";

  var DELAY = 800; // ms after the last keystroke
  var KEPT_FIELD = "_kept_locally"; // tells the server's error page that this browser holds the fields
  var RESTORED = "ow-restored:"; // sessionStorage: say after the reload that a local copy was restored

  function csrfToken() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.content : "";
  }

  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token" && name !== "action" && name !== KEPT_FIELD) { pairs.push([name, value]); }
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
    this.stopped = false; // the session ended or the token is stale: keep copies, send nothing
  }

  Autosave.prototype.say = function (text, kind, link) {
    if (!this.status) { return; }
    this.status.textContent = text;
    this.status.dataset.state = kind;
    if (link) {
      var a = document.createElement("a");
      a.id = link.id; a.href = link.href; a.textContent = link.text;
      this.status.appendChild(document.createTextNode(" "));
      this.status.appendChild(a);
    }
  };

  Autosave.prototype.refused = function (code, error, status) {
    // What the server said when it did not save; a redirect or a page instead of JSON is a lost session.
    if (code === "session_expired") {
      this.stopped = true;
      this.say("登录已过期，请重新登录，已填写的内容已保存在本机。", "signed-out",
               {id: "autosave-login", href: this.form.dataset.loginUrl || "/auth/login", text: "重新登录"});
    } else if (code === "csrf_failed") {
      this.stopped = true;
      this.say("页面已过期（可能在别处重新登录过），请刷新页面，已填写的内容已保存在本机，刷新后会自动恢复。", "stale");
    } else {
      this.say(error || ("草稿未能保存（服务器返回 " + status + "），填写的内容已暂存在本机。"), "error");
    }
  };

  Autosave.prototype.local = function () {
    try { return JSON.parse(window.localStorage.getItem(this.key) || "null"); } catch (e) { return null; }
  };

  Autosave.prototype.keepLocally = function () {
    var copy = {base: this.version, pairs: fields(this.form), at: Date.now(), synced: false};
    try {
      window.localStorage.setItem(this.key, JSON.stringify(copy));
      copy.stored = true;
    } catch (e) { copy.stored = false; /* storage full or off */ }
    return copy;
  };

  Autosave.prototype.send = function (copy) {
    var self = this;
    if (self.stopped) { return Promise.resolve(false); }
    if (self.sending) { self.timer = window.setTimeout(function () { self.send(self.local() || copy); }, DELAY); return Promise.resolve(false); }
    self.sending = true;
    var body = new URLSearchParams();
    copy.pairs.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return window.fetch(self.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        return {ok: false, status: response.status, answer: {code: response.redirected ? "session_expired" : ""}};
      }
      return response.json().then(function (answer) { return {ok: response.ok, status: response.status, answer: answer}; });
    }).then(function (result) {
      self.sending = false;
      if (!result.ok) { self.refused(result.answer.code, result.answer.error, result.status); return false; }
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
      self.send(copy).then(function (sent) {
        if (!sent) { return; }
        try { window.sessionStorage.setItem(RESTORED + self.key, "1"); } catch (e) { /* ignore */ }
        window.location.reload();
      });
    } else if (copy && !copy.synced) {
      window.localStorage.removeItem(self.key); // the server has a newer draft, saved from elsewhere
    }
    if (!self.sending && window.sessionStorage.getItem(RESTORED + self.key)) {
      window.sessionStorage.removeItem(RESTORED + self.key);
      self.say("已恢复您在本机暂存的内容，并已保存为草稿。请核对后继续填写或再次提交。", "restored");
    }
    self.form.addEventListener("input", function () { self.changed(); });
    self.form.addEventListener("change", function () { self.changed(); });
    self.form.addEventListener("click", function (event) {
      if (event.target.closest("[data-action='add-row'], [data-action='remove-row']")) {
        window.setTimeout(function () { self.changed(); }, 0);
      }
    });
    window.addEventListener("online", function () {
      var latest = self.local();  // send() does nothing once the session has ended
      if (latest && !latest.synced) { self.send(latest); }
    });
    self.form.addEventListener("submit", function () {
      // Kept, not cleared: if the server refuses the submit (session ended), nothing typed is lost.
      var kept = self.form.querySelector("input[name='" + KEPT_FIELD + "']");
      if (kept) { kept.remove(); }
      if (self.keepLocally().stored) {
        kept = document.createElement("input");
        kept.type = "hidden"; kept.name = KEPT_FIELD; kept.value = "1";
        self.form.appendChild(kept);
      }
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-autosave-clear]").forEach(function (marker) {
      try { window.localStorage.removeItem(marker.dataset.autosaveClear); } catch (e) { /* ignore */ }
    });
    document.querySelectorAll("form[data-autosave-url]").forEach(function (form) { new Autosave(form).start(); });
  });
})();
