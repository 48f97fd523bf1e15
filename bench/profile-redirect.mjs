// Where a worker's time goes under load: a CPU profile of workerd through the inspector that
// `wrangler dev --inspector-port PORT` opens, taken while something (bench/profile-redirect.sh)
// loads the worker, then summed by function: self time (the function's own code) and total
// time (with what it calls), each as a share of the samples.
//
//   node bench/profile-redirect.mjs INSPECTOR_PORT SECONDS [TOP]
//   STACKS_OF=NAME: also the commonest call stacks (leaf first) through the function NAME.
//   LINES_OF=NAME: also the function NAME's own samples by source line.
import WebSocket from "ws";

const [port, seconds, top = "30"] = process.argv.slice(2);
const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const target = targets.find((t) => t.webSocketDebuggerUrl);
if (!target) throw new Error(`no worker to profile at port ${port}: ${JSON.stringify(targets)}`);
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); });
let next = 0;
const pending = new Map();
ws.on("message", (data) => {
  const message = JSON.parse(data);
  if (message.id && pending.has(message.id)) {
    pending.get(message.id)(message);
    pending.delete(message.id);
  }
});
const call = (method, params = {}) =>
  new Promise((resolve) => {
    const id = ++next;
    pending.set(id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });

await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 100 });
await call("Profiler.start");
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
const { result } = await call("Profiler.stop");
ws.close();

const { nodes, samples, timeDeltas } = result.profile;
const byId = new Map(nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of nodes) for (const c of n.children || []) parent.set(c, n.id);
const name = (n) => {
  const f = n.callFrame;
  return f.functionName || (f.url ? `(anonymous ${f.url.split("/").pop()}:${f.lineNumber})` : "(anonymous)");
};
const self = new Map();
const total = new Map();
let all = 0;
samples.forEach((id, i) => {
  const dt = timeDeltas[i] || 0;
  all += dt;
  const leaf = byId.get(id);
  self.set(name(leaf), (self.get(name(leaf)) || 0) + dt);
  // Each function once per sample, however deep it recurses.
  const seen = new Set();
  for (let n = leaf; n; n = byId.get(parent.get(n.id))) {
    const k = name(n);
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) || 0) + dt);
  }
});
const show = (title, map) => {
  console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms sampled)`);
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(top))
    .forEach(([k, v]) => console.log(`${((100 * v) / all).toFixed(1).padStart(6)} %  ${k.slice(0, 150)}`));
};
show("self time", self);
if (process.env.STACKS_OF) {
  const stacks = new Map();
  samples.forEach((id, i) => {
    const chain = [];
    for (let n = byId.get(id); n; n = byId.get(parent.get(n.id))) chain.push(name(n));
    if (!chain.includes(process.env.STACKS_OF)) return;
    const k = chain.slice(0, 14).join(" < ");
    stacks.set(k, (stacks.get(k) || 0) + (timeDeltas[i] || 0));
  });
  show(`stacks with ${process.env.STACKS_OF}`, stacks);
}
if (process.env.LINES_OF) {
  // Ticks, not milliseconds: V8 counts the function's own samples per line.
  const lines = new Map();
  let ticks = 0;
  for (const n of nodes) {
    if (name(n) !== process.env.LINES_OF) continue;
    for (const { line, ticks: t } of n.positionTicks || []) {
      const k = `${n.callFrame.url.split("/").pop()}:${line}`;
      lines.set(k, (lines.get(k) || 0) + t);
      ticks += t;
    }
  }
  console.log(`\n${process.env.LINES_OF}'s own samples by line (of ${ticks})`);
  [...lines.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(top))
    .forEach(([k, v]) => console.log(`${((100 * v) / ticks).toFixed(1).padStart(6)} %  ${k}`));
}
show("total time", total);
