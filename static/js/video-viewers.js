// The live room tells the server when the stage video plays here (video:watching), so the organiser's report
// counts video viewers per pitch (app/video/viewers.py); the socket's close ends the stretch on the server.
// video-stage.js (or the HLS player) announces it with a "fuhua:stage-watching" event on the document.
// It also shows or hides the recording notice when the organiser changes the setting during the event.
(function () {
  "use strict";
  var notice = document.querySelector("[data-recording-notice]");
  var socket = window.Fuhua && window.Fuhua.socket;
  if (!notice || !socket) return;
  var roadshowId = parseInt(notice.getAttribute("data-roadshow-id"), 10);
  var state = {watching: false, via: "webrtc"};
  var retry = null;

  function tell(attempt) {
    clearTimeout(retry);
    if (!socket.connected) return;  // said again on connect
    socket.emit("video:watching", {roadshow_id: roadshowId, watching: state.watching, via: state.via},
      function (ack) {
        // The room join may not be through yet (a fresh or restored socket): try again shortly.
        if (ack && !ack.ok && ack.error && ack.error.code === "not_joined" && attempt < 10) {
          retry = setTimeout(function () { tell(attempt + 1); }, 500 * (attempt + 1));
        }
      });
  }

  document.addEventListener("fuhua:stage-watching", function (event) {
    state.watching = !!event.detail.watching;
    state.via = event.detail.via || "webrtc";
    tell(0);
  });
  socket.on("connect", function () { if (state.watching) tell(0); });
  socket.on("video:recording", function (data) {
    if (data && data.roadshow_id === roadshowId) notice.hidden = !data.record_pitches;
  });
})();
