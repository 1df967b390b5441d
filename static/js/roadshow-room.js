// The live roadshow room: stage + countdown, synced slides, chat with an outbox, Q&A, polls,
// reactions, presence and moderator tools, over Socket.IO (SPEC §8). No inline scripts (CSP).
(function () {
  "use strict";
  var root = document.querySelector(".rs-room");
  if (!root || !window.io) return;

  var roadshowId = parseInt(root.dataset.roadshowId, 10);
  var isModerator = root.dataset.moderator === "true";
  var signedIn = root.dataset.signedIn === "true";
  var myId = root.dataset.userId ? parseInt(root.dataset.userId, 10) : null;
  var T = JSON.parse(root.dataset.i18n || "{}");
  var $ = function (sel) { return root.querySelector(sel); };

  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  function fmt(key, values) {
    if (T[key + "_other"] && values && typeof values.n === "number") {  // counted: "1 vote", "2 votes"
      var form = plurals ? plurals.select(values.n) : (values.n === 1 ? "one" : "other");
      key = key + "_" + (T[key + "_" + form] ? form : "other");
    }
    return (T[key] || key).replace(/\{(\w+)\}/g, function (_m, name) {
      return values && values[name] !== undefined ? String(values[name]) : "";
    });
  }

  // ---------------------------------------------------------------- times
  // Times show in the account's zone, or for a signed-out viewer in the browser's, and say which zone it is.
  var lang = document.documentElement.lang || "en";
  var zone = (signedIn && document.body.dataset.timezone) || browserZone();
  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { return "UTC"; }
  }
  function timeFormat(options) {
    try { return new Intl.DateTimeFormat(lang, Object.assign({ timeZone: zone }, options)); }
    catch (e) { zone = browserZone(); return new Intl.DateTimeFormat(lang, options); }
  }
  var clockFormat = timeFormat({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var fullFormat = timeFormat({ year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
                                hourCycle: "h23", timeZoneName: "short" });
  function zoneName() {
    var part = timeFormat({ hour: "numeric", timeZoneName: "short" }).formatToParts(new Date())
      .filter(function (p) { return p.type === "timeZoneName"; })[0];
    return part && part.value !== zone ? part.value + " (" + zone + ")" : zone;
  }
  function timeEl(iso) {
    var t = document.createElement("time");
    var when = new Date(iso);
    t.dateTime = iso;
    t.className = "small muted rs-time";
    t.textContent = clockFormat.format(when);
    t.title = fullFormat.format(when);
    return t;
  }
  var zoneCaption = $("[data-chat-zone]");
  if (zoneCaption) zoneCaption.textContent = fmt("times_in", { zone: zoneName() });

  // ---------------------------------------------------------------- state
  var lastId = null;            // the largest chat message id seen: sent as after_id on every (re)join
  var seen = {};                // message ids already shown (no duplicates after a resend or a rejoin)
  var stage = null;             // last stage:update
  var slide = null;             // last slide:update
  var clockOffset = 0;          // server time − local time, ms
  var me = { moderator: isModerator, presenter: false, can_post: signedIn, muted: false };
  var questions = {};
  var polls = {};
  var mutedUsers = {};          // moderators: whom the room has muted (state.muted_users, then user:muted)
  var joined = false;
  var OUTBOX_KEY = "fuhua:outbox:" + roadshowId + ":" + (myId || "anon");
  var outbox = loadOutbox();

  var socket = (window.Fuhua && window.Fuhua.socket) || window.io({ transports: ["websocket", "polling"] });
  if (window.Fuhua && !window.Fuhua.socket) window.Fuhua.socket = socket;  // the room's other scripts share it
  if (window.Fuhua && window.Fuhua.watchRealtime) window.Fuhua.watchRealtime(socket);

  function loadOutbox() {
    try { return JSON.parse(window.localStorage.getItem(OUTBOX_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox() {
    try { window.localStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox)); } catch (e) { /* private mode */ }
  }
  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function setConn(text, cls) {
    var el = $("[data-conn]");
    el.textContent = text;
    el.className = "rs-conn " + (cls || "");
  }

  function emit(event, data, done) {
    var timer = setTimeout(function () { if (done) { done({ ok: false, error: { code: "timeout", message: "timeout" } }); done = null; } }, 10000);
    socket.emit(event, data, function (ack) {
      clearTimeout(timer);
      if (done) { done(ack || { ok: false }); done = null; }
    });
  }

  function report(ack) {
    if (ack && !ack.ok && ack.error && ack.error.code !== "timeout" && window.Fuhua && window.Fuhua.toast) {
      window.Fuhua.toast(fmt("error", { msg: ack.error.message }));
    }
  }

  // ---------------------------------------------------------------- join / reconnect
  function join() {
    setConn(T.connecting, "is-connecting");
    emit("roadshow:join", { roadshow_id: roadshowId, after_id: lastId }, function (ack) {
      if (!ack.ok) {
        var timedOut = !ack.error || ack.error.code === "timeout";
        setConn(timedOut ? T.reconnecting : ack.error.message, "is-error");
        return;
      }
      joined = true;
      setConn(T.live, "is-live");
      applyState(ack.state);
      ack.messages.forEach(addMessage);
      flushOutbox();
    });
  }

  socket.on("connect", join);
  socket.on("disconnect", function () { joined = false; setConn(T.reconnecting, "is-reconnecting"); });
  if (socket.connected) join();

  function applyState(state) {
    var wasMuted = !!me.muted;
    me = state.me || me;
    mutedUsers = {};
    (state.muted_users || []).forEach(function (id) { mutedUsers[id] = true; });
    refreshMuteControls();
    if (wasMuted && !me.muted) unmutedNotice = true;
    raised = !!me.hand_raised;
    interests = {};
    (me.interests || []).forEach(function (id) { interests[id] = true; });
    showHand();
    root.classList.toggle("is-moderator", !!me.moderator);
    onStage(state.stage);
    onSlide(state.slide);
    onPresence(state.presence);
    setAgenda(state.agenda);
    questions = {};
    state.questions.forEach(function (q) { questions[q.id] = q; });
    renderQuestions();
    setCounts(state.counts);
    polls = {};
    state.polls.forEach(function (p) { polls[p.id] = p; });
    renderPolls();
    (state.cues || []).forEach(showCue);
    updatePostHint();
  }

  var unmutedNotice = false;   // "you may post again", once a moderator lifts a mute
  function updatePostHint() {
    var hint = $("[data-post-hint]");
    var text = "";
    if (!signedIn) text = T.signin;
    else if (me.muted) text = T.muted;
    else if (unmutedNotice) text = T.unmuted;
    hint.classList.toggle("is-muted", !!me.muted);
    hint.textContent = text;
    hint.hidden = !text;
    var ended = stage && (stage.status === "ended" || stage.status === "cancelled");
    $("[data-ended]").hidden = !ended;
    root.classList.toggle("is-readonly", !me.can_post || !!ended);
  }

  // ---------------------------------------------------------------- chat + outbox
  var messagesEl = $("[data-messages]");

  function messageEl(m, pending) {
    var li = document.createElement("li");
    li.className = "rs-message" + (pending ? " is-pending" : "");
    if (m.id) li.dataset.id = m.id;
    li.dataset.clientId = m.client_id;
    if (m.created_at) { li.appendChild(timeEl(m.created_at)); li.appendChild(document.createTextNode(" ")); }
    var who = document.createElement("strong");
    who.textContent = m.user ? m.user.name : "";
    var body = document.createElement("span");
    body.className = "rs-body";
    body.textContent = " " + m.body;
    li.appendChild(who);
    li.appendChild(body);
    var status = document.createElement("span");
    status.className = "small muted rs-status";
    status.textContent = pending ? " " + T.sending : "";
    li.appendChild(status);
    if (isModerator && m.id) {
      li.appendChild(smallButton(T["delete"], function () { emit("chat:delete", { message_id: m.id }, report); }));
      if (m.user && m.user.id !== myId) li.appendChild(muteControl(m.user.id));
    }
    return li;
  }

  // A moderator's mute control for one person: a "muted" tag and Unmute, or Mute. Every control of that
  // person (people list, chat lines) changes together when the server says so (user:muted).
  function muteControl(userId) {
    var span = document.createElement("span");
    span.className = "rs-mute";
    span.dataset.muteUser = userId;
    var tag = document.createElement("span");
    tag.className = "tag rs-muted-tag";
    tag.textContent = T.muted_tag;
    var button = smallButton("", function () {
      emit("user:mute", { roadshow_id: roadshowId, user_id: userId, muted: !mutedUsers[userId] }, report);
    });
    span.appendChild(document.createTextNode(" "));
    span.appendChild(tag);
    span.appendChild(document.createTextNode(" "));
    span.appendChild(button);
    paintMuteControl(span);
    return span;
  }
  function paintMuteControl(span) {
    var muted = !!mutedUsers[span.dataset.muteUser];
    span.querySelector(".rs-muted-tag").hidden = !muted;
    span.querySelector("button").textContent = muted ? T.unmute : T.mute;
  }
  function refreshMuteControls() {
    root.querySelectorAll("[data-mute-user]").forEach(paintMuteControl);
  }

  function smallButton(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "linklike small";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function scrollChat() { messagesEl.scrollTop = messagesEl.scrollHeight; }

  function addMessage(m) {
    if (lastId === null || m.id > lastId) lastId = m.id;
    if (seen[m.id]) return;
    seen[m.id] = true;
    var pending = messagesEl.querySelector('.is-pending[data-client-id="' + cssEscape(m.client_id) + '"]');
    if (pending && m.user && m.user.id === myId) {
      pending.remove();
      dropFromOutbox(m.client_id);
    }
    placeMessage(messageEl(m, false), m.id);
    while (messagesEl.children.length > 500) messagesEl.removeChild(messagesEl.firstChild);
    scrollChat();
  }

  // Sent messages sit in server order (by id) for everyone, the sender included: one typed while
  // offline goes below what others sent meanwhile. Messages still sending stay last.
  function placeMessage(el, id) {
    var before = null;  // the first later message, or the first one still sending; null: the end
    for (var node = messagesEl.lastElementChild; node; node = node.previousElementSibling) {
      if (node.dataset.id && parseInt(node.dataset.id, 10) < id) break;
      before = node;
    }
    messagesEl.insertBefore(el, before);
  }

  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(String(s)) : String(s).replace(/"/g, '\\"'); }

  function dropFromOutbox(clientId) {
    outbox = outbox.filter(function (o) { return o.client_id !== clientId; });
    saveOutbox();
  }

  function sendFromOutbox(item) {
    if (!joined) return;
    emit("chat:send", { roadshow_id: roadshowId, body: item.body, client_id: item.client_id }, function (ack) {
      var el = messagesEl.querySelector('.is-pending[data-client-id="' + cssEscape(item.client_id) + '"]');
      if (ack.ok) {
        if (el) el.remove();
        if (!seen[ack.message.id]) { seen[ack.message.id] = true; placeMessage(messageEl(ack.message, false), ack.message.id); }
        dropFromOutbox(item.client_id);
        if (lastId === null || ack.message.id > lastId) lastId = ack.message.id;
      } else if (ack.error && ack.error.code !== "timeout" && ack.error.code !== "rate_limited" && ack.error.code !== "not_joined") {
        // Refused for good (muted, invalid, room closed): drop it and say why.
        if (el) el.remove();
        dropFromOutbox(item.client_id);
        report(ack);
      } else if (el) {
        el.querySelector(".rs-status").textContent = " " + T.failed;
      }
    });
  }

  function flushOutbox() {
    outbox.forEach(function (item) {
      if (!messagesEl.querySelector('[data-client-id="' + cssEscape(item.client_id) + '"]')) {
        messagesEl.appendChild(messageEl({ body: item.body, client_id: item.client_id, user: { id: myId, name: "" } }, true));
      }
      sendFromOutbox(item);
    });
    scrollChat();
  }

  setInterval(function () { if (joined && outbox.length) outbox.forEach(sendFromOutbox); }, 5000);

  $("[data-chat-form]").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = ev.target.elements.body;
    var body = input.value.trim();
    if (!body) return;
    var item = { client_id: newClientId(), body: body };
    outbox.push(item);
    saveOutbox();
    messagesEl.appendChild(messageEl({ body: body, client_id: item.client_id, user: { id: myId, name: "" } }, true));
    scrollChat();
    input.value = "";
    sendFromOutbox(item);
  });

  socket.on("chat:new", function (m) { if (m.roadshow_id === roadshowId) addMessage(m); });
  socket.on("chat:deleted", function (d) {
    if (d.roadshow_id !== roadshowId) return;
    var el = messagesEl.querySelector('[data-id="' + d.id + '"]');
    if (el) el.remove();
  });
  socket.on("user:muted", function (d) {
    if (d.roadshow_id !== roadshowId) return;
    if (d.user_id === undefined) {  // about me
      if (me.muted && !d.muted) unmutedNotice = true;
      if (d.muted) unmutedNotice = false;
      me.muted = d.muted; me.can_post = !d.muted; updatePostHint();
    } else {                        // moderators: about someone in the room
      if (d.muted) mutedUsers[d.user_id] = true; else delete mutedUsers[d.user_id];
      refreshMuteControls();
    }
  });

  // ---------------------------------------------------------------- stage + countdown
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    return Math.floor(s / 60) + ":" + two(s % 60);
  }

  // A join's state may be read just before a change whose event arrives first: each view keeps the newest
  // stage event it reflects and ignores an older one.
  var shownEvent = { stage: null, slide: null };
  function outdated(kind, s) {
    if (s.event_id === null || s.event_id === undefined) return false;
    if (shownEvent[kind] !== null && s.event_id < shownEvent[kind]) return true;
    shownEvent[kind] = s.event_id;
    return false;
  }

  function onStage(s) {
    if (!s || s.roadshow_id !== roadshowId || outdated("stage", s)) return;
    stage = s;
    if (s.server_time) clockOffset = Date.parse(s.server_time) - Date.now();
    var p = s.pitch;
    $("[data-stage-title]").textContent = p ? p.title : T.no_pitch;
    $("[data-stage-startup]").textContent = p ? p.startup.name + (p.presenter ? " · " + p.presenter.name : "") : "";
    var stateKey = s.status === "ended" ? "ended" : (p ? p.state : null);
    var chip = $("[data-stage-state]");
    chip.textContent = stateKey ? T["state_" + stateKey] : "";
    chip.className = "chip" + (stateKey === "live" ? " chip-on" : "");
    showStream(p);
    me.presenter = !!(p && p.presenter && p.presenter.id === myId);
    $("[data-slide-controls]").hidden = !(p && p.deck_pages && (isModerator || me.presenter));
    var sel = root.querySelector("[data-stage-pitch]");
    if (sel && p) sel.value = String(p.id);
    showInterest();
    updatePostHint();
    if (questionsEl) renderQuestions();
    if (agendaEl) renderAgenda();
    tick();
  }

  function tick() {
    startsIn();
    var el = $("[data-countdown]");
    if (!stage || !stage.deadline || !stage.pitch) { el.textContent = ""; return; }
    var left = Date.parse(stage.deadline) - (Date.now() + clockOffset);
    el.textContent = left >= 0 ? fmt("time_left", { t: clock(left) }) : fmt("overtime", { t: clock(-left) });
    el.classList.toggle("is-over", left < 0);
    el.classList.toggle("is-close", left >= 0 && left < 120000);
  }
  setInterval(tick, 1000);

  socket.on("stage:update", onStage);
  // The end turns the room into its replay page (the server sends an ended room's page there).
  socket.on("stage:update", function (s) {
    if (s && s.roadshow_id === roadshowId && s.status === "ended") {
      setTimeout(function () { window.location.reload(); }, 1500);
    }
  });

  // ---------------------------------------------------------------- the stream beside the slides
  // An HLS stream plays in the page (hls.js; Safari natively), an allow-listed player in a sandboxed frame
  // (the server says which: `stream_kind`); the link stays as a fallback. The viewer picks which is large.
  var hls = null, shownStream;
  var MEDIA_KEY = "fuhua:room-media-large";
  function showStream(p) {
    var url = p && p.stream_url ? p.stream_url : null, kind = url ? p.stream_kind : null;
    $("[data-stream]").hidden = !url;
    if (url) $("[data-stream-link]").href = url;
    if (url === shownStream) return;
    shownStream = url;
    var box = $("[data-stream-box]"), video = $("[data-stream-video]"), frame = $("[data-stream-frame]");
    if (hls) { hls.destroy(); hls = null; }
    video.pause(); video.removeAttribute("src"); video.hidden = true;
    frame.removeAttribute("src"); frame.hidden = true;
    var playing = kind === "embed" || (kind === "hls" && (!!window.Hls || !!video.canPlayType("application/vnd.apple.mpegurl")));
    box.hidden = !playing;
    $("[data-media-switch]").hidden = !playing;
    $("[data-media]").classList.toggle("has-stream", playing);
    if (!playing) return;
    if (kind === "embed") { frame.src = url; frame.hidden = false; return; }
    video.hidden = false;
    if (window.Hls && window.Hls.isSupported()) {
      hls = new window.Hls({ enableWorker: false });  // no worker: the CSP allows scripts from this site only
      hls.loadSource(url);
      hls.attachMedia(video);
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () { /* the viewer presses play */ }); });
    } else {
      video.src = url;
      video.play().catch(function () { /* the viewer presses play */ });
    }
  }
  function setMediaLarge(which) {
    var media = $("[data-media]");
    media.classList.toggle("is-slides-large", which === "slides");
    root.querySelectorAll("[data-media-large]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.mediaLarge === which));
    });
    try { window.localStorage.setItem(MEDIA_KEY, which); } catch (e) { /* private mode */ }
  }
  root.querySelectorAll("[data-media-large]").forEach(function (b) {
    b.addEventListener("click", function () { setMediaLarge(b.dataset.mediaLarge); });
  });
  try { setMediaLarge(window.localStorage.getItem(MEDIA_KEY) || "stream"); } catch (e) { setMediaLarge("stream"); }

  // ---------------------------------------------------------------- slides
  function onSlide(s) {
    if (s && (s.roadshow_id !== roadshowId || outdated("slide", s))) return;
    slide = s;
    var img = $("[data-slide-img]");
    var caption = $("[data-slide-caption]");
    if (!s || !s.image_url || !s.pages) {
      img.hidden = true;
      img.removeAttribute("src");
      caption.textContent = stage && stage.pitch ? T.no_deck : "";
      return;
    }
    img.src = s.image_url.replace("{n}", s.slide);
    img.alt = fmt("slide_alt", { n: s.slide, pitch: stage && stage.pitch ? stage.pitch.title : "" });
    img.hidden = false;
    img.dataset.slide = s.slide;
    caption.textContent = fmt("page", { n: s.slide, total: s.pages });
    if (s.slide < s.pages) { var pre = new Image(); pre.src = s.image_url.replace("{n}", s.slide + 1); }
    $("[data-slide-controls]").hidden = !(isModerator || me.presenter);
  }
  socket.on("slide:update", onSlide);
  // A new deck's pages replaced the pitch's old ones (all at once, after rendering elsewhere): show them.
  socket.on("deck:ready", function (d) {
    if (!d || d.roadshow_id !== roadshowId || !stage || !stage.pitch || stage.pitch.id !== d.id) return;
    stage.pitch.deck_pages = d.deck_pages;
    stage.pitch.deck_status = d.deck_status;
    onSlide({ roadshow_id: roadshowId, pitch_id: d.id, slide: d.current_slide, pages: d.deck_pages,
              deck_status: d.deck_status, image_url: d.image_url, event_id: null });
  });

  function turn(delta) {
    if (!slide || !slide.pages || !(isModerator || me.presenter)) return;
    var next = Math.min(slide.pages, Math.max(1, slide.slide + delta));
    if (next === slide.slide) return;
    emit("slide:set", { roadshow_id: roadshowId, pitch_id: slide.pitch_id, slide: next }, report);
  }
  $("[data-slide-prev]").addEventListener("click", function () { turn(-1); });
  $("[data-slide-next]").addEventListener("click", function () { turn(1); });
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || ev.target.isContentEditable) return;
    if (ev.key === "ArrowRight" || ev.key === "PageDown") { turn(1); }
    else if (ev.key === "ArrowLeft" || ev.key === "PageUp") { turn(-1); }
  });

  // ---------------------------------------------------------------- presence
  function onPresence(p) {
    if (!p || p.roadshow_id !== roadshowId) return;
    $("[data-presence-count]").textContent = fmt("viewers", { n: p.count }) + (p.hands ? " · " + fmt("hands", { n: p.hands }) : "");
    var list = root.querySelector("[data-people]");
    if (!list || !p.users) return;
    list.textContent = "";
    p.users.forEach(function (u) {
      var li = document.createElement("li");
      li.textContent = u.name + (u.hand_raised ? " ✋ " + T.raised : "");
      if (u.id !== myId) li.appendChild(muteControl(u.id));
      list.appendChild(li);
    });
  }
  socket.on("presence:update", onPresence);

  // The hand and the interest marks come back with every (re)join's state (`me`), so a reconnect
  // or a reload shows what the server holds, not what this page last clicked.
  var hand = $("[data-hand]");
  var raised = false;
  function showHand() {
    if (!hand) return;
    hand.textContent = raised ? T.hand_down : T.hand_up;
    hand.setAttribute("aria-pressed", String(raised));
  }
  if (hand) {
    hand.addEventListener("click", function () {
      emit("hand:raise", { roadshow_id: roadshowId, raised: !raised }, function (ack) {
        if (ack.ok) { raised = ack.raised; showHand(); }
        report(ack);
      });
    });
  }

  // Interest: marked pitches come with every join's state (so a reload keeps them); a second click withdraws.
  var interest = $("[data-interest]");
  var interests = {};           // pitch id -> true for the pitches this investor marked
  function showInterest() {
    if (!interest) return;
    var marked = !!(stage && stage.pitch && interests[stage.pitch.id]);
    interest.textContent = marked ? T.interest_marked : T.interested;
    interest.setAttribute("aria-pressed", String(marked));
    interest.title = marked ? T.interest_withdraw : "";
  }
  if (interest) {
    interest.addEventListener("click", function () {
      if (!stage || !stage.pitch) return;
      var pitchId = stage.pitch.id;
      emit("interest:mark", { pitch_id: pitchId, interested: !interests[pitchId] }, function (ack) {
        if (ack.ok) {
          if (ack.interested) interests[ack.pitch_id] = true; else delete interests[ack.pitch_id];
          showInterest();
        }
        report(ack);
      });
    });
  }

  // ---------------------------------------------------------------- Q&A
  var questionsEl = $("[data-questions]");
  function setCounts(c) {
    if (c) $("[data-qa-counts]").textContent = fmt("asked", { asked: c.asked, answered: c.answered });
  }

  // Every question is about a pitch. The list shows the pitch on stage first (or only it, or another one
  // chosen in the filter), sorted by votes or newest first; each question names its pitch.
  var agenda = [];
  var qaFilter = $("[data-qa-filter]"), qaSort = $("[data-qa-sort]"), askPitch = $("[data-ask-pitch]");
  function pitchName(id) {
    for (var i = 0; i < agenda.length; i++) if (agenda[i].id === id) return agenda[i].startup ? agenda[i].startup.name : agenda[i].title;
    return "";
  }
  function fillPitchOptions(select, keep) {
    var chosen = select.value;
    while (select.options.length > keep) select.remove(keep);
    agenda.forEach(function (p) {
      var o = document.createElement("option");
      o.value = String(p.id);
      o.textContent = (p.startup ? p.startup.name + " — " : "") + p.title;
      select.appendChild(o);
    });
    select.value = chosen;
    if (select.value !== chosen) select.selectedIndex = 0;  // that pitch left the agenda
  }
  function setAgenda(list) {
    agenda = list || [];
    fillPitchOptions(qaFilter, 2);
    fillPitchOptions(askPitch, 1);
    renderAgenda();
  }

  // The agenda inside the room: each pitch at its planned time (the start plus the slots before it), its
  // state, and the one on stage marked.
  var agendaEl = $("[data-room-agenda]");
  var startsAt = root.dataset.startsAt ? Date.parse(root.dataset.startsAt) : null;
  function renderAgenda() {
    if (!agendaEl) return;
    agendaEl.textContent = "";
    var planned = startsAt, current = currentPitchId();
    agenda.forEach(function (p) {
      var li = document.createElement("li");
      li.className = "rs-agenda-item" + (p.id === current ? " is-current" : "");
      li.dataset.pitchId = p.id;
      if (p.id === current) li.setAttribute("aria-current", "true");
      if (planned !== null) { li.appendChild(timeEl(new Date(planned).toISOString())); li.appendChild(document.createTextNode(" ")); }
      var name = document.createElement("strong");
      name.textContent = p.title;
      li.appendChild(name);
      li.appendChild(document.createTextNode(" — " + (p.startup ? p.startup.name : "")));
      var meta = document.createElement("span");
      meta.className = "small muted";
      meta.textContent = " · " + fmt("minutes", { n: p.duration_minutes });
      li.appendChild(meta);
      var chip = document.createElement("span");
      chip.className = "chip" + (p.id === current ? " chip-on" : "");
      chip.textContent = p.id === current ? T.on_stage : (T["state_" + p.state] || "");
      li.appendChild(document.createTextNode(" "));
      li.appendChild(chip);
      agendaEl.appendChild(li);
      if (planned !== null) planned += p.duration_minutes * 60000;
    });
    $("[data-room-agenda-empty]").hidden = agenda.length > 0;
  }

  // Before the start, with nothing on stage: "starts in …", counted down on the server's clock.
  function startsIn() {
    var box = $("[data-starts-in]");
    if (!box) return;
    var waiting = !!stage && !stage.pitch && stage.status === "scheduled" && startsAt !== null;
    box.hidden = !waiting;
    root.classList.toggle("is-waiting", waiting);
    if (!waiting) return;
    var left = startsAt - (Date.now() + clockOffset);
    var count = $("[data-starts-count]");
    if (left <= 0) { count.textContent = T.starting_soon; return; }
    var s = Math.floor(left / 1000), days = Math.floor(s / 86400);
    var t = two(Math.floor(s % 86400 / 3600)) + ":" + two(Math.floor(s % 3600 / 60)) + ":" + two(s % 60);
    count.textContent = days ? fmt("days_and", { d: days, t: t }) : t;
    $("[data-starts-at-text]").textContent = fmt("starts_at", { time: fullFormat.format(new Date(startsAt)) });
  }
  function currentPitchId() { return stage && stage.pitch ? stage.pitch.id : null; }
  qaFilter.addEventListener("change", renderQuestions);
  qaSort.addEventListener("change", renderQuestions);

  function renderQuestions() {
    var current = currentPitchId(), filter = qaFilter.value, recent = qaSort.value === "recent";
    var list = Object.keys(questions).map(function (k) { return questions[k]; })
      .filter(function (q) {
        if (q.status === "dismissed") return false;
        if (reviewEl && q.status === "pending") return false;  // moderators: in the review queue instead
        if (filter === "current") return q.pitch_id === current;
        if (filter !== "all") return String(q.pitch_id) === filter;
        return true;
      })
      .sort(function (a, b) {
        var ac = a.pitch_id === current ? 0 : 1, bc = b.pitch_id === current ? 0 : 1;
        var ad = a.status === "answered" ? 1 : 0, bd = b.status === "answered" ? 1 : 0;
        return ac - bc || ad - bd || (recent ? b.id - a.id : b.votes - a.votes || a.id - b.id);
      });
    questionsEl.textContent = "";
    list.forEach(function (q) { questionsEl.appendChild(questionEl(q, current)); });
    renderReview(current);
  }

  // Moderators review pending questions apart from the audience's list: oldest first, approve or dismiss.
  var reviewEl = $("[data-review]");
  function renderReview(current) {
    if (!reviewEl) return;
    var pending = Object.keys(questions).map(function (k) { return questions[k]; })
      .filter(function (q) { return q.status === "pending"; })
      .sort(function (a, b) { return a.id - b.id; });
    reviewEl.textContent = "";
    pending.forEach(function (q) { reviewEl.appendChild(questionEl(q, current)); });
    $("[data-review-count]").textContent = String(pending.length);
    $("[data-review-empty]").hidden = pending.length > 0;
  }

  function questionEl(q, current) {
    var li = document.createElement("li");
    li.className = "rs-question is-" + q.status;
    li.dataset.id = q.id;
    var votes = document.createElement("button");
    votes.type = "button";
    votes.className = "btn btn-ghost btn-sm rs-vote" + (q.voted ? " chip-on" : "");
    // Named by what it shows (WCAG 2.5.3 Label in Name): "Upvote: 3", the arrow hidden from the name.
    var votesLabel = document.createElement("span"), arrow = document.createElement("span");
    votesLabel.className = "sr-only";
    votesLabel.textContent = T.upvote + ": ";
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = "▲ ";
    votes.append(votesLabel, arrow, String(q.votes));
    votes.disabled = !!q.voted || q.status === "pending";
    votes.addEventListener("click", function () {
      emit("qa:upvote", { question_id: q.id }, function (ack) {
        if (ack.ok) { questions[q.id] = ack.question; renderQuestions(); }
        report(ack);
      });
    });
    li.appendChild(votes);
    var text = document.createElement("span");
    text.className = "rs-body";
    text.textContent = " " + q.body + " — " + asker(q);
    li.appendChild(text);
    var about = document.createElement("span");
    about.className = "chip rs-q-pitch" + (q.pitch_id === current ? " chip-on" : "");
    about.dataset.pitchId = q.pitch_id;
    about.textContent = pitchName(q.pitch_id);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(about);
    if (q.status === "pending" || q.status === "answered") {
      var tag = document.createElement("span");
      tag.className = "chip";
      tag.textContent = q.status === "pending" ? T.pending : T.answered_label;
      li.appendChild(tag);
    }
    if (isModerator) {
      if (q.status === "pending") li.appendChild(smallButton(T.approve, function () { moderate(q.id, "approved"); }));
      if (q.status !== "answered" && q.status !== "pending") li.appendChild(smallButton(T.answered, function () { moderate(q.id, "answered"); }));
      li.appendChild(smallButton(T.dismiss, function () { moderate(q.id, "dismissed"); }));
    }
    return li;
  }

  // An anonymous question names nobody to the audience; moderators see who asked.
  function asker(q) {
    if (!q.is_anonymous) return q.user ? q.user.name : "";
    return q.user ? fmt("anonymous_by", { name: q.user.name }) : T.anonymous;
  }

  function moderate(id, status) { emit("qa:moderate", { question_id: id, status: status }, report); }

  function onQuestion(q) {
    if (q.roadshow_id !== roadshowId) return;
    var old = questions[q.id];
    q.voted = old ? old.voted : (q.voted || false);
    if (q.is_anonymous && !q.user && old && old.user) q.user = old.user;  // moderators keep the asker they know
    questions[q.id] = q;
    setCounts(q.counts);
    renderQuestions();
  }
  socket.on("qa:new", onQuestion);
  socket.on("qa:update", onQuestion);
  socket.on("qa:counts", function (d) { if (d.roadshow_id === roadshowId) setCounts(d.counts); });

  $("[data-ask-form]").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = ev.target.elements.body;
    var body = input.value.trim();
    if (!body) return;
    var data = { roadshow_id: roadshowId, body: body };
    if (askPitch.value) data.pitch_id = parseInt(askPitch.value, 10);
    var anonymous = ev.target.elements.anonymous;
    if (anonymous && anonymous.checked) data.anonymous = true;
    // Cleared now, not on the ack: the room's copy of the question can come first, and the asker may be typing the
    // next one by the time the ack arrives. A refused question comes back to the box (if it is still empty).
    input.value = "";
    emit("qa:ask", data, function (ack) {
      if (ack.ok) onQuestion(ack.question);
      else if (!input.value) input.value = body;
      report(ack);
    });
  });

  // ---------------------------------------------------------------- polls
  var pollsEl = $("[data-polls]");
  function renderPolls() {
    var list = Object.keys(polls).map(function (k) { return polls[k]; }).sort(function (a, b) { return b.id - a.id; });
    $("[data-polls-card]").hidden = !list.length;
    pollsEl.textContent = "";
    list.slice(0, 5).forEach(function (p) {
      var box = document.createElement("div");
      box.className = "rs-poll is-" + p.status;
      var h = document.createElement("h3");
      h.textContent = p.question + (p.status === "closed" ? " (" + T.closed + ")" : "");
      box.appendChild(h);
      var hidden = p.options.some(function (o) { return o.votes === null; });  // until the poll closes
      p.options.forEach(function (o) {
        var pct = p.total && !hidden ? Math.round((o.votes * 100) / p.total) : 0;
        var row = document.createElement("button");
        row.type = "button";
        row.className = "rs-option" + (p.my_vote === o.id ? " is-mine" : "");
        row.disabled = p.status !== "open" || !!p.my_vote || !signedIn;
        row.addEventListener("click", function () {
          emit("poll:vote", { poll_id: p.id, option_id: o.id }, function (ack) {
            if (ack.ok) { p.my_vote = o.id; renderPolls(); }
            report(ack);
          });
        });
        var label = document.createElement("span");
        label.textContent = hidden ? o.label : o.label + " — " + pct + "% (" + o.votes + ")";
        row.appendChild(label);
        if (!hidden) {
          var bar = document.createElement("meter");
          bar.min = 0; bar.max = 100; bar.value = pct;
          bar.setAttribute("aria-hidden", "true");
          row.appendChild(bar);
        }
        box.appendChild(row);
      });
      if (p.hide_results && p.status === "open") {
        var note = document.createElement("p");
        note.className = "small muted";
        note.dataset.resultsHidden = "";
        note.textContent = hidden ? T.results_later : T.results_hidden_mod;
        box.appendChild(note);
      }
      if (p.my_vote) { var v = document.createElement("p"); v.className = "small muted"; v.textContent = T.voted; box.appendChild(v); }
      if (isModerator && p.status === "open") {
        var close = smallButton(T.close_poll, function () { emit("poll:close", { poll_id: p.id }, report); });
        close.dataset.closePoll = p.id;
        box.appendChild(close);
      }
      pollsEl.appendChild(box);
    });
  }
  socket.on("poll:update", function (p) {
    if (p.roadshow_id !== roadshowId) return;
    var old = polls[p.id];
    p.my_vote = old ? old.my_vote : p.my_vote;
    if (old && isModerator && p.status === "open" && p.options.some(function (o) { return o.votes === null; })) {
      return;  // the audience's copy of a poll hiding its results: moderators get theirs with the counts
    }
    polls[p.id] = p;
    renderPolls();
  });

  // ---------------------------------------------------------------- reactions
  var EMOJI = { clap: "👏", heart: "❤️", fire: "🔥", laugh: "😄", wow: "😮", rocket: "🚀" };
  root.querySelectorAll("[data-reaction]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      emit("reaction:send", { roadshow_id: roadshowId, kind: btn.dataset.reaction }, function () {});
    });
  });
  socket.on("reaction:burst", function (b) {
    if (b.roadshow_id !== roadshowId) return;
    var box = $("[data-burst]");
    Object.keys(b.counts).forEach(function (k) {
      var span = document.createElement("span");
      span.className = "rs-float";
      span.textContent = (EMOJI[k] || k) + (b.counts[k] > 1 ? "×" + b.counts[k] : "");
      box.appendChild(span);
      setTimeout(function () { span.remove(); }, 2500);
    });
  });

  // ---------------------------------------------------------------- cues
  function showCue(c) {
    var box = $("[data-cues]");
    if (box.querySelector('[data-cue-id="' + c.id + '"]')) return;
    var div = document.createElement("div");
    div.className = "flash flash-warning rs-cue";
    div.dataset.cueId = c.id;
    div.setAttribute("role", "alert");
    div.textContent = c.body + " ";
    if (!isModerator || me.presenter) {
      div.appendChild(smallButton(T.got_it, function () { emit("cue:ack", { cue_id: c.id }, report); }));
    }
    box.appendChild(div);
  }
  socket.on("cue:new", function (c) { if (c.roadshow_id === roadshowId) showCue(c); });
  socket.on("cue:acked", function (c) {
    var el = $('[data-cue-id="' + c.id + '"]');
    if (el) el.remove();
  });

  // ---------------------------------------------------------------- moderator tools
  root.querySelectorAll("[data-stage-set]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var send = function () {
        var sel = root.querySelector("[data-stage-pitch]");
        var state = btn.dataset.stageSet;
        var data = { roadshow_id: roadshowId, state: state };
        if (state !== "ended" && sel && sel.value) data.pitch_id = parseInt(sel.value, 10);
        emit("stage:set", data, report);
      };
      var confirmText = btn.dataset.confirmText;
      if (confirmText) window.Fuhua.confirm(confirmText, send, btn);
      else send();
    });
  });
  var cueForm = $("[data-cue-form]");
  if (cueForm) {
    cueForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      emit("cue:send", { roadshow_id: roadshowId, body: cueForm.elements.body.value }, report);
    });
  }
  var pollForm = $("[data-poll-form]");
  if (pollForm) {
    pollForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var options = pollForm.elements.options.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      emit("poll:open", { roadshow_id: roadshowId, question: pollForm.elements.question.value, options: options,
                          hide_results: pollForm.elements.hide_results.checked }, function (ack) {
        if (ack.ok) pollForm.reset();
        report(ack);
      });
    });
  }
})();
