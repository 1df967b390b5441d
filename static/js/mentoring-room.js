// The session room of a booking: live chat, shared notes (Yjs, edited together) and action items over Socket.IO.
(function () {
  "use strict";
  var root = document.querySelector("[data-session-room]");
  if (!root || !window.Fuhua || !window.Fuhua.socket) return;
  var socket = window.Fuhua.socket;
  var bookingId = parseInt(root.getAttribute("data-booking-id"), 10);
  var chat = root.querySelector("[data-chat-list]");
  var chatForm = root.querySelector("[data-chat-form]");
  var notesStatus = root.querySelector("[data-notes-status]");
  var notes = window.FuhuaNotesRoom(root.querySelector("[data-notes-editor]"), socket, bookingId, notesStatus);
  var items = root.querySelector("[data-items]");
  var itemForm = root.querySelector("[data-item-form]");
  var seen = {};

  function addMessage(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    var li = document.createElement("li");
    var who = document.createElement("strong");
    who.textContent = m.user.name + ": ";
    var body = document.createElement("span");
    body.textContent = m.body;
    li.appendChild(who);
    li.appendChild(body);
    chat.appendChild(li);
    chat.scrollTop = chat.scrollHeight;
  }

  function renderItem(item) {
    var li = items.querySelector('[data-item-id="' + item.id + '"]');
    if (!li) {
      li = document.createElement("li");
      li.setAttribute("data-item-id", item.id);
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.addEventListener("change", function () {
        socket.emit("session:item_done", { item_id: item.id, done: box.checked, booking_id: bookingId });
      });
      var text = document.createElement("span");
      label.appendChild(box);
      label.appendChild(text);
      li.appendChild(label);
      items.appendChild(li);
    }
    li.querySelector("input").checked = item.is_done;
    var span = li.querySelector("span");
    span.textContent = " " + item.text + (item.carried_over ? " ↺" : "");
    span.className = item.is_done ? "is-done" : "";
  }

  function join() {
    socket.emit("session:join", { booking_id: bookingId }, function (ack) {
      if (!ack || !ack.ok) {
        root.querySelector("[data-room-error]").hidden = false;
        return;
      }
      ack.messages.forEach(addMessage);
      ack.action_items.forEach(renderItem);
      notes.sync();
    });
  }

  socket.on("connect", join);
  if (socket.connected) join();
  socket.on("session:message", function (m) { if (m.booking_id === bookingId) addMessage(m); });
  socket.on("session:item", function (item) { if (item.room_booking_id === bookingId) renderItem(item); });

  chatForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = chatForm.querySelector("input[name=body]");
    var body = input.value.trim();
    if (!body) return;
    socket.emit("session:chat", { booking_id: bookingId, body: body }, function (ack) {
      if (ack && ack.ok) { input.value = ""; addMessage(ack.message); }
    });
  });
  itemForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = itemForm.querySelector("input[name=text]");
    var text = input.value.trim();
    if (!text) return;
    socket.emit("session:item_add", { booking_id: bookingId, text: text }, function (ack) {
      if (ack && ack.ok) { input.value = ""; renderItem(ack.item); }
    });
  });
})();
