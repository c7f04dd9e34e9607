// The fan-out benchmark's Node.js peer, after seed 004: a ws server that broadcasts one JSON
// message per database change to every connected client. Seed 004 learns of a change through
// PostgreSQL LISTEN/NOTIFY; here the benchmark's driver posts each change to /broadcast instead
// (the same stamp livedash gets through its SQL endpoint), so that both are timed from the same
// write and the comparison is about fan-out. The message is stringified once per change, not
// once per client as the seed's broadcast() does, so the peer is if anything flattered.
//
// Usage: node server.js [port]   (0 or none: a free port). Prints `listening on PORT`.
"use strict";
const http = require("http");
const { WebSocketServer, WebSocket } = require("ws");

let sequence = 0;
let previousSentUs = 0;

// With a Content-Length, not chunked: the benchmark's driver reads plain bodies only.
function reply(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": body.length });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/broadcast") {
    reply(res, 404, '{"error":"not found"}');
    return;
  }
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const { sentUs } = JSON.parse(body);
    sequence += 1;
    const message = JSON.stringify({
      op: "diff",
      queryId: "tick",
      sequence,
      timestamp: Date.now(),
      added: [],
      updated: [
        {
          before: { id: 1, n: sequence - 1, sentUs: previousSentUs },
          after: { id: 1, n: sequence, sentUs },
        },
      ],
      deleted: [],
    });
    previousSentUs = sentUs;
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(message);
    }
    reply(res, 200, '{"ok":true}');
  });
});

const wss = new WebSocketServer({ server, path: "/ws", perMessageDeflate: false });
wss.on("connection", (ws) => {
  ws.on("message", () => {
    // Any message is taken as the subscribe to the one query.
    ws.send(JSON.stringify({ op: "snapshot", query: "tick", period: "live", sequence, data: [] }));
  });
});

server.listen(Number(process.argv[2] || 0), "127.0.0.1", () => {
  console.log(`listening on ${server.address().port}`);
});
