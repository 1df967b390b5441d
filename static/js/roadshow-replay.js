// The replay page: page through each pitch's deck with the buttons or the arrow keys (when a deck has focus).
(function () {
  "use strict";
  document.querySelectorAll("[data-deck]").forEach(function (deck) {
    var pages = parseInt(deck.dataset.pages, 10) || 0;
    var img = deck.querySelector("[data-deck-img]");
    var caption = deck.querySelector("[data-deck-caption]");
    var prev = deck.querySelector("[data-deck-prev]");
    var next = deck.querySelector("[data-deck-next]");
    var template = caption.textContent.replace(/\d+/, "{page}").replace(/\d+(?![\s\S]*\d)/, "{pages}");
    var alt = img.alt;
    var page = 1;
    function show(n) {
      page = Math.max(1, Math.min(pages, n));
      img.src = deck.dataset.src.replace("{n}", String(page));
      img.alt = alt.replace(/\d+/, String(page));
      caption.textContent = template.replace("{page}", String(page)).replace("{pages}", String(pages));
      prev.disabled = page <= 1;
      next.disabled = page >= pages;
    }
    prev.addEventListener("click", function () { show(page - 1); });
    next.addEventListener("click", function () { show(page + 1); });
    deck.tabIndex = 0;
    deck.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { show(page + 1); e.preventDefault(); }
      if (e.key === "ArrowLeft") { show(page - 1); e.preventDefault(); }
    });
  });
})();
