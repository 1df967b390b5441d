// Pre-fills an empty time zone field with the browser's zone.
(function () {
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  document.querySelectorAll("[data-detect-tz]").forEach(function (input) {
    if (!input.value && tz) input.value = tz;
  });
})();
