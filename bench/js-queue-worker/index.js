// The project's redirect (worker/src/routes/redirect) in plain JavaScript, for bench/redirect.sh:
// the same checks of every request header (one that is not plain text is refused, as the app
// refuses it) and of the path, one KV read of `link:<code>`, the link's end date, a deep link's
// host, the same "not a person" filter with the same detail of what gave it away (prefetch
// headers, our markers, the crawler-user-agents strings, data-centre networks), a click id, the
// daily visitor HMAC, the 302 with the same headers, and the click row sent to a Queue whose
// consumer writes each batch in one D1 batch with the project's own statements (click_burst
// included). What it leaves out, the project's does only for requests the bench never sends: a
// public client address (a second HMAC), a session cookie (the own-click page), a fallback
// page (an unknown or ended link is a 404 here).
import crawlers from "../../worker/src/routes/redirect/crawlers.txt";

const PREVIEW = ["facebookexternalhit", "preview", "embedly", "whatsapp", "telegram", "discord", "vkshare", "skypeuripreview"];
const SCRIPT = ["headless", "curl/", "wget", "python-requests", "python-urllib", "go-http-client", "okhttp", "java/", "libwww", "httpclient", "pingdom", "uptime", "lighthouse", "scanner", "validator"];
const CRAWLER = ["bot", "crawl", "spider", "slurp"];
const DATACENTER = new Map([
  [16509, "Amazon AWS"], [14618, "Amazon AWS"], [396982, "Google Cloud"], [8075, "Microsoft Azure"],
  [14061, "DigitalOcean"], [16276, "OVH"], [24940, "Hetzner"], [63949, "Akamai Linode"], [20473, "Vultr"],
  [45102, "Alibaba Cloud"], [31898, "Oracle Cloud"], [132203, "Tencent Cloud"], [12876, "Scaleway"], [51167, "Contabo"],
]);
const MARKERS = [["link_preview", PREVIEW], ["script", SCRIPT], ["crawler", CRAWLER]];
const CARRIED = ["sub", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
const AD_PARAMS = ["gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "ttclid", "twclid", "li_fat_id", "epik", "rdt_cid", "sccid", "irclickid"];
const CODE = /^[a-z0-9][a-z0-9_-]{2,31}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SUB = /^[A-Za-z0-9._-]{1,64}$/;
// What the app refuses in a header value (worker/src/app.rs, `garbled_header`), and in a carried
// parameter (`char::is_control`).
const GARBLED = /[^\t\x20-\x7e]/;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

// The crawler list as one regular expression of escaped strings (V8 compiles it once).
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const LISTED = new RegExp(
  crawlers
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [kind, text] = l.split("\t");
      const t = escape(text);
      return kind === "start" ? `^${t}` : kind === "end" ? `${t}$` : kind === "whole" ? `^${t}$` : t;
    })
    .join("|"),
);

const apart = (c) => c <= " " || c === ";" || c === "(" || c === ")" || c === ",";
// The word of `text` around what was found at `at` (`googlebot/2.1`), or what was found when it
// is more than a word, at most 60 characters (the app's `token_around`).
function wordAround(text, at, length) {
  let word = text.slice(at, at + length);
  if (![...word].some(apart)) {
    let start = at;
    while (start > 0 && !apart(text[start - 1])) start--;
    let end = at + length;
    while (end < text.length && !apart(text[end])) end++;
    word = text.slice(start, end);
  }
  return word.length > 60 ? [...word].slice(0, 60).join("") : word;
}

// [reason, detail] when the request is not a person's click.
function filtered(request, agent) {
  for (const h of ["purpose", "sec-purpose", "x-moz", "x-purpose"]) {
    const v = request.headers.get(h);
    if (v && (v.includes("prefetch") || v.includes("preview"))) return ["prefetch", `${h}: ${[...v].slice(0, 40).join("")}`];
  }
  const lower = agent.toLowerCase();
  if (!lower.trim()) return ["no_user_agent", null];
  for (const [reason, list] of MARKERS) {
    const marker = list.find((m) => lower.includes(m));
    if (marker) return [reason, wordAround(lower, lower.indexOf(marker), marker.length)];
  }
  const listed = LISTED.exec(agent);
  if (listed) return ["crawler", wordAround(agent, listed.index, listed[0].length)];
  const asn = request.cf && request.cf.asn;
  if (DATACENTER.has(asn)) return ["datacenter", `AS${asn} ${DATACENTER.get(asn)}`];
  return null;
}

let keyPromise;
const hmacKey = (env) =>
  (keyPromise ??= crypto.subtle.importKey("raw", new TextEncoder().encode(env.SESSION_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));
const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

function agentClass(agent) {
  if (agent.includes("iPad") || agent.includes("Tablet")) return "tablet";
  if (agent.includes("Mobi") || agent.includes("Android") || agent.includes("iPhone")) return "mobile";
  return agent.startsWith("Mozilla/") ? "desktop" : "other";
}

export default {
  async fetch(request, env, ctx) {
    for (const [name, v] of request.headers) {
      if (!name.startsWith("cf-") && GARBLED.test(v)) {
        return new Response(`Malformed request: the ${name} header is not plain text.`, { status: 400 });
      }
    }
    const url = new URL(request.url);
    const parts = url.pathname.replace(/\/$/, "").split("/");
    const [, r, code, slug, extra] = parts;
    if (r !== "r" || !CODE.test(code || "") || (slug !== undefined && !SLUG.test(slug)) || extra !== undefined) {
      return new Response("Not found", { status: 404 });
    }
    const entry = await env.LINKS.get(`link:${code}`, "json");
    const link = entry && (slug ? entry.links[slug] && { slug, ...entry.links[slug] } : entry.default);
    const now = Math.floor(Date.now() / 1000);
    if (!link || (link.expires_at !== undefined && now >= link.expires_at)) return new Response("Not found", { status: 404 });
    let target = new URL(link.url);
    const to = url.searchParams.get("to");
    if (to) {
      // A deep link: an http(s) page on one of the owner's domains, or the link's own target.
      let deep;
      try {
        deep = new URL(to);
      } catch {}
      const host = deep?.hostname;
      if (/^https?:$/.test(deep?.protocol) && !deep.username && !deep.password &&
          (entry.link_domains ?? []).some((d) => host === d || host.endsWith(`.${d}`))) target = deep;
    }
    const agent = request.headers.get("user-agent") || "";
    const sub = url.searchParams.get("sub");
    const cleanSub = sub && SUB.test(sub) ? sub : null;
    const [reason, detail] = filtered(request, agent) ?? [null, null];
    let id = null;
    if (!reason) {
      id = now.toString(16).padStart(8, "0") + hex(crypto.getRandomValues(new Uint8Array(8)));
      target.searchParams.append(entry.click_param, id);
    }
    target.searchParams.append(entry.partner_param, code);
    for (const name of CARRIED) {
      const v = name === "sub" ? cleanSub : url.searchParams.get(name);
      if (v && v.length <= 100 && !CONTROL.test(v)) target.searchParams.append(name, v);
    }
    let message;
    if (id) {
      const ip = request.headers.get("cf-connecting-ip") || "unknown";
      const data = new TextEncoder().encode(`visitor\0${Math.floor(now / 86400)}|${ip}|${agent}`);
      const visitor = hex(await crypto.subtle.sign("HMAC", await hmacKey(env), data)).slice(0, 32);
      let referrerHost = null;
      try { referrerHost = new URL(request.headers.get("referer")).hostname.slice(0, 253); } catch {}
      const country = request.headers.get("cf-ipcountry");
      message = {
        kind: "counted", id, partner: code, program: link.program, slug: link.slug, sub: cleanSub,
        referrer_host: referrerHost, country: /^[A-Z]{2}$/.test(country || "") ? country : null,
        agent: agentClass(agent), visitor, ad_param: AD_PARAMS.find((p) => url.searchParams.get(p)) || null, created_at: now,
      };
    } else {
      const ms = BigInt(Date.now());
      const random = BigInt(crypto.getRandomValues(new Uint32Array(1))[0] >>> 10);
      message = { kind: "filtered", id: ((ms << 22n) | random).toString(), partner: code, slug: link.slug, sub: cleanSub, reason, detail, created_at: now };
    }
    ctx.waitUntil(env.CLICKS.send(message));
    return new Response(null, {
      status: 302,
      headers: {
        location: target.href, "cache-control": "private, no-store", "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin", "strict-transport-security": "max-age=31536000; includeSubDomains",
      },
    });
  },

  // The project's statements (worker/src/store/clicks.rs): a click, or past click_burst one
  // not counted; each batch in one D1 batch.
  async queue(batch, env) {
    const BURST =
      "EXISTS (SELECT 1 FROM click_burst b WHERE b.clicks <= (SELECT count(*) FROM (SELECT 1 FROM clicks INDEXED BY clicks_by_visitor WHERE partner = ?2 AND visitor = ?9 AND created_at > ?12 - b.seconds AND created_at <= ?12 LIMIT (SELECT clicks FROM click_burst))))";
    const statements = [];
    for (const { body: m } of batch.messages) {
      if (m.kind === "counted") {
        const args = [m.id, m.partner, m.program, m.slug, m.sub, m.referrer_host, m.country, m.agent, m.visitor, null, m.ad_param, m.created_at];
        statements.push(env.DB.prepare(
          `INSERT OR IGNORE INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, address, ad_param, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 WHERE NOT ${BURST}`,
        ).bind(...args));
        const second = parseInt(m.id.slice(0, 8), 16);
        const repeated = ((BigInt(second * 1000) << 22n) | (BigInt("0x" + m.id.slice(8)) & 0x3fffffn)).toString();
        statements.push(env.DB.prepare(
          `INSERT OR IGNORE INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) SELECT ?3, ?2, ?4, ?5, 'repeated', NULL, ?12 WHERE NOT EXISTS (SELECT 1 FROM clicks WHERE id = ?1) AND ${BURST}`,
        ).bind(m.id, m.partner, repeated, m.slug, m.sub, null, null, null, m.visitor, null, null, m.created_at));
      } else {
        statements.push(env.DB.prepare(
          "INSERT OR IGNORE INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ).bind(m.id, m.partner, m.slug, m.sub, m.reason, m.detail, m.created_at));
      }
    }
    await env.DB.batch(statements);
    batch.ackAll();
  },
};
