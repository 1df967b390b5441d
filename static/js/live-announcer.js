// Tells screen readers what is new in a list that is redrawn whole (the live room's questions are re-sorted on
// every vote, so the list itself cannot be a live region without reading all of it out each time).
// A list marked `data-announce-new="New question"` gets its new items (a `data-id` above every id seen before)
// spoken through one polite live region: "New question: <the item's text>". What the list holds when it is first
// drawn, or when `data-announce-ready` (a selector) first matches an element, is not announced; the class changes
// of the element `data-announce-watch` names are watched for that (the room: "[data-conn]" turning ".is-live").
(function () {
  "use strict";
  var lists = document.querySelectorAll("[data-announce-new]");
  if (!lists.length) return;
  var region = document.createElement("div");
  region.className = "sr-only";
  region.setAttribute("aria-live", "polite");
  region.setAttribute("data-announcer", "");
  document.body.appendChild(region);

  function say(text) {
    var line = document.createElement("p");
    line.textContent = text;
    region.appendChild(line);
    while (region.children.length > 5) region.removeChild(region.firstChild);
  }

  lists.forEach(function (list) {
    var prefix = list.getAttribute("data-announce-new");
    var ready = list.getAttribute("data-announce-ready");
    var watched = list.getAttribute("data-announce-watch");  // the element whose class changes tell it is ready
    var readyEl = watched ? document.querySelector(watched) : null;
    var highest = null;  // null until the list is first drawn (or the page says it is ready)
    var observer = new MutationObserver(function () {
      var items = list.querySelectorAll(":scope > [data-id]");
      if (highest === null && !items.length && !(ready && document.querySelector(ready))) return;
      var top = highest === null ? 0 : highest;
      var fresh = [];
      items.forEach(function (item) {
        var id = parseInt(item.getAttribute("data-id"), 10);
        if (!isNaN(id) && id > top) {
          if (highest !== null) fresh.push({ id: id, text: (item.querySelector(".rs-body") || item).textContent });
          top = Math.max(top, id);
        }
      });
      highest = top;
      fresh.sort(function (a, b) { return a.id - b.id; })
        .forEach(function (f) { say(prefix + ": " + f.text.replace(/\s+/g, " ").trim()); });
    });
    observer.observe(list, { childList: true });
    if (readyEl) observer.observe(readyEl, { attributes: true, attributeFilter: ["class"] });
  });
})();
