// Boots Swagger UI on /api/docs (kept out of the page so the CSP can forbid inline scripts).
window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.dataset.specUrl,
    dom_id: "#swagger-ui",
    // No deep links: Swagger UI draws them as a link inside the summary button (nested interactive controls)
    deepLinking: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
  // Swagger UI heads its parameter and response tables with <td>: name them column headers, so that a
  // screen reader says which column a cell is in (and axe's td-has-header holds), as operations open.
  new MutationObserver(function () {
    el.querySelectorAll("table thead td:not([role])").forEach(function (td) {
      td.setAttribute("role", "columnheader");
    });
  }).observe(el, {childList: true, subtree: true});
});
