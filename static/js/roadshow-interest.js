// The founder's list of interested investors refreshes itself when an investor marks or withdraws interest
// (`interest:update`, sent to the startup's members and the organisers). The server renders the list, so the
// rows keep their conversation and meeting actions. No inline scripts (CSP).
(function () {
  "use strict";
  var root = document.querySelector("[data-interest-page]");
  if (!root || !window.Fuhua || !window.Fuhua.socket) return;
  var pitchId = parseInt(root.dataset.pitchId, 10);
  var loading = null;

  function refresh() {
    if (loading) { loading.again = true; return; }
    loading = { again: false };
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-interest-list]");
        var shown = root.querySelector("[data-interest-list]");
        if (fresh && shown) shown.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () { /* the next update or a reload shows it */ })
      .then(function () { var again = loading.again; loading = null; if (again) refresh(); });
  }

  window.Fuhua.socket.on("interest:update", function (d) { if (d && d.pitch_id === pitchId) refresh(); });
  window.Fuhua.socket.on("connect", refresh);  // anything missed while the socket was down
})();
