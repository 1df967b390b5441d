// Listing editor: show only the selected category's own fields.
(function () {
  "use strict";
  var select = document.querySelector("[data-category-select]");
  if (!select) return;
  function update() {
    document.querySelectorAll(".category-fields").forEach(function (set) {
      set.hidden = set.getAttribute("data-category") !== select.value;
    });
  }
  select.addEventListener("change", update);
  update();
})();
