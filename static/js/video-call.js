// A video call through Janus (janus.js + adapter.js from Debian, served by the app): join, mute, camera off,
// screen share, leave; the connection's quality from getStats(); rejoins by itself when the connection drops.
// Fuhua hands out the right to join (POST the panel's data-join-url): a Janus token for this person and room,
// the room, the publisher id to use and the ICE servers. Leaving (DELETE) revokes the token on Janus.
(function () {
  "use strict";
  var root = document.querySelector("[data-video-call]");
  if (!root || !window.Janus) return;
  var joinUrl = root.getAttribute("data-join-url");
  var closesAt = Date.parse(root.getAttribute("data-closes-at"));
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content;
  var statusEl = root.querySelector("[data-call-status]");
  var qualityEl = root.querySelector("[data-call-quality]");
  var grid = root.querySelector("[data-call-grid]");
  var localTile = root.querySelector("[data-call-local]");
  var buttons = {
    join: root.querySelector("[data-call-join]"), mute: root.querySelector("[data-call-mute]"),
    camera: root.querySelector("[data-call-camera]"), share: root.querySelector("[data-call-share]"),
    leave: root.querySelector("[data-call-leave]")
  };
  function t(key) { return root.getAttribute("data-t-" + key) || key; }

  var janus = null, publisher = null, access = null, privateId = null;
  var feeds = {};           // feed id -> {handle, tile, stream}
  var wanted = false;       // the person wants to be in the call (reconnect while true)
  var retryDelay = 1000, retryTimer = null, statsTimer = null, closeTimer = null;
  var sharing = false, lastStats = null;

  function setStatus(text) { statusEl.textContent = text; }
  function show(inCall) {
    buttons.join.hidden = inCall;
    ["mute", "camera", "share", "leave"].forEach(function (k) { buttons[k].hidden = !inCall; });
  }
  function press(button, pressed, label) {
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    button.textContent = label;
  }

  function request(method, body) {
    var headers = {"X-CSRFToken": csrf, "Accept": "application/json"};
    if (body) headers["Content-Type"] = "application/json";
    return fetch(joinUrl, {method: method, credentials: "same-origin", headers: headers,
                           body: body ? JSON.stringify(body) : undefined})
      .then(function (response) {
        if (response.status === 204) return null;
        return response.json().then(function (body) {
          if (!response.ok) { var e = new Error(body.error && body.error.message); e.status = response.status; throw e; }
          return body;
        });
      });
  }

  // Joining ---------------------------------------------------------------------------------------
  function join(retrying) {
    wanted = true;
    clearTimeout(retryTimer);
    if (retrying !== true) setStatus(t("joining"));
    buttons.join.disabled = true;
    // Rejoining by itself, the page names the token it had: if this person joined from another window
    // since, the server says so (409 joined_elsewhere) instead of taking the call back from that window.
    var previous = retrying === true && access ? {previous_token: access.token} : null;
    request("POST", previous).then(function (granted) {
      access = granted;
      connect();
    }).catch(function (error) {
      buttons.join.disabled = false;
      if (error.status === 503 || !error.status) { setStatus(error.message || t("reconnecting")); retryLater(); return; }
      wanted = false;
      setStatus(error.message);
    });
  }

  function connect() {
    janus = new Janus({
      server: access.janus_urls, token: access.token, iceServers: access.ice_servers,
      success: attachPublisher,
      error: function () { if (wanted) dropped(); },
      destroyed: function () {}
    });
  }

  function attachPublisher() {
    janus.attach({
      plugin: "janus.plugin.videoroom", opaqueId: "fuhua-" + access.feed_id,
      success: function (handle) {
        publisher = handle;
        handle.send({message: {request: "join", room: access.room, ptype: "publisher", display: access.display,
                               id: access.feed_id, token: access.token}});
      },
      error: function () { dropped(); },
      onmessage: onPublisherMessage,
      onlocaltrack: function (track, on) {
        if (track.kind !== "video") return;
        var video = localTile.querySelector("video");
        if (on) { video.srcObject = new MediaStream([track]); localTile.hidden = false; }
      },
      iceState: function (state) {
        if (state === "failed") dropped();
        if (state === "disconnected") setTimeout(function () {
          if (publisher && publisher.webrtcStuff && publisher.webrtcStuff.pc &&
              publisher.webrtcStuff.pc.iceConnectionState === "disconnected") dropped();
        }, 5000);
      },
      webrtcState: function (on) { if (on) { retryDelay = 1000; joinedStatus(); } }
    });
  }

  function onPublisherMessage(msg, jsep) {
    var event = msg.videoroom;
    if (event === "joined") {
      privateId = msg.private_id;
      show(true);
      buttons.join.disabled = false;
      publishOwn(true);
      (msg.publishers || []).forEach(subscribe);
      startStats();
      scheduleClose();
      joinedStatus();
    } else if (event === "event") {
      (msg.publishers || []).forEach(subscribe);
      var gone = msg.leaving || msg.unpublished;
      if (gone === "ok") {  // we were taken out: another window joined, or our right was revoked
        if (msg.reason === "kicked") { wanted = false; teardown(); setStatus(t("replaced")); }
      } else if (gone) {
        removeFeed(gone);
        joinedStatus();
      }
      if (msg.error) setStatus(msg.error);
    }
    if (jsep) publisher.handleRemoteJsep({jsep: jsep});
  }

  function publishOwn(withMedia) {
    var tracks = withMedia ? [{type: "audio", capture: true, recv: false}, {type: "video", capture: true, recv: false}]
                           : [];
    publisher.createOffer({
      tracks: tracks,
      success: function (jsep) {
        publisher.send({message: {request: "configure", audio: withMedia, video: withMedia}, jsep: jsep});
      },
      error: function () {
        setStatus(t("no-devices"));
        buttons.mute.hidden = buttons.camera.hidden = true;
      }
    });
  }

  function joinedStatus() {
    if (!janus) return;  // callbacks of a call being torn down
    setStatus(Object.keys(feeds).length ? t("connected") : t("waiting"));
  }

  // The others' feeds --------------------------------------------------------------------------------
  function subscribe(feed) {
    if (feeds[feed.id] || feed.id === access.feed_id) return;
    var tile = document.createElement("figure");
    tile.className = "vc-tile";
    tile.setAttribute("data-call-feed", feed.id);
    var video = document.createElement("video");
    video.autoplay = true; video.playsInline = true;
    var audio = document.createElement("audio");
    audio.autoplay = true;
    var caption = document.createElement("figcaption");
    caption.textContent = feed.display || "";
    tile.appendChild(video); tile.appendChild(audio); tile.appendChild(caption);
    grid.appendChild(tile);
    var entry = feeds[feed.id] = {tile: tile, handle: null, video: new MediaStream(), audio: new MediaStream()};
    janus.attach({
      plugin: "janus.plugin.videoroom", opaqueId: "fuhua-" + access.feed_id,
      success: function (handle) {
        entry.handle = handle;
        handle.send({message: {request: "join", room: access.room, ptype: "subscriber", private_id: privateId,
                               streams: [{feed: feed.id}], token: access.token}});
      },
      onmessage: function (msg, jsep) {
        if (!jsep) return;
        entry.handle.createAnswer({
          jsep: jsep, tracks: [{type: "data"}],
          success: function (answer) {
            entry.handle.send({message: {request: "start", room: access.room}, jsep: answer});
          }
        });
      },
      onremotetrack: function (track, mid, on) {
        var stream = track.kind === "video" ? entry.video : entry.audio;
        var element = track.kind === "video" ? video : audio;
        stream.getTracks().forEach(function (old) { if (old.id === track.id || old.readyState === "ended") stream.removeTrack(old); });
        if (on) stream.addTrack(track);
        element.srcObject = stream;
        joinedStatus();
      },
      oncleanup: function () {}
    });
    joinedStatus();
  }

  function removeFeed(id) {
    var entry = feeds[id];
    if (!entry) return;
    if (entry.handle) entry.handle.detach();
    entry.tile.remove();
    delete feeds[id];
  }

  // Controls --------------------------------------------------------------------------------------
  buttons.join.addEventListener("click", function () { retryDelay = 1000; join(); });
  buttons.leave.addEventListener("click", function () {
    wanted = false;
    teardown();
    request("DELETE").catch(function () {});
    setStatus(t("left"));
  });
  buttons.mute.addEventListener("click", function () {
    if (!publisher) return;
    if (publisher.isAudioMuted()) { publisher.unmuteAudio(); press(buttons.mute, false, t("mute")); }
    else { publisher.muteAudio(); press(buttons.mute, true, t("unmute")); }
  });
  buttons.camera.addEventListener("click", function () {
    if (!publisher) return;
    if (publisher.isVideoMuted()) { publisher.unmuteVideo(); press(buttons.camera, false, t("camera-off")); }
    else { publisher.muteVideo(); press(buttons.camera, true, t("camera-on")); }
  });
  buttons.share.addEventListener("click", function () {
    if (!publisher) return;
    var next = !sharing;
    publisher.replaceTracks({
      tracks: [{type: next ? "screen" : "video", capture: true}],
      success: function () {
        sharing = next;
        press(buttons.share, sharing, t(sharing ? "stop-share" : "share"));
        if (sharing) {  // the browser's own "Stop sharing" ends the track: go back to the camera
          var sender = videoSender();
          if (sender && sender.track) sender.track.addEventListener("ended", function () {
            if (sharing) buttons.share.click();
          });
        }
      },
      error: function () { setStatus(t("share-failed")); }
    });
  });

  function videoSender() {
    var pc = publisher && publisher.webrtcStuff && publisher.webrtcStuff.pc;
    if (!pc) return null;
    return pc.getSenders().find(function (s) { return s.track && s.track.kind === "video"; }) || null;
  }

  // Dropping, reconnecting, closing ---------------------------------------------------------------
  function teardown() {
    clearInterval(statsTimer); clearTimeout(closeTimer); clearTimeout(retryTimer);
    var old = janus;
    janus = publisher = null;
    Object.keys(feeds).forEach(removeFeed);
    if (old) { try { old.destroy({cleanupHandles: true}); } catch (e) { /* already gone */ } }
    sharing = false;
    press(buttons.share, false, t("share"));
    press(buttons.mute, false, t("mute"));
    press(buttons.camera, false, t("camera-off"));
    localTile.hidden = true;
    qualityEl.textContent = "";
    buttons.join.disabled = false;
    show(false);
  }

  function dropped() {
    if (!wanted) return;
    teardown();
    setStatus(t("reconnecting"));
    retryLater();
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { if (wanted) join(true); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  function scheduleClose() {
    clearTimeout(closeTimer);
    var wait = closesAt - Date.now();
    if (wait > 0 && wait < 2147483647) closeTimer = setTimeout(function () {
      wanted = false; teardown(); setStatus(t("ended"));
    }, wait);
  }

  // Quality ---------------------------------------------------------------------------------------
  function collect() {
    var pcs = Object.keys(feeds).map(function (id) {
      var h = feeds[id].handle;
      return h && h.webrtcStuff && h.webrtcStuff.pc;
    }).filter(Boolean);
    var totals = {framesDecoded: 0, audioPackets: 0, packetsLost: 0, packetsReceived: 0, bytesReceived: 0,
                  frameWidth: 0, frameHeight: 0, feeds: Object.keys(feeds).length, at: Date.now()};
    return Promise.all(pcs.map(function (pc) { return pc.getStats(); })).then(function (reports) {
      reports.forEach(function (report) {
        report.forEach(function (s) {
          if (s.type !== "inbound-rtp") return;
          totals.packetsLost += Math.max(s.packetsLost || 0, 0);
          totals.packetsReceived += s.packetsReceived || 0;
          totals.bytesReceived += s.bytesReceived || 0;
          if (s.kind === "video") {
            totals.framesDecoded += s.framesDecoded || 0;
            totals.frameWidth = Math.max(totals.frameWidth, s.frameWidth || 0);
            totals.frameHeight = Math.max(totals.frameHeight, s.frameHeight || 0);
          } else if (s.kind === "audio") {
            totals.audioPackets += s.packetsReceived || 0;
          }
        });
      });
      return totals;
    });
  }

  function startStats() {
    clearInterval(statsTimer);
    lastStats = null;
    statsTimer = setInterval(function () {
      collect().then(function (now) {
        if (lastStats && now.feeds) {
          var seconds = Math.max((now.at - lastStats.at) / 1000, 0.001);
          var kbps = Math.max(0, Math.round((now.bytesReceived - lastStats.bytesReceived) * 8 / 1000 / seconds));
          var lost = Math.max(0, now.packetsLost - lastStats.packetsLost);
          var got = Math.max(0, now.packetsReceived - lastStats.packetsReceived);
          var loss = lost + got ? (100 * lost / (lost + got)) : 0;
          var level = loss < 2 ? "good" : (loss < 8 ? "fair" : "poor");
          qualityEl.setAttribute("data-level", level);
          qualityEl.textContent = t(level) + " · " + t("rate").replace("{kbps}", kbps).replace("{loss}", loss.toFixed(1));
        }
        lastStats = now;
      });
    }, 2000);
  }

  if (!window.RTCPeerConnection) {
    buttons.join.disabled = true;
    setStatus(t("unsupported"));
    return;
  }
  buttons.join.disabled = true;
  Janus.init({debug: false, dependencies: Janus.useDefaultDependencies(), callback: function () {
    buttons.join.disabled = false;
  }});
  // For the page's own tests and for diagnosis: what this page receives, counted from getStats().
  window.FuhuaCall = {stats: collect, localVideoSettings: function () {
    var s = videoSender();
    return s && s.track ? s.track.getSettings() : null;
  }};
})();
