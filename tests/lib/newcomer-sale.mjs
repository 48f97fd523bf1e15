// A new owner's first tracked sale, as a person makes it in a browser (tests/lib/scaffold.sh):
// a partner's link lands on the owner's store page (served here in place of the real site),
// whose /pc.js keeps the click and hands it to a Stripe Payment Link; the purchase, in Stripe's
// test mode, arrives as Stripe sends it (signed by Stripe's own library); then the partner's
// test commission and the console's Setup page (the script's report, the webhook and how it was
// attributed) are read as the owner reads them.
// env: PORTAL (the worker here), PORTAL_URL (its public address, routed to PORTAL), OWNER_TOKEN,
//      STRIPE_WEBHOOK_SECRET
import { chromium } from "playwright-core";
import Stripe from "stripe";

const { PORTAL, PORTAL_URL, OWNER_TOKEN, STRIPE_WEBHOOK_SECRET } = process.env;
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0 Safari/537.36";
const STORE = "https://brightloom.example";
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
const owner = (path) => fetch(`${PORTAL}${path}`, { headers: { authorization: `Bearer ${OWNER_TOKEN}` } }).then(async (r) => {
  const text = await r.text();
  assert(r.ok, `${path}: ${r.status} ${text}`);
  return JSON.parse(text);
});
const clicks = async () => (await owner("/api/v1/owner/as/abc123/clicks")).rows.reduce((n, r) => n + Number(r.clicks), 0);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const context = await browser.newContext({ userAgent: BROWSER_UA });
  // The owner's store: a page with the tracking script and a Payment Link.
  await context.route(`${STORE}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html", body:
    `<!doctype html><html lang="en"><head><title>Brightloom Coffee</title><script src="${PORTAL_URL}/pc.js" defer></script></head>
     <body><a id="buy" href="https://buy.stripe.com/test_eVa5kD3nB">Subscribe</a></body></html>` }));
  // The portal's public address is this worker.
  await context.route(`${PORTAL_URL}/**`, async (route) => {
    const response = await route.fetch({ url: PORTAL + new URL(route.request().url()).pathname });
    await route.fulfill({ response });
  });
  const page = await context.newPage();

  // The partner's link (a redirect the browser follows to the store), once its click is stored.
  const before = await clicks();
  const redirect = await fetch(`${PORTAL}/r/abc123/home`, { redirect: "manual", headers: { "user-agent": BROWSER_UA } });
  assert(redirect.status === 302, `the partner link: ${redirect.status}`);
  for (let i = 0; (await clicks()) === before; i++) {
    assert(i < 400, "the click was never stored");
    await new Promise((done) => setTimeout(done, 50));
  }
  await page.goto(redirect.headers.get("location"));
  await page.waitForFunction(() => document.querySelector("#buy").href.includes("client_reference_id"));
  const reference = new URL(await page.locator("#buy").getAttribute("href")).searchParams.get("client_reference_id");
  assert(/^pc_[0-9a-f]{24}$/.test(reference), `the Payment Link carries the click: ${reference}`);

  // The purchase in Stripe's test mode: checkout.session.completed, livemode false.
  const u = Date.now().toString(36);
  const payload = JSON.stringify({
    id: `evt_test_${u}`, object: "event", api_version: "2026-10-28.endive", created: Math.floor(Date.now() / 1000),
    livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: "checkout.session.completed",
    data: { object: {
      id: `cs_test_${u}`, object: "checkout.session", amount_subtotal: 2900, amount_total: 2900, client_reference_id: reference,
      currency: "usd", customer_details: { email: "first-buyer@example.com" }, discounts: [], livemode: false, metadata: {},
      mode: "payment", payment_intent: `pi_test_${u}`, payment_status: "paid", status: "complete",
    } },
  });
  const signature = new Stripe("sk_test_not_used_offline").webhooks.generateTestHeaderString({ payload, secret: STRIPE_WEBHOOK_SECRET });
  const sent = await fetch(`${PORTAL}/api/v1/integrations/stripe`, { method: "POST", body: payload,
    headers: { "content-type": "application/json", "stripe-signature": signature } });
  const answer = await sent.json();
  assert(sent.status === 201 && answer.test === true && answer.partner === "abc123" && answer.attribution === "click",
    `the test purchase: ${sent.status} ${JSON.stringify(answer)}`);

  // The partner's test commission, as their dashboard reads it; their balance untouched.
  const lines = await owner("/api/v1/owner/as/abc123/test");
  const line = lines.lines.find((l) => l.order === `pi_test_${u}`);
  assert(line && Number(line.amount) > 0, `the partner's test commission: ${JSON.stringify(lines)}`);
  // The console's Setup page: the script's report with the click, Stripe's last webhook.
  const setup = await owner("/api/v1/owner/setup");
  const hit = setup.script_hits.find((h) => h.domain === "brightloom.example");
  assert(hit && hit.click_known && hit.partner === "abc123", `the script's report: ${JSON.stringify(setup.script_hits)}`);
  const stripe = setup.integrations.find((i) => i.name === "stripe");
  assert(stripe.configured && stripe.last && stripe.last.event_type === "checkout.session.completed" && stripe.last.test &&
    stripe.last.outcome === "recorded" && stripe.last.partner === "abc123", `Stripe's last webhook: ${JSON.stringify(stripe)}`);
  console.log(`   the partner link landed on ${hit.domain} (/pc.js reported its click); a Stripe test checkout of $29.00 ` +
    `recorded for abc123 by click: a test commission of $${line.amount}, never payable; Setup shows both`);
} finally {
  await browser.close();
}
