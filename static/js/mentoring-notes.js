// The shared notes of a session room: a Yjs document edited in CodeMirror by both sides at once.
// Sync over the room's Socket.IO connection: `notes:sync` sends our state vector and gets what we lack plus
// the server's state vector (we send back what it lacks); our edits go out as merged Yjs updates
// (`notes:update`); cursors and selections travel as Yjs awareness updates (`notes:awareness`).
(function () {
  "use strict";
  var REMOTE = "remote";
  var PEER_COLOURS = 6;  // .cm-yPeer-0 … 5 in app.css (classes: the CSP refuses inline style attributes)
  var SEND_EVERY_MS = 120;

  window.FuhuaNotesRoom = function (host, socket, bookingId, status) {
    var N = window.FuhuaNotes;
    var noop = { sync: function () {} };
    if (!host || !N) return noop;
    var ydoc = new N.Y.Doc();
    var ytext = ydoc.getText("notes");
    var awareness = new N.awarenessProtocol.Awareness(ydoc);
    var userId = parseInt(host.getAttribute("data-user-id"), 10) || 0;
    var max = parseInt(host.getAttribute("data-max"), 10) || 20000;
    var pending = [];
    var timer = null;
    var inFlight = false;
    var synced = false;

    awareness.setLocalStateField("user", { name: host.getAttribute("data-user-name"),
                                           colorIndex: userId % PEER_COLOURS });
    var undoManager = new N.Y.UndoManager(ytext);
    var newline = function (view) {
      view.dispatch(view.state.replaceSelection("\n"), { scrollIntoView: true, userEvent: "input" });
      return true;
    };
    var notTooLong = N.EditorState.transactionFilter.of(function (tr) {
      var typed = tr.isUserEvent("input") || tr.isUserEvent("delete") || tr.isUserEvent("undo");
      return typed && tr.docChanged && tr.newDoc.length > max ? [] : tr;
    });
    var view = new N.EditorView({
      parent: host,
      state: N.EditorState.create({
        doc: ytext.toString(),
        extensions: [
          N.keymap.of(N.yUndoManagerKeymap.concat([{ key: "Enter", run: newline }])),
          N.EditorView.lineWrapping,
          N.placeholder(host.getAttribute("data-placeholder") || ""),
          N.EditorView.contentAttributes.of({ "aria-label": host.getAttribute("data-label") || "",
                                              "aria-multiline": "true" }),
          notTooLong,
          N.EditorView.cspNonce.of(host.getAttribute("data-style-nonce") || ""),
          N.collab(ytext, awareness, { undoManager: undoManager })
        ]
      })
    });
    host.notesView = view;  // for tests and the console: the editor

    function say(key, text) { status.textContent = text || status.getAttribute(key) || ""; }

    function flush() {
      timer = null;
      if (!pending.length) return;
      if (!socket.connected) { say("data-offline"); return; }  // the sync on reconnecting sends it
      if (!synced || inFlight) return;
      var update = N.Y.mergeUpdates(pending);
      pending = [];
      inFlight = true;
      socket.emit("notes:update", { booking_id: bookingId, update: update }, function (ack) {
        inFlight = false;
        if (ack && ack.ok) say(pending.length ? "data-saving" : "data-saved");
        else say(null, ack && ack.error ? ack.error.message : "");
        if (pending.length) schedule();
      });
    }

    function schedule() { if (!timer) timer = setTimeout(flush, SEND_EVERY_MS); }

    function sendAwareness(clients) {
      if (!socket.connected) return;
      var update = N.awarenessProtocol.encodeAwarenessUpdate(awareness, clients || [ydoc.clientID]);
      socket.emit("notes:awareness", { booking_id: bookingId, update: update });
    }

    ydoc.on("update", function (update, origin) {
      if (origin === REMOTE) return;
      pending.push(update);
      say(socket.connected ? "data-saving" : "data-offline");
      schedule();
    });
    awareness.on("update", function (changes, origin) {
      if (origin === REMOTE) {
        if (changes.added.length) sendAwareness();  // a newcomer: show it where we are
        return;
      }
      sendAwareness(changes.added.concat(changes.updated, changes.removed));
    });
    socket.on("notes:update", function (m) {
      if (m.booking_id === bookingId) N.Y.applyUpdate(ydoc, new Uint8Array(m.update), REMOTE);
    });
    socket.on("notes:awareness", function (m) {
      if (m.booking_id === bookingId) {
        N.awarenessProtocol.applyAwarenessUpdate(awareness, new Uint8Array(m.update), REMOTE);
      }
    });
    socket.on("disconnect", function () { synced = false; inFlight = false; say("data-offline"); });
    window.addEventListener("pagehide", function () {
      N.awarenessProtocol.removeAwarenessStates(awareness, [ydoc.clientID], "pagehide");
    });

    return {
      // Sync step 1/2 on every (re)join: what we lack comes in, what the server lacks goes out.
      sync: function () {
        socket.emit("notes:sync", { booking_id: bookingId, state_vector: N.Y.encodeStateVector(ydoc) },
          function (ack) {
            if (!ack || !ack.ok) { say(null, ack && ack.error ? ack.error.message : ""); return; }
            N.Y.applyUpdate(ydoc, new Uint8Array(ack.update), REMOTE);
            var missing = N.Y.encodeStateAsUpdate(ydoc, new Uint8Array(ack.state_vector));
            pending = missing.length > 2 ? [missing] : [];  // [0, 0] is the empty update
            synced = true;
            if (pending.length) flush(); else say(null, "");
            sendAwareness();
          });
      }
    };
  };
})();
