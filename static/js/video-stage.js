// The roadshow stage's video through Janus (app/video/stage.py; janus.js + adapter.js from Debian).
// Every viewer holds an "audience" token (POST data-url {publish: false}): it may subscribe, and Janus refuses it
// a publisher's place. The page watches the feed live on stage, asks who is live every poll_ms and when the room
// says the stage changed (stage:update, video:cut), shows the connection's quality and reconnects by itself.
// The presenter on stage and moderators "Go live" with a "stage" token (publish: true); a stage change or a
// moderator's cut revokes it on Janus, which closes their session: the page then says they are no longer live.
// Large audiences (app/video/streaming.py, hls.py): past the room's limit a viewer is sent to a Streaming
// mountpoint (access.path "mountpoint") fed by the room's rtp_forward; when WebRTC does not connect within
// access.ice_timeout_ms (or ICE fails: a network that blocks UDP), the page falls back by itself to the stage's
// HLS (hls.js, vendored) and says which path it uses.
(function () {
  "use strict";
  var root = document.querySelector("[data-video-stage]");
  if (!root || !window.Janus) return;
  var url = root.getAttribute("data-url");
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content;
  var statusEl = root.querySelector("[data-stage-video-status]");
  var qualityEl = root.querySelector("[data-stage-quality]");
  var pathEl = root.querySelector("[data-stage-path]");
  var screen = root.querySelector("[data-stage-screen]");
  var videoEl = root.querySelector("[data-stage-video]");
  var audioEl = root.querySelector("[data-stage-audio]");
  var self = root.querySelector("[data-stage-self]");
  var buttons = {
    layout: root.querySelector("[data-stage-layout]"), live: root.querySelector("[data-stage-go-live]"),
    share: root.querySelector("[data-stage-share]"), stop: root.querySelector("[data-stage-stop]"),
    cut: root.querySelector("[data-stage-cut]")
  };
  function t(key) { return root.getAttribute("data-t-" + key) || key; }
  function setStatus(text) { statusEl.textContent = text; }

  function api(method, target, body) {
    var headers = {"X-CSRFToken": csrf, "Accept": "application/json"};
    if (body) headers["Content-Type"] = "application/json";
    return fetch(target, {method: method, credentials: "same-origin", headers: headers,
                          body: body ? JSON.stringify(body) : undefined})
      .then(function (response) {
        if (response.status === 204) return null;
        return response.json().then(function (data) {
          if (!response.ok) {
            var e = new Error(data.error && data.error.message); e.status = response.status;
            e.code = data.error && data.error.code; throw e;
          }
          return data;
        });
      });
  }

  // Watching ---------------------------------------------------------------------------------------
  var watch = {janus: null, access: null, feed: null, handle: null, video: null, audio: null};
  var pollTimer = null, retryTimer = null, retryDelay = 1000, statsTimer = null, lastStats = null;
  var live = {janus: null, access: null, handle: null, sharing: false, seen: false};
  var note = null;
  var path = null, iceTimer = null, hlsPlayer = null;

  function showPath(next) {
    path = next;
    root.setAttribute("data-video-path", next || "");
    pathEl.textContent = next ? t("path-" + next) : "";
  }

  function startWatching() {
    clearTimeout(retryTimer);
    setStatus(t("connecting"));
    api("POST", url, {publish: false}).then(function (access) {
      watch.access = access;
      watch.janus = new Janus({
        server: access.janus_urls, token: access.token, iceServers: access.ice_servers,
        success: function () {
          retryDelay = 1000;
          showPath(access.path || "room");
          if (path === "mountpoint") watchMount();
          showFeeds(access.feeds);
          clearInterval(pollTimer);
          pollTimer = setInterval(refreshFeeds, access.poll_ms);
          startStats();
        },
        error: function () { dropped(); },
        destroyed: function () {}
      });
    }).catch(function (error) {
      if (error.status === 503 || !error.status) { dropped(); return; }
      setStatus(error.message);  // video off, the roadshow ended, not allowed: nothing to retry
    });
  }

  function refreshFeeds() {
    if (!watch.janus && path !== "hls") return;
    api("GET", url).then(function (data) { showFeeds(data.feeds); }).catch(function (error) {
      if (error.status === 503 || !error.status) dropped();
    });
  }

  function showFeeds(feeds) {
    var own = live.access && live.handle ? live.access.feed_id : null;
    if (own !== null) {  // our own feed went from the stage: our right was revoked (the stage changed)
      var there = (feeds || []).some(function (f) { return f.id === own; });
      if (there) live.seen = true;
      else if (live.seen) stopped(t("stopped"));
    }
    var others = (feeds || []).filter(function (f) { return f.id !== own; });
    if (path === "hls") { showHls(others); return; }
    if (path === "mountpoint") { showMount(others); return; }
    if (watch.feed && others.some(function (f) { return f.id === watch.feed.id; })) return;
    unsubscribe();
    if (others.length) subscribe(others[0]);
    else setStatus(live.handle ? t("live") : (note || t("off-air")));
  }

  function subscribe(feed) {
    watch.feed = feed;
    watch.video = new MediaStream(); watch.audio = new MediaStream();
    watch.janus.attach({
      plugin: "janus.plugin.videoroom", opaqueId: "fuhua-stage-" + watch.access.feed_id,
      success: function (handle) {
        if (watch.feed !== feed) { handle.detach(); return; }
        watch.handle = handle;
        handle.send({message: {request: "join", room: watch.access.room, ptype: "subscriber",
                               streams: [{feed: feed.id}], token: watch.access.token}});
        armIce();
      },
      error: function () { dropped(); },
      iceState: iceChanged,
      onmessage: function (msg, jsep) {
        if (msg.error_code || msg.videoroom === "event" && (msg.left === "ok" || msg.unpublished)) {
          if (watch.feed === feed) { unsubscribe(); refreshFeeds(); }
          return;
        }
        if (!jsep || !watch.handle) return;
        watch.handle.createAnswer({
          jsep: jsep, tracks: [{type: "data"}],
          success: function (answer) {
            watch.handle.send({message: {request: "start", room: watch.access.room}, jsep: answer});
          }
        });
      },
      onremotetrack: function (track, mid, on) {
        if (watch.feed !== feed) return;
        showTrack(track, on);
        note = null;
        setStatus(t("watching").replace("{name}", feed.display));
      },
      oncleanup: function () {}
    });
  }

  function showTrack(track, on) {
    var stream = track.kind === "video" ? watch.video : watch.audio;
    var element = track.kind === "video" ? videoEl : audioEl;
    stream.getTracks().forEach(function (old) {
      if (old.id === track.id || old.readyState === "ended") stream.removeTrack(old);
    });
    if (on) stream.addTrack(track);
    if (track.kind === "video") announce(on, "webrtc");
    element.srcObject = stream;
    screen.hidden = false;
  }

  // A mountpoint (past the room's limit): watched for the whole visit; it carries whoever is on stage.
  function watchMount() {
    var mount = watch.access.mountpoint;
    watch.video = new MediaStream(); watch.audio = new MediaStream();
    watch.janus.attach({
      plugin: "janus.plugin.streaming", opaqueId: "fuhua-stage-" + watch.access.feed_id,
      success: function (handle) {
        watch.handle = handle;
        handle.send({message: {request: "watch", id: mount.id, pin: mount.pin}});
        armIce();
      },
      error: function () { dropped(); },
      iceState: iceChanged,
      onmessage: function (msg, jsep) {
        if (msg.error_code || msg.error) { dropped(); return; }  // the mountpoint went: ask for a place again
        if (!jsep || !watch.handle) return;
        watch.handle.createAnswer({
          jsep: jsep, tracks: [{type: "data"}],
          success: function (answer) { watch.handle.send({message: {request: "start"}, jsep: answer}); }
        });
      },
      onremotetrack: function (track, mid, on) { showTrack(track, on); screen.hidden = !watch.feed; },
      oncleanup: function () {}
    });
  }

  function showMount(others) {
    watch.feed = others[0] || null;
    screen.hidden = !watch.feed || !watch.video || !watch.video.getTracks().length;
    if (watch.feed) { note = null; setStatus(t("watching").replace("{name}", watch.feed.display)); }
    else setStatus(live.handle ? t("live") : (note || t("off-air")));
  }

  // Falling back to HLS ------------------------------------------------------------------------------
  function armIce() {
    clearTimeout(iceTimer);
    if (!watch.access || !watch.access.hls_url) return;
    iceTimer = setTimeout(function () {
      var pc = watch.handle && watch.handle.webrtcStuff && watch.handle.webrtcStuff.pc;
      var state = pc ? pc.iceConnectionState : "new";
      if (state !== "connected" && state !== "completed") fallBackToHls();
    }, watch.access.ice_timeout_ms || 10000);
  }

  function iceChanged(state) {
    if (state === "connected" || state === "completed") clearTimeout(iceTimer);
    else if (state === "failed") fallBackToHls();
  }

  function fallBackToHls() {
    clearTimeout(iceTimer);
    if (path === "hls" || !watch.access || !watch.access.hls_url) return;
    unsubscribe();
    var old = watch.janus;
    watch.janus = null;
    if (old) { try { old.destroy({cleanupHandles: true}); } catch (e) { /* gone */ } }
    showPath("hls");
    clearInterval(pollTimer);
    pollTimer = setInterval(refreshFeeds, watch.access.poll_ms);
    refreshFeeds();
  }

  function showHls(others) {
    watch.feed = others[0] || null;
    if (!watch.feed) { stopHls(); setStatus(live.handle ? t("live") : (note || t("off-air"))); return; }
    note = null;
    setStatus(t("watching").replace("{name}", watch.feed.display));
    if (!hlsPlayer) playHls();
  }

  function playHls() {
    var source = watch.access.hls_url;
    videoEl.srcObject = null; audioEl.srcObject = null;
    screen.hidden = false;
    if (window.Hls && window.Hls.isSupported()) {
      // No worker: the CSP allows scripts from this site only. Two one-second segments behind the live edge.
      hlsPlayer = new window.Hls({enableWorker: false, liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 6,
                                  maxLiveSyncPlaybackRate: 1.2, manifestLoadingMaxRetry: 2});
      hlsPlayer.on(window.Hls.Events.ERROR, function (event, data) {
        if (!data.fatal) return;
        stopHls();  // no playlist yet (ffmpeg starting), or it stalled: try again shortly
        setTimeout(function () { if (path === "hls" && watch.feed && !hlsPlayer) playHls(); }, 2000);
      });
      hlsPlayer.on(window.Hls.Events.MANIFEST_PARSED, function () {
        videoEl.play().catch(function () { /* the viewer presses play */ });
        announce(true, "hls");
      });
      hlsPlayer.loadSource(source);
      hlsPlayer.attachMedia(videoEl);
    } else if (videoEl.canPlayType("application/vnd.apple.mpegurl")) {  // Safari plays HLS itself
      hlsPlayer = {destroy: function () { videoEl.removeAttribute("src"); videoEl.load(); }};
      videoEl.src = source;
      videoEl.play().catch(function () { /* the viewer presses play */ });
      announce(true, "hls");
    }
  }

  function stopHls() {
    if (hlsPlayer) announce(false);
    if (hlsPlayer) { try { hlsPlayer.destroy(); } catch (e) { /* gone */ } }
    hlsPlayer = null;
    screen.hidden = true;
  }

  // Whether the stage's video plays here, told to the page (video-viewers.js counts it for the report).
  var watching = false;
  function announce(on, via) {
    if (on === watching) return;
    watching = on;
    document.dispatchEvent(new CustomEvent("fuhua:stage-watching", {detail: {watching: on, via: via || "webrtc"}}));
  }

  function unsubscribe() {
    announce(false);
    clearTimeout(iceTimer);
    if (watch.handle) { try { watch.handle.detach(); } catch (e) { /* gone */ } }
    watch.handle = watch.feed = null;
    videoEl.srcObject = null; audioEl.srcObject = null;
    screen.hidden = true;
    qualityEl.textContent = "";
  }

  function dropped() {
    if (path === "hls") { setStatus(t("reconnecting")); return; }  // the next poll tries again
    clearInterval(pollTimer); clearInterval(statsTimer);
    unsubscribe();
    var old = watch.janus;
    watch.janus = null;
    if (old) { try { old.destroy({cleanupHandles: true}); } catch (e) { /* gone */ } }
    setStatus(t("reconnecting"));
    clearTimeout(retryTimer);
    retryTimer = setTimeout(startWatching, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  // Quality of what this page receives ---------------------------------------------------------------
  function collect() {
    var pc = watch.handle && watch.handle.webrtcStuff && watch.handle.webrtcStuff.pc;
    var totals = {framesDecoded: 0, audioPackets: 0, packetsLost: 0, packetsReceived: 0, bytesReceived: 0,
                  frameWidth: 0, feed: watch.feed ? watch.feed.id : null, at: Date.now(), path: path,
                  currentTime: videoEl.currentTime};
    if (path === "hls" && videoEl.getVideoPlaybackQuality) {
      var quality = videoEl.getVideoPlaybackQuality();
      totals.framesDecoded = quality.totalVideoFrames - quality.droppedVideoFrames;
      totals.frameWidth = videoEl.videoWidth;
      // How far behind the stage this page plays: now minus the wall-clock time ffmpeg received the frame shown.
      var shown = hlsPlayer && hlsPlayer.playingDate;
      totals.hlsDelayMs = shown ? Date.now() - shown.getTime() : null;
      totals.hlsLatency = hlsPlayer && typeof hlsPlayer.latency === "number" ? hlsPlayer.latency : null;  // s behind the playlist's edge
    }
    if (!pc) return Promise.resolve(totals);
    return pc.getStats().then(function (report) {
      report.forEach(function (s) {
        if (s.type !== "inbound-rtp") return;
        totals.packetsLost += Math.max(s.packetsLost || 0, 0);
        totals.packetsReceived += s.packetsReceived || 0;
        totals.bytesReceived += s.bytesReceived || 0;
        if (s.kind === "video") {
          totals.framesDecoded += s.framesDecoded || 0;
          totals.frameWidth = Math.max(totals.frameWidth, s.frameWidth || 0);
        }
        else if (s.kind === "audio") totals.audioPackets += s.packetsReceived || 0;
      });
      return totals;
    });
  }

  function startStats() {
    clearInterval(statsTimer);
    lastStats = null;
    statsTimer = setInterval(function () {
      collect().then(function (now) {
        if (now.path === "hls") qualityEl.textContent = "";  // HLS: the path line says it all
        else if (lastStats && now.feed && now.feed === lastStats.feed) {
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

  // Going live ---------------------------------------------------------------------------------------
  function showLive(on) {
    if (!buttons.live) return;
    buttons.live.hidden = on;
    buttons.live.disabled = false;
    buttons.share.hidden = buttons.stop.hidden = !on;
    self.hidden = !on;
  }

  function goLive() {
    buttons.live.disabled = true;
    api("POST", url, {publish: true}).then(function (access) {
      live.access = access;
      live.janus = new Janus({
        server: access.janus_urls, token: access.token, iceServers: access.ice_servers,
        success: attachPublisher,
        error: function () { stopped(t("stopped")); },  // revoked: Janus closed the session
        destroyed: function () {}
      });
    }).catch(function (error) {
      buttons.live.disabled = false;
      setStatus(error.message);
    });
  }

  function attachPublisher() {
    live.janus.attach({
      plugin: "janus.plugin.videoroom", opaqueId: "fuhua-stage-" + live.access.feed_id,
      success: function (handle) {
        live.handle = handle;
        handle.send({message: {request: "join", room: live.access.room, ptype: "publisher",
                               display: live.access.display, id: live.access.feed_id, token: live.access.token}});
      },
      error: function () { stopped(t("stopped")); },
      onmessage: function (msg, jsep) {
        if (msg.videoroom === "joined") {
          live.handle.createOffer({
            tracks: [{type: "audio", capture: true, recv: false}, {type: "video", capture: true, recv: false}],
            success: function (offer) {
              live.handle.send({message: {request: "configure", audio: true, video: true}, jsep: offer});
            },
            error: function () { stopped(t("no-devices")); }
          });
          showLive(true);
          setStatus(t("live"));
        } else if (msg.videoroom === "event" && (msg.leaving === "ok" || msg.unpublished === "ok")) {
          stopped(msg.reason === "kicked" ? t("cut") : t("stopped"));
        } else if (msg.error) {
          stopped(msg.error);
        }
        if (jsep && live.handle) live.handle.handleRemoteJsep({jsep: jsep});
      },
      onlocaltrack: function (track, on) {
        if (track.kind === "video" && on) self.querySelector("video").srcObject = new MediaStream([track]);
      },
      iceState: function (state) { if (state === "failed" || state === "closed") stopped(t("stopped")); },
      webrtcState: function (on) { if (on) refreshFeeds(); },
      oncleanup: function () {}
    });
  }

  function stopped(message) {
    var old = live.janus;
    if (!old && !live.handle) return;
    live.janus = live.handle = null;
    live.sharing = live.seen = false;
    if (old) { try { old.destroy({cleanupHandles: true}); } catch (e) { /* gone */ } }
    if (buttons.share) { buttons.share.setAttribute("aria-pressed", "false"); buttons.share.textContent = t("share"); }
    showLive(false);
    note = message;  // what the page says while nobody is live, until someone is again
    setStatus(message);
  }

  if (buttons.live) {
    buttons.live.addEventListener("click", goLive);
    // Stopping takes the token that may publish off Janus too (the page keeps watching with its own).
    buttons.stop.addEventListener("click", function () {
      stopped(t("stopped"));
      api("DELETE", url + "?publish=true").catch(function () { /* the sweep revokes it when the stage moves */ });
    });
    window.addEventListener("pagehide", function () {
      if (!live.handle) return;
      fetch(url + "?publish=true", {method: "DELETE", keepalive: true, credentials: "same-origin",
                                    headers: {"X-CSRFToken": csrf, "Accept": "application/json"}});
    });
    buttons.share.addEventListener("click", function () {
      if (!live.handle) return;
      var next = !live.sharing;
      live.handle.replaceTracks({
        tracks: [{type: next ? "screen" : "video", capture: true}],
        success: function () {
          live.sharing = next;
          buttons.share.setAttribute("aria-pressed", next ? "true" : "false");
          buttons.share.textContent = t(next ? "stop-share" : "share");
        }
      });
    });
  }
  if (buttons.cut) buttons.cut.addEventListener("click", function () {
    buttons.cut.disabled = true;
    api("POST", root.getAttribute("data-cut-url")).then(function () { setStatus(t("cut")); })
      .catch(function (error) { setStatus(error.message); })
      .then(function () { buttons.cut.disabled = false; refreshFeeds(); });
  });
  buttons.layout.addEventListener("click", function () {
    var large = !root.classList.contains("vs-large");
    root.classList.toggle("vs-large", large);
    buttons.layout.setAttribute("aria-pressed", large ? "true" : "false");
    buttons.layout.textContent = t(large ? "slides-large" : "video-large");
  });

  // The room's own socket tells when the stage changed: ask who is live now rather than wait for the poll.
  var socket = window.Fuhua && window.Fuhua.socket;
  if (socket) {
    socket.on("stage:update", function () { setTimeout(refreshFeeds, 500); });
    socket.on("video:cut", function (data) {
      if (live.access && (data.feeds || []).indexOf(live.access.feed_id) >= 0) { stopped(t("cut")); note = t("cut"); setStatus(note); }
      refreshFeeds();
    });
  }

  if (!window.RTCPeerConnection) return;
  Janus.init({debug: false, dependencies: Janus.useDefaultDependencies(), callback: startWatching});
  // For the page's own tests and for diagnosis: what this page receives, counted from getStats().
  window.FuhuaStage = {stats: collect, publishing: function () { return !!live.handle; }};
})();
