// GET /loop?worker=ours|js|floor&n=N: runs that worker's `fetch` N times on copies of this request
// (its headers and `cf`, the URL `/r/abc123/home`), answering the last status. The KV read
// answers the link's real value from memory and the Queue takes the click without storing it:
// both workers do the same there, so what differs is each one's own work. With &store=1 the
// clicks are then handed to the worker's own Queue consumer in batches of 100 and written to
// the real (local) D1. bench/handler-loop.sh times the calls from outside (inside a request,
// workerd's clocks stand still).
import ours from "../../worker/entry.mjs";
import js from "../js-queue-worker/index.js";

// The floor: the KV read and a 302 with the same headers, nothing else. What a worker costs
// above it is its own work; below it is this loop's (the request's copy, the call, the response).
const floor = {
  async fetch(request, env) {
    await env.LINKS.get("link:abc123");
    return new Response(null, {
      status: 302,
      headers: {
        location: "https://brightloom.example/?bl_ref=abc123",
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "strict-transport-security": "max-age=31536000; includeSubDomains",
      },
    });
  },
};

const workers = { ours, js, floor };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const worker = workers[url.searchParams.get("worker")];
    const n = Number(url.searchParams.get("n") || 1);
    if (url.pathname !== "/loop" || !worker) return new Response("GET /loop?worker=ours|js|floor&n=N\n", { status: 404 });
    const value = await env.LINKS.get("link:abc123");
    if (value === null) return new Response("no link:abc123 in KV (run `partner-center deploy --local` first)\n", { status: 500 });
    const loopEnv = {
      ...env,
      LINKS: { get: async (key, type) => (key === "link:abc123" ? (type === "json" ? JSON.parse(value) : value) : null) },
      CLICKS: { send: async (message) => void sent.push(message) },
    };
    const sent = [];
    const pending = [];
    const ctx = { waitUntil: (p) => pending.push(p), passThroughOnException() {} };
    const model = new Request(new URL("/r/abc123/home", url), request);
    let last;
    for (let i = 0; i < n; i++) {
      last = await worker.fetch(new Request(model), loopEnv, ctx);
      if (pending.length > 1000) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    if (url.searchParams.get("store") && worker.queue) {
      for (let i = 0; i < sent.length; i += 100) {
        const messages = sent.slice(i, i + 100).map((body) => ({ body, ack() {}, retry() {} }));
        await worker.queue({ queue: "clicks", messages, ackAll() {}, retryAll() {} }, env);
      }
    }
    return new Response(`${last.status} ${last.headers.get("location")}\n`);
  },
};
