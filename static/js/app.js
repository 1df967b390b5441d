// Site-wide behaviour: the mobile menu and the account menu (Escape closes them), live notifications (unread
// badge + toast), and `data-confirm` on forms. Loaded on every page; no inline scripts (the CSP forbids them).
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Escape closes the account menu (or the small-screen menu) and puts the focus back on what opened it.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    var menu = document.querySelector("details.user-menu[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    } else if (toggle && nav && nav.classList.contains("open")) {
      nav.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });

  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute && ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });

  // `data-print` buttons print the page (the print stylesheet drops the site's chrome and `.no-print`).
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-copy]");
    if (!btn) return;
    var target = document.querySelector(btn.getAttribute("data-copy"));
    if (target && navigator.clipboard) {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        btn.textContent = btn.getAttribute("data-copied") || "✓";
      });
    }
  });

  function toast(text, href) {
    var box = document.querySelector("[data-toasts]");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast";
    el.setAttribute("role", "status");
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      el.appendChild(a);
    } else {
      el.textContent = text;
    }
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 6000);
  }

  function setBadge(n) {
    document.querySelectorAll("[data-unread-badge]").forEach(function (b) {
      b.textContent = String(n);
      b.hidden = !n;
    });
  }

  // Real-time that reaches the other server processes (Redis) is down: say so until it is back.
  function watchRealtime(socket) {
    if (!socket || socket.fuhuaWatched) return;
    socket.fuhuaWatched = true;
    socket.on("realtime:status", function (status) {
      var banner = document.querySelector("[data-realtime-banner]");
      if (banner) banner.hidden = !!status.shared;
      document.dispatchEvent(new CustomEvent("fuhua:realtime", { detail: status }));
    });
  }

  window.Fuhua = { toast: toast, setBadge: setBadge, socket: null, watchRealtime: watchRealtime };

  if (document.body.dataset.signedIn === "true" && window.io) {
    var socket = window.io({ transports: ["websocket", "polling"] });
    window.Fuhua.socket = socket;
    watchRealtime(socket);
    socket.on("notification:new", function (n) {
      if (typeof n.unread_count === "number") setBadge(n.unread_count);
      toast(n.text || n.kind, n.url || null);
      document.dispatchEvent(new CustomEvent("fuhua:notification", { detail: n }));
    });
    socket.on("notification:read", function (d) {
      if (typeof d.unread_count === "number") setBadge(d.unread_count);
    });
  }
})();
