// bench/redirect.sh: the floor of a JavaScript redirect in workerd — read `link:<code>` from KV,
// answer 302 — the same as bench/rust-floor.
const TARGET = "https://brightloom.example/?bl_click=0123456789abcdef01234567&bl_ref=abc123";
export default {
  async fetch(request, env) {
    const code = new URL(request.url).pathname.replace(/^\/r\//, "").split("/")[0];
    const found = await env.LINKS.get(`link:${code}`);
    return found ? Response.redirect(TARGET, 302) : new Response("Not found", { status: 404 });
  },
};
