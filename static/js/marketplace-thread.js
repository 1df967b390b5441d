// Marketplace request page: the live negotiation thread (Socket.IO room per request) and the print button.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.addEventListener("click", function () { window.print(); });
  });

  var page = document.querySelector("[data-request-id]");
  var list = document.querySelector("[data-thread]");
  if (!page || !list) return;
  var requestId = parseInt(page.getAttribute("data-request-id"), 10);
  var form = document.querySelector("[data-thread-form]");

  function lastId() {
    var items = list.querySelectorAll("[data-message-id]");
    return items.length ? parseInt(items[items.length - 1].getAttribute("data-message-id"), 10) : 0;
  }

  function render(m) {
    if (list.querySelector('[data-message-id="' + m.id + '"]')) return;
    var empty = list.querySelector("[data-thread-empty]");
    if (empty) empty.remove();
    var li = document.createElement("li");
    li.className = "thread-message";
    li.setAttribute("data-message-id", String(m.id));
    var meta = document.createElement("p");
    meta.className = "small muted m-0";
    meta.textContent = (m.author ? m.author.name : "") + " · " + new Date(m.created_at).toLocaleString(document.documentElement.lang || undefined,
      { timeZone: document.body.dataset.timezone || undefined, dateStyle: "medium", timeStyle: "short" });
    li.appendChild(meta);
    if (m.body) {
      var body = document.createElement("p");
      body.className = "prewrap m-0";
      body.textContent = m.body;
      li.appendChild(body);
    }
    (m.attachments || []).forEach(function (a) {
      var p = document.createElement("p");
      p.className = "m-0 small";
      var link = document.createElement("a");
      link.href = a.url;
      link.textContent = a.filename;
      p.appendChild(document.createTextNode("📎 "));
      p.appendChild(link);
      li.appendChild(p);
    });
    list.appendChild(li);
  }

  var socket = window.Fuhua && window.Fuhua.socket;
  if (socket) {
    var join = function () {
      socket.emit("request:join", { request_id: requestId, after_id: lastId() }, function (ack) {
        if (ack && ack.ok) (ack.messages || []).forEach(render);
      });
    };
    socket.on("connect", join);
    if (socket.connected) join();
    socket.on("request:message", function (m) { if (m.request_id === requestId) render(m); });
    socket.on("request:update", function (u) {
      if (u.id === requestId) {
        var state = document.querySelector("[data-request-state]");
        if (state) state.setAttribute("data-stale", "true");
        if (window.Fuhua.toast) window.Fuhua.toast(page.getAttribute("data-updated-text") || "↻", window.location.pathname);
      }
    });
  }

  // Text-only messages go through the API (no reload); messages with a file use the plain form post.
  if (form) {
    form.addEventListener("submit", function (ev) {
      var file = form.querySelector("input[type=file]");
      if (file && file.files && file.files.length) return;
      var textarea = form.querySelector("textarea");
      var body = textarea.value.trim();
      ev.preventDefault();
      if (!body) return;
      var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
      fetch("/api/requests/" + requestId + "/messages", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ body: body })
      }).then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
        .then(function (res) {
          if (res.ok) { render(res.data); textarea.value = ""; }
          else if (window.Fuhua.toast) window.Fuhua.toast(res.data.error ? res.data.error.message : form.dataset.error);
        });
    });
  }
})();
