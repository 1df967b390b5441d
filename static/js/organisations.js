// Organisation logos: when a logo cannot be shown (missing, blocked, broken), the initials
// underneath it stay visible instead of a broken image.
(function () {
  "use strict";
  function drop(img) { img.remove(); }
  document.querySelectorAll("img[data-org-logo]").forEach(function (img) {
    if (img.complete && img.naturalWidth === 0) {
      drop(img);
    } else {
      img.addEventListener("error", function () { drop(img); });
    }
  });
})();
