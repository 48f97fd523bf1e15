// The worker's entry. A redirect (`GET /r/<code>…`) is answered here with one call into the
// Rust app: this reads the link's KV value, `answerAtHand` runs the app's own handler on it
// to its end (see worker/src/cf/at_hand.rs) and this sends the click to the Queue. Every other
// request, and a redirect that needs more than the link (a fallback, a signed-in visitor's
// page), goes to the full worker. The Queue's consumer is here too: `clickRows` turns a batch
// into the statements that store it (worker/src/cf/click_rows.rs), run in one D1 batch.
// Crossing into wasm once, instead of once per header, field, binding and awaited promise, is
// what brought the Rust worker near the same written in JS (README, "Benchmarks").
import Worker from "./build/index.js";

// worker-build puts the app's other wasm exports on its entrypoint's prototype. This module's
// default export is a plain object, so they are not RPC methods of the deployed worker.
const { answerAtHand, clickRows, writeClick } = Worker.prototype;

// The key the handler reads for `/r/<code>`; any other path never gets here.
const LINK = /^https?:\/\/[^/]+\/r\/([a-z0-9_-]{1,64})(?:[/?#]|$)/;

// `click`: the row's JSON text, sent as it is (the consumer reads it as it comes).
function send(env, click) {
  const write = () => writeClick(env, click);
  if (!env.CLICKS) return write();
  return env.CLICKS.send(click, { contentType: "text" }).catch((e) => {
    console.error(`click queue send failed (${e}); writing the row`);
    return write();
  });
}

async function redirect(request, env, ctx, code) {
  const key = `link:${code}`;
  const value = await env.LINKS.get(key);
  let sent = "";
  for (const [name, v] of request.headers) sent += `${name}\n${v}\n`;
  let text;
  try {
    text = answerAtHand(env, request.url, sent, request, key, value ?? undefined);
  } catch (e) {
    // A panic, say: the full worker runs the request (and restarts the app if it must).
    console.error(`redirect at hand failed (${e}); handing it on`);
  }
  if (text === undefined) return undefined;
  // A line each (worker/src/cf/at_hand.rs, `answer_text`): the status, each header's name and
  // value, an empty line, the body as a JSON string or nothing, then each click's JSON text.
  const lines = text.split("\n");
  // `new Response` takes an object of headers faster than a list; a name said twice (never
  // by a redirect) makes it a `Headers`.
  let headers = {};
  let repeated;
  let i = 1;
  for (; lines[i] !== ""; i += 2) {
    if (Object.hasOwn(headers, lines[i])) (repeated ??= []).push([lines[i], lines[i + 1]]);
    else headers[lines[i]] = lines[i + 1];
  }
  if (repeated) {
    headers = new Headers(headers);
    for (const [name, value] of repeated) headers.append(name, value);
  }
  const body = lines[i + 1] ? JSON.parse(lines[i + 1]) : null;
  for (let c = i + 2; c < lines.length; c++) ctx.waitUntil(send(env, lines[c]));
  return new Response(body, { status: Number(lines[0]), headers });
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A message's JSON text on one line: as the redirect sent it, or made from a message the full
// worker sent as an object (a text with a line break in it is no click: it stays one line).
const line = (body) => (typeof body === "string" && !body.includes("\n") ? body : JSON.stringify(body) ?? "");

// Each batch of clicks in one D1 transaction. A busy database is retried here first (the rows
// are INSERT OR IGNORE: a repeat writes nothing twice); then each message on its own, so one
// bad row cannot hold back the others; what still fails goes back to the Queue.
async function storeClicks(batch, env) {
  const rows = JSON.parse(clickRows(batch.messages.map((m) => line(m.body)).join("\n")));
  const prepare = ([sql, params]) => env.DB.prepare(rows.sql[sql]).bind(...params);
  const all = rows.messages.flatMap((statements) => statements ?? []).map(prepare);
  for (let attempt = 0; all.length > 0 && attempt < 3; attempt++) {
    try {
      await env.DB.batch(all);
      batch.ackAll();
      return;
    } catch (e) {
      console.error(`click batch of ${all.length} failed (attempt ${attempt + 1}): ${e}`);
      await pause(50 << attempt);
    }
  }
  for (const [n, message] of batch.messages.entries()) {
    try {
      const statements = rows.messages[n];
      if (!statements) throw new Error("not a click");
      await env.DB.batch(statements.map(prepare));
      message.ack();
    } catch (e) {
      console.error(`click row failed, back to the queue: ${e}`);
      message.retry();
    }
  }
}

export default {
  async fetch(request, env, ctx) {
    const code = request.method === "GET" && LINK.exec(request.url)?.[1];
    if (code) {
      const answer = await redirect(request, env, ctx, code);
      if (answer) return answer;
    }
    return new Worker(ctx, env).fetch(request);
  },
  queue(batch, env) {
    return storeClicks(batch, env);
  },
  scheduled(event, env, ctx) {
    return new Worker(ctx, env).scheduled(event);
  },
};
