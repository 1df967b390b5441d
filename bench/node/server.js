// A minimal socket.io server on node, for comparison: the same two events as the roadshow load and the bare
// Flask-SocketIO server (`roadshow:join` joins a room and acks; `chat:send` broadcasts `chat:new` to the room
// and acks). No database, no checks. Started by `bench/roadshow_load.py --target node`.
//
//     node bench/node/server.js PORT
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const server = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok");
  } else {
    res.writeHead(404);
    res.end();
  }
});
const io = new Server(server, { perMessageDeflate: false, transports: ["websocket", "polling"] });
let nextId = 1;

io.on("connection", (socket) => {
  socket.on("roadshow:join", (data, ack) => {
    socket.join(`roadshow:${data.roadshow_id}`);
    if (ack) ack({ ok: true, state: {}, messages: [] });
  });
  socket.on("chat:send", (data, ack) => {
    const message = { id: nextId++, roadshow_id: data.roadshow_id, user: { id: 1, name: "bench" },
                      body: data.body, created_at: null, client_id: data.client_id };
    io.to(`roadshow:${data.roadshow_id}`).emit("chat:new", message);
    if (ack) ack({ ok: true, message });
  });
});

server.listen(Number(process.argv[2]), "127.0.0.1");
