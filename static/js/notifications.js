// The notifications page: new notifications arriving live are prepended to the list, the
// "n unread" line follows the badge, and opening an unread notification's link marks it read.
(function () {
  "use strict";
  var list = document.querySelector("[data-notif-list]");
  if (!list) return;
  var summary = document.querySelector("[data-notif-summary]");
  var empty = document.querySelector("[data-notif-empty]");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function idUrl(template, id) {
    return template.replace(/\/0\/read$/, "/" + encodeURIComponent(id) + "/read");
  }

  function setSummary(n) {
    if (!summary || typeof n !== "number") return;
    summary.textContent = n ? summary.dataset.templateSome.replace("__N__", String(n)) : summary.dataset.templateNone;
  }

  function hiddenInput(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  function buildItem(n) {
    var li = document.createElement("li");
    li.id = "notification-" + n.id;
    li.className = "unread";
    li.dataset.notificationId = String(n.id);

    var dot = document.createElement("span");
    dot.className = "dot";
    dot.setAttribute("aria-hidden", "true");
    li.appendChild(dot);

    var body = document.createElement("div");
    body.className = "notif-body";
    var sr = document.createElement("span");
    sr.className = "sr-only";
    sr.textContent = list.dataset.unreadLabel + ":";
    body.appendChild(sr);
    var text;
    if (n.url) {
      text = document.createElement("a");
      text.href = n.url;
      text.setAttribute("data-mark-on-open", "");
    } else {
      text = document.createElement("span");
    }
    text.className = "notif-text";
    text.textContent = n.text || n.kind;
    body.appendChild(document.createTextNode(" "));
    body.appendChild(text);
    var meta = document.createElement("p");
    meta.className = "small muted notif-time";
    var time = document.createElement("time");
    time.dateTime = n.created_at || "";
    time.textContent = list.dataset.justNow;
    meta.appendChild(time);
    body.appendChild(meta);
    li.appendChild(body);

    var form = document.createElement("form");
    form.method = "post";
    form.action = idUrl(list.dataset.readUrl, n.id);
    form.className = "notif-action";
    form.appendChild(hiddenInput("csrf_token", csrf));
    form.appendChild(hiddenInput("next", window.location.pathname + window.location.search));
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "btn btn-ghost btn-sm";
    button.textContent = list.dataset.markReadLabel;
    form.appendChild(button);
    li.appendChild(form);
    return li;
  }

  document.addEventListener("fuhua:notification", function (ev) {
    var n = ev.detail || {};
    setSummary(n.unread_count);
    // Only the first page shows the newest; later pages stay as they were loaded.
    if (list.hasAttribute("data-notif-static") || !n.id || document.getElementById("notification-" + n.id)) return;
    list.insertBefore(buildItem(n), list.firstChild);
    if (empty) empty.hidden = true;
  });

  if (window.Fuhua && window.Fuhua.socket) {
    window.Fuhua.socket.on("notification:read", function (d) { setSummary(d && d.unread_count); });
  }

  // Following an unread notification's link marks it read (the request outlives the page).
  list.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[data-mark-on-open]");
    if (!link || !window.fetch) return;
    var item = link.closest("li[data-notification-id]");
    if (!item) return;
    link.removeAttribute("data-mark-on-open");
    window.fetch(idUrl(list.dataset.apiReadUrl, item.dataset.notificationId), {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).catch(function () { /* the per-item button still works */ });
  });
})();
