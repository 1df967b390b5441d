// Site-wide behaviour: the mobile menu and the account menu (Escape closes them), live notifications (unread
// badge + toast), and `data-confirm` on forms (asked in an in-page dialog). Loaded on every page; no inline
// scripts (the CSP forbids them).
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

  // An in-page confirmation in the page's language (the <dialog> of base.html) instead of the browser's confirm():
  // modal, Tab and Shift+Tab stay inside it, Escape or Cancel says no, and the focus goes back to what opened it.
  var confirmDialog = document.querySelector("[data-confirm-dialog]");
  function askFirst(message, onYes, opener) {
    if (!confirmDialog || typeof confirmDialog.showModal !== "function") {
      if (window.confirm(message)) onYes();  // a browser without <dialog>: its own question rather than none
      return;
    }
    var back = opener || document.activeElement;
    confirmDialog.querySelector("[data-confirm-message]").textContent = message;
    confirmDialog.returnValue = "";
    confirmDialog.onclose = function () {
      confirmDialog.onclose = null;
      if (back && back.focus) back.focus();
      if (confirmDialog.returnValue === "yes") onYes();
    };
    confirmDialog.showModal();
    confirmDialog.querySelector("[data-confirm-cancel]").focus();
  }
  if (confirmDialog) {
    confirmDialog.querySelector("[data-confirm-ok]").addEventListener("click", function () { confirmDialog.close("yes"); });
    confirmDialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () { confirmDialog.close("no"); });
    confirmDialog.addEventListener("keydown", function (ev) {
      if (ev.key !== "Tab") return;
      var buttons = confirmDialog.querySelectorAll("button");
      var first = buttons[0], last = buttons[buttons.length - 1];
      if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
      else if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
    });
  }
  window.Fuhua = Object.assign(window.Fuhua || {}, { confirm: askFirst });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (!msg || form.dataset.confirmed === "yes") return;
    ev.preventDefault();
    var submitter = ev.submitter || null;
    askFirst(msg, function () {
      form.dataset.confirmed = "yes";
      if (form.requestSubmit) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      else form.submit();
    }, submitter || form.querySelector("button, [type=submit]"));
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

  window.Fuhua = Object.assign(window.Fuhua || {}, { toast: toast, setBadge: setBadge, socket: null,
                                                   watchRealtime: watchRealtime });

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
