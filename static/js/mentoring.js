// Mentoring: the availability editor's "copy Monday to weekdays" button.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-monday]");
  if (!button) return;
  button.addEventListener("click", function () {
    var days = document.querySelectorAll("[data-week-day]");
    if (!days.length) return;
    for (var i = 1; i < 5 && i < days.length; i++) days[i].value = days[0].value;
  });
})();
