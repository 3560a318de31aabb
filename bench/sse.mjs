// Event-stream load for bench/run.sh (Node.js, no packages).
//   node bench/sse.mjs clients URL COUNT     hold COUNT idle /api/events connections; prints "connected N",
//                                            and on SIGTERM "RESULT clients=N events=E ended=X"
//   node bench/sse.mjs latency BASE N RATE   subscribe to one agent's events, post N reports at RATE/s,
//                                            print "RESULT p50_ms= p99_ms= max_ms= lost=" (POST sent -> event read)
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const [mode, url, a, b] = process.argv.slice(2);

function stream(target, onEvent, onOpen, onEnd) {
  const req = http.get(target, { agent, headers: { Accept: "text/event-stream" } }, (res) => {
    if (res.statusCode !== 200) { console.error(`status ${res.statusCode}`); process.exit(1); }
    onOpen();
    let buffer = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message.split("\n").find((l) => l.startsWith("data: "));
        if (data) onEvent(data.slice(6));
      }
    });
    res.on("end", onEnd);
    res.on("error", onEnd);
  });
  req.on("error", (e) => { console.error(e.message); onEnd(); });
  return req;
}

if (mode === "clients") {
  const count = Number(a);
  let open = 0, events = 0, ended = 0;
  for (let i = 0; i < count; i++) {
    stream(url, () => { events++; }, () => { if (++open === count) console.log(`connected ${open}`); }, () => { ended++; });
  }
  process.on("SIGTERM", () => { console.log(`RESULT clients=${open} events=${events} ended=${ended}`); process.exit(0); });
} else if (mode === "latency") {
  const n = Number(a), rate = Number(b);
  const id = `latency-${process.pid}`;
  const sent = new Map(), latencies = [];
  let done;
  const finished = new Promise((r) => { done = r; });
  stream(`${url}/api/events?agent_id=${id}`, (data) => {
    const m = JSON.parse(data).message;
    if (m && sent.has(m)) { latencies.push(performance.now() - sent.get(m)); sent.delete(m); if (latencies.length === n) done(); }
  }, async () => {
    for (let i = 0; i < n; i++) {
      const body = JSON.stringify({ agent_id: id, session_topic: "probe", status: "running", timestamp: new Date().toISOString(), message: `m${i}` });
      sent.set(`m${i}`, performance.now());
      const post = http.request(`${url}/webhook/status`, { method: "POST", agent, headers: { "Content-Type": "application/json" } }, (res) => res.resume());
      post.end(body);
      await new Promise((r) => setTimeout(r, 1000 / rate));
    }
    setTimeout(done, 5000);
  }, () => done());
  await finished;
  latencies.sort((x, y) => x - y);
  const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] : NaN).toFixed(1);
  console.log(`RESULT p50_ms=${q(0.5)} p99_ms=${q(0.99)} max_ms=${q(1)} lost=${n - latencies.length}`);
  process.exit(0);
} else {
  console.error("usage: sse.mjs clients URL COUNT | latency BASE N RATE");
  process.exit(2);
}
