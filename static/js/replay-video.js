// The replay's recorded pitches (templates/video/_replay_player.html): a click on a chapter plays that pitch's
// recording; when one ends the next chapter plays.
(function () {
  "use strict";
  var root = document.querySelector("[data-replay-player]");
  if (!root) return;
  var video = root.querySelector("[data-replay-video]");
  var now = root.querySelector("[data-replay-now]");
  var list = root.querySelector("[data-replay-chapters]");
  var chapters = Array.prototype.slice.call(root.querySelectorAll("[data-replay-chapter]"));

  function play(index) {
    var chapter = chapters[index];
    if (!chapter) return;
    chapters.forEach(function (c) { c.removeAttribute("aria-current"); });
    chapter.setAttribute("aria-current", "true");
    if (video.getAttribute("src") !== chapter.getAttribute("data-src")) video.src = chapter.getAttribute("data-src");
    video.setAttribute("aria-label", chapter.getAttribute("aria-label"));
    now.textContent = list.getAttribute("data-t-now").replace("{title}", chapter.getAttribute("data-title"));
    video.play().catch(function () { /* the viewer presses play */ });
  }

  chapters.forEach(function (chapter, index) {
    chapter.addEventListener("click", function () { play(index); });
  });
  video.addEventListener("ended", function () {
    var current = chapters.findIndex(function (c) { return c.getAttribute("aria-current") === "true"; });
    if (current >= 0 && current + 1 < chapters.length) play(current + 1);
  });
})();
