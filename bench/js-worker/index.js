// The baseline for bench/redirect.sh: the redirect as a plain JavaScript worker would do it.
// One KV read, a 302 with the click id and partner code, the click row written after the answer.
const BOT = /bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|curl\/|wget|headless/i;
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const [, r, code, slug] = url.pathname.split("/");
    const entry = r === "r" && /^[a-z0-9-]{3,32}$/.test(code || "") ? await env.LINKS.get(`link:${code}`, "json") : null;
    const link = entry && (slug ? entry.links[slug] && { slug, ...entry.links[slug] } : entry.default);
    if (!link) return new Response("Not found", { status: 404 });
    const target = new URL(link.url);
    const agent = request.headers.get("user-agent") || "";
    const now = Math.floor(Date.now() / 1000);
    let row;
    if (agent && !BOT.test(agent)) {
      const id = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
      target.searchParams.append(entry.click_param, id);
      row = env.DB.prepare(
        "INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?)",
      ).bind(id, code, link.program, link.slug, /Mobi/.test(agent) ? "mobile" : "desktop", request.headers.get("cf-connecting-ip") || "", now);
    } else {
      row = env.DB.prepare(
        "INSERT INTO filtered_clicks (partner, slug, reason, created_at) VALUES (?, ?, ?, ?)",
      ).bind(code, link.slug, agent ? "crawler" : "no_user_agent", now);
    }
    target.searchParams.append(entry.partner_param, code);
    ctx.waitUntil(row.run());
    return new Response(null, { status: 302, headers: { location: target.href, "cache-control": "private, no-store" } });
  },
};
