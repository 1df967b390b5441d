// Conversation page: new messages arrive live (`conversation:message` in the user's socket room), text is
// sent through the API with the CSRF header, the thread is marked read, and offers update when answered.
(function () {
  "use strict";
  var box = document.querySelector("[data-conversation-id]");
  var list = document.querySelector("[data-thread]");
  if (!box || !list) return;
  var conversationId = parseInt(box.getAttribute("data-conversation-id"), 10);
  var me = parseInt(box.getAttribute("data-me"), 10);
  var T = JSON.parse(box.getAttribute("data-i18n") || "{}");
  var form = document.querySelector("[data-thread-form]");
  var errorBox = document.querySelector("[data-send-error]");

  function csrf() {
    return document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  }

  function when(iso, withDate) {
    var opts = { timeZone: document.body.dataset.timezone || undefined, dateStyle: "medium", timeStyle: "short" };
    if (!withDate) opts = { timeZone: opts.timeZone, dateStyle: "short", timeStyle: "short" };
    try {
      return new Date(iso).toLocaleString(document.documentElement.lang || undefined, opts);
    } catch (e) {
      return iso;
    }
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_m, k) { return values[k] != null ? values[k] : ""; });
  }

  // A length of time as the page's language writes it: "30 min", "1 h 30 min" (format_duration on the server).
  function duration(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    if (!h) return fill(T.minutes, { n: m });
    return m ? fill(T.hours_minutes, { h: h, m: m }) : fill(T.hours, { h: h });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function hiddenForm(action, fields, label, cls) {
    var f = el("form", "inline");
    f.method = "post";
    f.action = action;
    var all = Object.assign({ csrf_token: csrf() }, fields);
    Object.keys(all).forEach(function (k) {
      var input = el("input");
      input.type = "hidden";
      input.name = k;
      input.value = all[k];
      f.appendChild(input);
    });
    var b = el("button", "btn btn-sm " + cls, label);
    b.type = "submit";
    f.appendChild(b);
    return f;
  }

  function offerCard(o) {
    var card = el("div", "cv-offer");
    card.id = "offer-" + o.id;
    card.setAttribute("data-offer-id", String(o.id));
    var head = el("p", "cv-offer-head");
    head.appendChild(el("strong", null, T.offer_title));
    head.appendChild(document.createTextNode(" "));
    var chip = el("span", "chip cv-status cv-status-" + o.status, (T.statuses || {})[o.status] || o.status);
    chip.setAttribute("data-offer-status", "");
    head.appendChild(chip);
    card.appendChild(head);
    var times = el("ul", "plain-list cv-times");
    var answer = o.status === "pending" && o.investor_id === me;
    (o.times || []).forEach(function (t) {
      var li = el("li", "cv-time");
      li.appendChild(el("span", null, when(t.starts_at, true) + " · " + duration(t.duration_minutes)));
      if (answer && new Date(t.starts_at) > new Date()) {
        var f = hiddenForm(box.getAttribute("data-accept-url").replace(/\/0\//, "/" + o.id + "/"),
          { starts_at: t.starts_at }, T.accept, "btn-primary");
        f.setAttribute("data-offer-action", "");
        li.appendChild(f);
      }
      times.appendChild(li);
    });
    card.appendChild(times);
    if (o.location) {
      var where = el("p", "m-0 small");
      where.appendChild(el("strong", null, T.where + ": "));
      if (/^https?:\/\//.test(o.location)) {
        var link = el("a", null, o.location);
        link.href = o.location;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        where.appendChild(link);
      } else {
        where.appendChild(document.createTextNode(o.location));
      }
      card.appendChild(where);
    }
    if (o.note) card.appendChild(el("p", "prewrap m-0", o.note));
    if (answer) {
      var d = hiddenForm(box.getAttribute("data-decline-url").replace(/\/0\//, "/" + o.id + "/"), {}, T.decline,
        "btn-ghost");
      d.setAttribute("data-offer-action", "");
      card.appendChild(d);
    }
    return card;
  }

  function render(m) {
    if (m.conversation_id !== conversationId || list.querySelector('[data-message-id="' + m.id + '"]')) return;
    var empty = list.querySelector("[data-thread-empty]");
    if (empty) empty.remove();
    var who = m.author ? m.author.name : "";
    var li;
    if (m.kind === "event") {
      li = el("li", "cv-event");
      var d = m.data || {};
      var text = fill(T[d.action] || d.action, { name: who, when: d.starts_at ? when(d.starts_at, true) : "" });
      li.textContent = text + (m.body ? " — " + m.body : "");
    } else {
      li = el("li", "thread-message" + (m.author && m.author.id === me ? " mine" : ""));
      li.appendChild(el("p", "small muted m-0", who + " · " + when(m.created_at, false)));
      if (m.kind === "offer" && m.offer) li.appendChild(offerCard(m.offer));
      else if (m.body) li.appendChild(el("p", "prewrap m-0", m.body));
    }
    li.setAttribute("data-message-id", String(m.id));
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function markRead() {
    if (document.hidden) return;
    fetch("/api/conversations/" + conversationId + "/read", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
    });
  }

  var socket = window.Fuhua && window.Fuhua.socket;
  if (socket) {
    socket.on("conversation:message", function (m) {
      if (m.conversation_id !== conversationId) return;
      render(m);
      if (!m.author || m.author.id !== me) markRead();
    });
    socket.on("conversation:offer", function (s) {
      if (s.conversation_id !== conversationId) return;
      var card = document.getElementById("offer-" + s.offer_id);
      if (!card) return;
      var chip = card.querySelector("[data-offer-status]");
      if (chip) {
        chip.textContent = (T.statuses || {})[s.status] || s.status;
        chip.className = "chip cv-status cv-status-" + s.status;
      }
      if (s.status !== "pending") card.querySelectorAll("[data-offer-action]").forEach(function (f) { f.remove(); });
    });
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) markRead(); });
  list.scrollTop = list.scrollHeight;

  if (form) {
    form.addEventListener("submit", function (ev) {
      var textarea = form.querySelector("textarea");
      var body = textarea.value.trim();
      ev.preventDefault();
      if (!body) return;
      var button = form.querySelector("[type=submit]");
      button.disabled = true;
      fetch("/api/conversations/" + conversationId + "/messages", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ body: body })
      }).then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
        .then(function (res) {
          if (res.ok) {
            render(res.data);
            textarea.value = "";
            if (errorBox) errorBox.textContent = "";
          } else if (errorBox) {
            errorBox.textContent = res.data.error ? res.data.error.message : T.error;
          }
        })
        .catch(function () { if (errorBox) errorBox.textContent = T.error; })
        .then(function () { button.disabled = false; });
    });
    form.querySelector("textarea").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) form.requestSubmit();
    });
  }
})();
