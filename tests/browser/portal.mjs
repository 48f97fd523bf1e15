// Browser tests of the portal in headless Chromium (Debian's), against `partner-center serve`.
// A partner signs in with Remember Me, visits every menu item, builds and copies a link, opens
// every report, changes the date range, downloads a CSV, and signs out. Every page is checked
// with axe-core (no serious or critical violations) and by the page's own CSP (any violation
// fails), and screenshotted at desktop and phone widths into $ARTIFACTS.
//
// Then, against a second `serve` on the demo with its sample history (DEMO_BASE_URL,
// DEMO_PASSWORD), a newcomer's first look: balances that add up and explained lines.
//
// env: BASE_URL, PASSWORD (abc123's), EVENTS_SECRET, ARTIFACTS, DEMO_BASE_URL, DEMO_PASSWORD,
// OWNER_LINK (the demo admin's set-password link)
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS || "tests/artifacts";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0 Safari/537.36";
fs.mkdirSync(artifacts, { recursive: true });

let failures = 0;
const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(`  ok    ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures += 1;
    results.push(`  FAIL  ${name}: ${e.message.split("\n").slice(0, 6).join("\n        ")}`);
  }
  console.log(results[results.length - 1]);
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// A signed events-API call to the portal at `to`.
function sendEvent(to, secret, event) {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const sig = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return fetch(`${to}/api/v1/events`, { method: "POST", body, headers: { "content-type": "application/json", "partner-signature": `t=${t},v1=${sig}` } });
}

// Conversions for abc123 so reports have rows: clicks with sub-ids, sales, a lead; and a
// crawler's visit, which must show under "Not counted".
async function seed() {
  const secret = process.env.EVENTS_SECRET;
  const crawler = await fetch(`${base}/r/abc123/home`, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" } });
  assert(crawler.status === 302, `the crawler is redirected: ${crawler.status}`);
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < 6; i++) {
    // Today's two sales come through clicks (with sub-ids); older ones by partner code.
    let attribution = { partner: "abc123" };
    if (i < 2) {
      const sub = i ? "newsletter" : "instagram";
      const r = await fetch(`${base}/r/abc123/home?sub=${sub}`, { redirect: "manual", headers: { "user-agent": BROWSER_UA } });
      attribution = { click_id: new URL(r.headers.get("location")).searchParams.get("bl_click") };
    }
    const body = JSON.stringify({
      id: `browser-${now}-${i}`, type: i === 5 ? "lead" : "sale",
      occurred_at: new Date((i < 2 ? now : now - i * 86400) * 1000).toISOString(),
      ...attribution, order_id: `browser-order-${now}-${i}`, ...(i === 5 ? {} : { amount: `${20 + i * 5}.00`, currency: "USD" }),
      customer: { email: `customer${i}@example.org` },
    });
    // The click row is written after the redirect answers: the event is accepted once it is.
    let e, answer;
    for (let attempt = 0; attempt < 200; attempt++) {
      const t = Math.floor(Date.now() / 1000);
      const sig = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
      e = await fetch(`${base}/api/v1/events`, { method: "POST", body, headers: { "content-type": "application/json", "partner-signature": `t=${t},v1=${sig}` } });
      answer = await e.text();
      if (!(e.status === 422 && answer.includes("unknown click_id"))) break;
      await new Promise((done) => setTimeout(done, 25));
    }
    assert(e.status === 201, `seeding event ${i}: ${e.status} ${answer}`);
  }
  // And a purchase from the owner's store in test mode: shown apart, never in a figure.
  const test = await sendEvent(base, secret, { id: `browser-${now}-test`, type: "sale", occurred_at: new Date(now * 1000).toISOString(),
    partner: "abc123", order_id: `test-order-${now}`, amount: "80.00", currency: "USD", test: true });
  assert(test.status === 201, `the test purchase: ${test.status} ${await test.text()}`);
}

async function audit(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert(bad.length === 0, `${label}: accessibility violations: ${JSON.stringify(bad)}`);
}

// Summary cards in balanced rows: no card alone on the last row under a fuller one, unless it
// spans the whole grid (the six dashboard cards once wrapped 5 + 1, leaving Balance alone).
async function balancedCards(page, label) {
  const orphans = await page.evaluate(() =>
    [...document.querySelectorAll(".summary-cards")].flatMap((grid) => {
      const cards = [...grid.children].filter((c) => c.offsetParent !== null);
      const rows = new Map();
      for (const c of cards) rows.set(c.offsetTop, [...(rows.get(c.offsetTop) || []), c]);
      const counts = [...rows.values()].map((r) => r.length);
      const last = [...rows.values()].at(-1);
      const alone = counts.length > 1 && last.length === 1 && last[0].offsetWidth < grid.clientWidth - 2;
      return alone ? [`${grid.getAttribute("aria-label") || grid.className}: rows of ${counts.join(" + ")}`] : [];
    }));
  assert(orphans.length === 0, `${label}: a summary card alone on its row: ${orphans.join("; ")}`);
}

// No word broken inside itself in a table cell ("subs/crib/e"): a word (between spaces and
// hyphens) of up to 24 characters laid out on one line. Longer runs (URLs, ids) may wrap.
async function wholeWords(page, label) {
  const broken = await page.evaluate(() => {
    const found = [];
    for (const cell of document.querySelectorAll("td, th")) {
      if (cell.offsetParent === null) continue;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/[^\s-]+/g)) {
          if (m[0].length > 24) continue;
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) found.push(m[0]);
        }
      }
    }
    return [...new Set(found)].slice(0, 8);
  });
  assert(broken.length === 0, `${label}: words broken across lines in a table: ${broken.join(", ")}`);
}

// No element wider than its card: nothing scrolls sideways inside a card, a table's frame, a
// summary card or the page's main column (a table cut off at its right edge hid the money).
async function fitsCards(page, label) {
  const over = await page.evaluate(() => [...document.querySelectorAll("main, .card, .stat, .table-wrap, .scroll")]
    .filter((c) => c.offsetParent !== null && c.scrollWidth > c.clientWidth + 1)
    .map((c) => `${c.getAttribute("aria-label") || (c.querySelector("h2, caption") || {}).textContent || c.className}: ${c.scrollWidth} > ${c.clientWidth} px`));
  assert(over.length === 0, `${label}: wider than its card: ${over.join("; ")}`);
}

async function shoot(page, name) {
  await balancedCards(page, `${name} at ${page.viewportSize().width}px`);
  await wholeWords(page, `${name} at ${page.viewportSize().width}px`);
  await fitsCards(page, `${name} at ${page.viewportSize().width}px`);
  await page.screenshot({ path: path.join(artifacts, `${name}-desktop.png`), fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(artifacts, `${name}-phone.png`), fullPage: true });
  // No horizontal scrolling of the page at phone width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await balancedCards(page, `${name} at 390px`);
  await wholeWords(page, `${name} at 390px`);
  await fitsCards(page, `${name} at 390px`);
  await page.setViewportSize(size);
  assert(overflow <= 1, `${name}: the page is ${overflow}px wider than a phone screen`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
const page = await context.newPage();
const cspViolations = [];
page.on("console", (m) => { if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) cspViolations.push(m.text()); });
page.on("pageerror", (e) => cspViolations.push(`script error: ${e.message}`));

await step("seed conversions through the events API", seed);

await step("the public pages pass the accessibility check", async () => {
  for (const [p, name] of [["/login/", "login"], ["/forgot/", "forgot"], ["/reset/", "reset"], ["/join/", "join"]]) {
    await page.goto(base + p);
    await audit(page, p);
    await shoot(page, name);
  }
});

await step("the application form is labelled and its trap field is off-screen", async () => {
  await page.goto(`${base}/join/`);
  const form = page.locator("form[data-join]");
  for (const label of ["Your name", "E-mail", "Website", "How will you promote us?", "Choose a password", "Repeat the password", "I accept the partner terms"]) {
    assert(await form.getByLabel(label).count() === 1, `the join form has a labelled ${label}`);
  }
  const trap = await page.locator("#j-nickname").boundingBox();
  assert(!trap || trap.x + trap.width <= 0, `the honeypot is off-screen: ${JSON.stringify(trap)}`);
  assert(cspViolations.length === 0, `CSP violations or script errors: ${cspViolations.join("; ")}`);
});

await step("/join keeps what was typed after a taken code; sign-in offers to become a partner", async () => {
  await page.goto(`${base}/login/`);
  await page.getByRole("link", { name: "Become a partner" }).click();
  await page.getByRole("heading", { level: 1, name: "Become a partner" }).waitFor();
  const loaded = Date.now();
  await page.getByLabel("Your name").fill("Nora Typed");
  await page.getByLabel("E-mail").fill("nora@typed.example");
  await page.getByLabel("Website").fill("https://typed.example/");
  await page.getByLabel("How will you promote us?").fill("A podcast about espresso");
  await page.getByLabel("Partner code you would like (optional)").fill("abc123");
  await page.getByLabel("Choose a password").fill("a-long-password-1");
  await page.getByLabel("Repeat the password").fill("a-long-password-1");
  await page.getByLabel("I accept the partner terms").check();
  // The form refuses answers faster than a person (3 s after it was served).
  await page.waitForTimeout(Math.max(0, 3300 - (Date.now() - loaded)));
  const invalid = await page.evaluate(() => Array.from(document.querySelectorAll("form[data-join] :invalid")).map((e) => e.name || e.id));
  assert(invalid.length === 0, `the form is valid: ${invalid.join(", ")}`);
  await page.getByRole("button", { name: "Apply" }).click();
  const notice = page.locator("[data-notice]:not([hidden])");
  await notice.waitFor();
  assert((await notice.innerText()).includes("That partner code is taken"), `the refusal says why: ${await notice.innerText()}`);
  for (const [label, value] of [["Your name", "Nora Typed"], ["E-mail", "nora@typed.example"], ["Website", "https://typed.example/"],
    ["How will you promote us?", "A podcast about espresso"], ["Partner code you would like (optional)", "abc123"]]) {
    const kept = await page.getByLabel(label).inputValue();
    assert(kept === value, `${label} kept: ${kept}`);
  }
  assert(await page.getByLabel("I accept the partner terms").isChecked(), "the terms stay accepted");
  assert((await page.getByLabel("Choose a password").inputValue()) === "", "the password is never sent back");
  await audit(page, "join after a refusal");
});

await step("sign in with Remember Me", async () => {
  await page.goto(`${base}/portal/links/`);
  assert(page.url().startsWith(`${base}/login/`), `not sent to sign in: ${page.url()}`);
  await page.getByLabel("Partner code").fill("abc123");
  await page.getByLabel("Password").fill(process.env.PASSWORD);
  await page.getByLabel("Remember me").check();
  await Promise.all([page.waitForURL(`${base}/portal/links/`), page.getByRole("button", { name: "Sign in" }).click()]);
  const session = (await context.cookies()).find((c) => c.name === "__Host-pc_session");
  assert(session && session.httpOnly && session.secure, "an HttpOnly, Secure session cookie");
  const days = (session.expires - Date.now() / 1000) / 86400;
  assert(days > 29 && days <= 30, `Remember Me keeps the session for 30 days, not ${days.toFixed(1)}`);
});

const menu = ["Welcome", "My Profile", "My Programs", "My Commission Structure", "Redirect Links", "Banners", "Email Copy",
              "Resource Pages", "Commissions", "Lead Tracking", "Sales", "Clicks", "My Ledger"];
await step("every menu item opens its page and passes the accessibility check", async () => {
  for (const item of menu) {
    await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: item, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: item, exact: true }).waitFor();
    assert((await page.locator("h1").count()) === 1, `${item}: one h1`);
    const current = await page.locator('nav.menu a[aria-current="page"]').innerText();
    assert(current === item, `${item}: the menu marks ${current}`);
    if (await page.locator("[data-report]").count()) await page.locator('[data-report][data-loaded="true"]').waitFor();
    await audit(page, item);
    await shoot(page, item.toLowerCase().replace(/ /g, "-"));
  }
  assert(cspViolations.length === 0, `CSP violations or script errors: ${cspViolations.join("; ")}`);
});

await step("the dashboard shows the store's test purchases apart, in none of its figures", async () => {
  await page.goto(`${base}/portal/`);
  await page.locator('[data-dashboard][data-loaded="true"]').waitFor();
  const box = page.locator("[data-dash-test]");
  await box.waitFor({ state: "visible" });
  const rows = await box.locator("tbody tr").allInnerTexts();
  assert(rows.some((r) => /test-order-/.test(r) && /Sale/.test(r) && /\$/.test(r)), `the test purchase's line: ${rows.join(" | ")}`);
  assert(/never paid/.test(await box.innerText()), "it says test lines are never paid");
  const cards = await page.locator("[data-dash-cards]").innerText();
  assert(!/test/i.test(cards), `a card speaks of tests: ${cards}`);
});

await step("on a phone, the Menu button reaches every item; report rows become cards", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(`${base}/portal/`);
    const nav = page.getByRole("navigation", { name: "Portal" });
    const toggle = nav.getByRole("button", { name: /^Menu/ });
    for (const item of menu) {
      assert(!(await nav.getByRole("link", { name: item, exact: true }).isVisible()), `the menu starts closed (${item})`);
      await toggle.click();
      assert((await toggle.getAttribute("aria-expanded")) === "true", "the button says the menu is open");
      const link = nav.getByRole("link", { name: item, exact: true });
      assert(await link.isVisible(), `${item} is reachable on a phone`);
      await link.click();
      await page.getByRole("heading", { level: 1, name: item, exact: true }).waitFor();
      assert((await toggle.innerText()).includes(item), `the button names the current page: ${await toggle.innerText()}`);
    }
    await toggle.click();
    await page.keyboard.press("Escape");
    assert((await toggle.getAttribute("aria-expanded")) === "false", "Escape closes the menu");
    await toggle.click();
    await page.screenshot({ path: path.join(artifacts, "phone-menu.png") });
    await toggle.click();
    // My Ledger (the last item): each row is a card whose amount is on screen.
    await page.locator('[data-report][data-loaded="true"]').waitFor();
    const amount = page.locator('[data-table] tbody tr').first().locator('td[data-label="Amount"]');
    const box = await amount.boundingBox();
    assert(box && box.x >= 0 && box.x + box.width <= 390, `the amount is on screen: ${JSON.stringify(box)}`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

await step("build a link with a sub-id and copy it", async () => {
  await page.goto(`${base}/portal/links/`);
  await page.getByLabel("Link", { exact: true }).selectOption({ label: "Coffee Club subscription" });
  await page.getByLabel("Sub-id").fill("newsletter-june");
  await page.getByLabel("utm_source").fill("blog");
  const built = await page.getByLabel("Your tracked link").inputValue();
  assert(built === "https://partners.brightloom.example/r/abc123/subscribe?sub=newsletter-june&utm_source=blog", `built ${built}`);
  // A sub-id the redirect would drop is turned into one it keeps, and the page says so.
  await page.getByLabel("Sub-id").fill("Black Friday IG");
  const fixed = await page.getByLabel("Your tracked link").inputValue();
  assert(fixed.includes("sub=Black-Friday-IG"), `built ${fixed}`);
  assert((await page.locator("[data-sub-hint]").innerText()).includes("Black-Friday-IG"), "the builder says which sub-id it used");
  // A deep link: a page on the owner's site is kept; any other host is refused as typed.
  const deep = page.getByLabel("A page to link to (optional)");
  await deep.fill("https://brightloom.example/products/aeropress");
  const deepLink = await page.getByLabel("Your tracked link").inputValue();
  assert(new URL(deepLink).searchParams.get("to") === "https://brightloom.example/products/aeropress", `the deep link: ${deepLink}`);
  await deep.fill("https://evil.example/products/aeropress");
  assert((await page.getByLabel("Your tracked link").inputValue()) === "", "no link is built for another site");
  assert(/not on brightloom\.example/.test(await page.locator("[data-to-hint]").innerText()), "the builder says why");
  assert(await deep.evaluate((i) => !i.checkValidity()), "the field is marked invalid");
  await audit(page, "a refused deep link");
  await deep.fill("");
  await page.getByLabel("Sub-id").fill("newsletter-june");
  await page.locator('button[data-copy="built-url"]').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert(copied === built, `copied ${copied}`);
  await page.locator('button[data-copy="built-url"]', { hasText: "Copied" }).waitFor();
  // Testing a link while signed in: told the click is not counted, and the way on carries
  // no click id.
  await Promise.all([page.waitForURL(`${base}/r/abc123/home`), page.getByRole("link", { name: /^Test this link: / }).first().click()]);
  await page.getByRole("heading", { name: "Your own click is not counted" }).waitFor();
  const onward = await page.getByRole("link", { name: "Continue to the page" }).getAttribute("href");
  assert(onward.startsWith("https://brightloom.example/") && !onward.includes("bl_click") && !onward.includes("bl_ref"), `the way on: ${onward}`);
  await audit(page, "own click");
  await shoot(page, "own-click");
  await page.goto(`${base}/portal/links/`);
  // The QR codes download as PNG and SVG.
  const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the QR code as PNG" }).first().click()]);
  const pngFile = path.join(artifacts, png.suggestedFilename());
  await png.saveAs(pngFile);
  const head = fs.readFileSync(pngFile).subarray(0, 8).toString("hex");
  assert(png.suggestedFilename() === "qr-abc123-home.png" && head === "89504e470d0a1a0a", `a PNG: ${png.suggestedFilename()} ${head}`);
  const [svg] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the QR code as SVG" }).first().click()]);
  const svgFile = path.join(artifacts, svg.suggestedFilename());
  await svg.saveAs(svgFile);
  assert(fs.readFileSync(svgFile, "utf8").includes("<svg"), "an SVG");
});

await step("Email Copy pastes as formatted text; banner code is sponsored and has its own sub-id", async () => {
  await page.goto(`${base}/portal/emails/`);
  await page.locator("button[data-copy-html]").first().click();
  await page.locator("button[data-copy-html]", { hasText: "Copied" }).first().waitFor();
  const clip = await page.evaluate(async () => {
    const items = await navigator.clipboard.read();
    const html = await (await items[0].getType("text/html")).text();
    const text = await (await items[0].getType("text/plain")).text();
    return { html, text };
  });
  assert(/<p>/.test(clip.html) && clip.html.includes("https://partners.brightloom.example/r/abc123/"), `the HTML has paragraphs and the partner's link: ${clip.html}`);
  for (const marker of ["**", "](", "# "]) {
    assert(!clip.html.includes(marker) && !clip.text.includes(marker), `no markdown marker ${marker} in the clipboard`);
  }
  assert(clip.text.includes("https://partners.brightloom.example/r/abc123/"), "the plain text keeps the link");
  await page.goto(`${base}/portal/banners/`);
  const embed = await page.locator("textarea").first().inputValue();
  assert(embed.includes('rel="sponsored"') && /\?sub=banner-[a-z0-9-]+"/.test(embed), `embed code: ${embed}`);
  const download = page.getByRole("link", { name: "Download the image" }).first();
  assert((await download.getAttribute("download")) !== null, "the image downloads");
});

await step("each report shows its figures; the date range changes them", async () => {
  for (const [item, id] of [["Commissions", "commissions"], ["Lead Tracking", "leads"], ["Sales", "sales"], ["Clicks", "clicks"], ["My Ledger", "ledger"]]) {
    await page.goto(`${base}/portal/reports/${id}/`);
    await page.locator('[data-report][data-loaded="true"]').waitFor();
    const rows = await page.locator("[data-table] tbody tr").count();
    assert(rows > 0, `${item}: no rows after seeding`);
    // Money columns are in view at 1280 px, inside the table's frame, without scrolling it.
    const frame = await page.locator(".table-wrap").boundingBox();
    for (const cell of await page.locator("[data-table] tbody tr").first().locator("td.num").all()) {
      const box = await cell.boundingBox();
      assert(box && box.x + box.width <= frame.x + frame.width, `${item}: a money column is cut off: ${JSON.stringify(box)} in ${JSON.stringify(frame)}`);
    }
    const earned = await page.locator(".stat", { hasText: "Earned" }).locator(".stat-value").innerText();
    assert(/\$\d/.test(earned), `${item}: earned ${earned}`);
  }
  // Clicks: the crawler is under "Not counted", with its reason (its row is written after the
  // redirect answered: reload until it is there).
  await page.goto(`${base}/portal/reports/clicks/`);
  const notCounted = page.locator("[data-filtered]");
  for (let attempt = 0; ; attempt++) {
    await page.locator('[data-report][data-loaded="true"]').waitFor();
    if ((await notCounted.innerText()).includes("googlebot")) break;
    assert(attempt < 50, `the crawler never showed under Not counted: ${await notCounted.innerText()}`);
    await page.reload();
  }
  assert(/1 × crawler/.test(await notCounted.innerText()), `counted once, as a crawler: ${await notCounted.innerText()}`);
  const counted = await page.locator(".stat", { has: page.locator(".stat-label", { hasText: /^Clicks$/ }) }).locator(".stat-value").innerText();
  assert(counted === "2", `only the two people's clicks are counted: ${counted}`);
  await shoot(page, "clicks-analytics");
  await page.goto(`${base}/portal/reports/ledger/`);
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  // The chart has labelled axes: money up the side, dates along the bottom; a table too.
  await page.goto(`${base}/portal/reports/commissions/`);
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  const yLabels = await page.locator("[data-chart] svg text.axis-label.y").allTextContents();
  const xLabels = await page.locator("[data-chart] svg text.axis-label.x").allTextContents();
  assert(yLabels.some((t) => /\$\d/.test(t)) && yLabels.some((t) => /\$0/.test(t)), `money on the value axis: ${yLabels}`);
  // Dates as the partner's language writes them (Chromium here: en-US, "Nov 4").
  assert(xLabels.length >= 3 && xLabels.every((t) => /^[A-Z][a-z]{2} \d{1,2}$/.test(t)), `dates on the time axis: ${xLabels}`);
  assert((await page.locator("[data-chart] details.chart-table tbody tr").count()) === 30, "a row per day in the table");
  await page.goto(`${base}/portal/reports/leads/`);
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  assert((await page.locator("[data-chart] .funnel li").count()) === 3, "Lead Tracking shows the clicks → leads → sales funnel");
  await page.goto(`${base}/portal/reports/ledger/`);
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  // My Ledger runs newest first, with the balance before its oldest line under it.
  const dates = await page.locator('[data-table] tbody td[data-label="Date"] time').evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime")));
  assert(dates.length > 1 && dates.every((d, i) => i === 0 || dates[i - 1] >= d), `newest first: ${dates.join(", ")}`);
  const shownDate = await page.locator('[data-table] tbody td[data-label="Date"]').first().innerText();
  assert(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/.test(shownDate), `a date in words, not ISO: ${shownDate}`);
  assert(/^Balance before these lines: \$/.test(await page.locator("[data-opening]").innerText()), "the opening balance under the lines");
  // My Ledger: a line explains where its money came from, in a row just under it; a second
  // click closes it.
  const explainButton = page.getByRole("button", { name: "Explain" }).nth(1);
  await explainButton.click();
  const explained = page.locator("[data-explain]");
  await explained.locator("dt", { hasText: "What" }).waitFor();
  assert(/order|Payout|reference/.test(await explained.innerText()), "the explanation names its source");
  assert(await page.locator("[data-table] tbody tr.explain-row").evaluate((row) =>
    row.previousElementSibling.querySelector("button.explain[aria-expanded=true]") !== null), "the explanation is the next row after its line");
  await explainButton.click();
  assert(await page.locator("[data-explain]").count() === 0, "Explain again closes it");
  await page.goto(`${base}/portal/reports/sales/`);
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  const all = await page.locator("[data-table] tbody tr").count();
  // A range with only the oldest seeded sale (four days ago).
  const day = new Date(Date.now() - 4 * 86400 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("From", { exact: true }).fill(day);
  await page.getByLabel("To", { exact: true }).fill(day);
  await page.evaluate(() => document.querySelector("[data-report]").removeAttribute("data-loaded"));
  await page.getByRole("button", { name: "Show" }).click();
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  const narrow = await page.locator("[data-table] tbody tr").count();
  assert(narrow === 1 && all > narrow, `the range changed the rows: ${all} → ${narrow}`);
  assert(page.url().includes(`from=${day}`), "the range is in the address");
  await page.getByLabel("Period").selectOption("90");
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  // Sorting by amount puts the largest sale first on a second click.
  await page.getByRole("button", { name: "Amount" }).click();
  await page.getByRole("button", { name: "Amount" }).click();
  const first = await page.locator("[data-table] tbody tr").first().locator("td.num").first().innerText();
  assert(first.includes("40.00"), `sorted by amount: ${first}`);
  // The keyboard stays on the sorted column: Enter sorts it back.
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
  assert(focused && focused.startsWith("Amount"), `focus after sorting: ${focused}`);
  await page.keyboard.press("Enter");
  const sort = await page.locator("[data-table] th", { hasText: "Amount" }).first().getAttribute("aria-sort");
  assert(sort === "ascending", `Enter sorted again: ${sort}`);
});

await step("download a CSV and check its rows", async () => {
  await page.goto(`${base}/portal/reports/commissions/`);
  await page.locator('[data-report][data-loaded="true"]').waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  const file = path.join(artifacts, download.suggestedFilename());
  await download.saveAs(file);
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  assert(lines[0] === "date,kind,program,level,order,sale_amount,rule,amount,status,payable_from,review,id", `header ${lines[0]}`);
  const shown = await page.locator("[data-table] tbody tr").count();
  assert(lines.length - 1 === shown, `${lines.length - 1} CSV rows, ${shown} on the page`);
  const sum = lines.slice(1).reduce((a, l) => a + Number(l.split(",")[7]), 0);
  assert(Math.abs(sum - 32) < 0.001, `the CSV's commissions add up to ${sum} (20% of $150.00 in sales, $2.00 for the lead)`);
});

await step("payout details change from My Profile (a JSON change with the page's token)", async () => {
  await page.goto(`${base}/portal/profile/`);
  const box = page.locator("[data-payout]");
  await box.waitFor();
  await box.getByLabel("Account (e-mail address, IBAN or account number)").fill("alex.payouts@riverareviews.example");
  await box.getByLabel("Your current password").fill(process.env.PASSWORD);
  await box.getByRole("button", { name: "Change payout details" }).click();
  const notice = box.locator("[data-payout-notice]");
  await notice.waitFor();
  const text = await notice.textContent();
  assert(text.startsWith("Saved."), `the change is accepted: ${text}`);
  assert(await box.locator("[data-payout-pending]").isVisible(), "the pending change is shown");
  await shoot(page, "payout-pending");
  // The partner cancels it: it never applies.
  await box.getByRole("button", { name: "Cancel this change" }).click();
  await box.getByText("The change is cancelled: you are paid as before.").waitFor();
  assert(!(await box.locator("[data-payout-pending]").isVisible()), "the cancelled change is gone");
  assert(cspViolations.length === 0, `CSP violations or script errors: ${cspViolations.join("; ")}`);
});

// A TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30 s) for a base-32 key, `offset` steps from now.
function totp(key, offset = 0) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of key.replace(/\s/g, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
  const mac = createHmac("sha1", bytes).update(counter).digest();
  const at = mac[19] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1000000).padStart(6, "0");
}

await step("two-step sign-in: turned on from My Profile with the QR code, recovery codes shown once, then off", async () => {
  await page.goto(`${base}/portal/profile/`);
  const box = page.locator("[data-two-factor]");
  // Turning it on takes the password first: a session alone cannot bind another phone.
  await box.locator("[data-tf-start]").getByLabel("Your current password").fill(process.env.PASSWORD);
  await box.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  const qr = box.locator("img.tf-qr");
  await qr.waitFor();
  assert(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), "the QR code is drawn");
  const key = await box.locator("[data-tf-secret]").textContent();
  await box.getByLabel("2. The 6-digit code your app shows").fill(totp(key, -1));
  await box.getByRole("button", { name: "Confirm and turn on" }).click();
  await box.locator("[data-tf-code-list] li").nth(9).waitFor();
  const codes = await box.locator("[data-tf-code-list] li").allInnerTexts();
  assert(codes.length === 10, `ten recovery codes: ${codes.length}`);
  await box.getByText("Recovery codes left: 10").waitFor();
  // The code fields of the profile and payout forms show now.
  assert(await page.getByLabel("Code from your authenticator app", { exact: true }).first().isVisible(), "the profile form asks for a code");
  await audit(page, "My Profile with two-step sign-in");
  await shoot(page, "two-factor");
  assert(cspViolations.length === 0, `CSP violations or script errors: ${cspViolations.join("; ")}`);
  // Signing in now takes the password, then the code.
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const second = await other.newPage();
  second.on("pageerror", (e) => cspViolations.push(`script error: ${e.message}`));
  await second.goto(`${base}/login/`);
  await second.getByLabel("Partner code").fill("abc123");
  await second.getByLabel("Password").fill(process.env.PASSWORD);
  await Promise.all([second.waitForURL(`${base}/login/code/`), second.getByRole("button", { name: "Sign in" }).click()]);
  await audit(second, "the code step of sign-in");
  await shoot(second, "login-code");
  await second.getByLabel("Code", { exact: true }).fill(totp(key, 0));
  await Promise.all([second.waitForURL(`${base}/portal/`), second.getByRole("button", { name: "Continue" }).click()]);
  await other.close();
  await page.goto(`${base}/portal/profile/`);
  await box.locator("[data-tf-manage]").getByLabel("Your current password").fill(process.env.PASSWORD);
  await box.getByLabel("A code from your app (or a recovery code)").fill(codes[0]);
  await box.getByRole("button", { name: "Turn off" }).click();
  await box.getByText("Two-step sign-in is off.").waitFor();
});

await step("sign out", async () => {
  await Promise.all([page.waitForURL(/\/login\/\?status=signedout/), page.getByRole("button", { name: "Sign out" }).click()]);
  await page.getByText("You are signed out.").waitFor();
  await page.goto(`${base}/portal/`);
  assert(page.url().startsWith(`${base}/login/`), "the portal is closed after signing out");
});

if (process.env.DEMO_BASE_URL) {
  const demo = process.env.DEMO_BASE_URL;
  const demoContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const demoPage = await demoContext.newPage();
  demoPage.on("pageerror", (e) => cspViolations.push(`script error: ${e.message}`));
  await step("the demo's first screen: every balance is zero or more and adds up", async () => {
    await demoPage.goto(`${demo}/login/`);
    await demoPage.getByLabel("Partner code").fill("abc123");
    await demoPage.getByLabel("Password").fill(process.env.DEMO_PASSWORD);
    await Promise.all([demoPage.waitForURL(`${demo}/portal/`), demoPage.getByRole("button", { name: "Sign in" }).click()]);
    // The dashboard (Welcome) says what the ledger says.
    await demoPage.locator('[data-dashboard][data-loaded="true"]').waitFor();
    const dash = await demoPage.locator("[data-dashboard] .stat").allInnerTexts();
    const shown = (label) => {
      const c = dash.find((t) => t.startsWith(label));
      return c ? Number(c.split("\n")[1].replace(/[^0-9.-]/g, "")) : null;
    };
    const ledger = await demoPage.evaluate(async () => {
      const d = new Date();
      const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString().slice(0, 10);
      const today = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString().slice(0, 10);
      return (await fetch(`/api/v1/me/summary?from=${first}&to=${today}`)).json();
    });
    for (const [label, key] of [["Payable now", "payable"], ["Pending", "pending"], ["Paid to date", "paid_to_date"],
                                ["Balance (unpaid)", "balance"], ["Lifetime earnings", "earned_to_date"]]) {
      assert(Math.abs(shown(label) - Number(ledger[key])) < 0.005, `dashboard ${label} ${shown(label)} vs ledger ${ledger[key]}: ${dash.join(" | ")}`);
    }
    assert(Math.abs(shown("Earned this month") - Number(ledger.in_range.earned)) < 0.005, `earned this month: ${dash.join(" | ")}`);
    // This month so far is compared with the same days of last month, not the whole month.
    const sameDays = await demoPage.evaluate(async () => {
      const d = new Date();
      const from = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
      const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)).getUTCDate();
      const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, Math.min(d.getUTCDate(), lastDay)));
      const iso = (x) => x.toISOString().slice(0, 10);
      const s = await (await fetch(`/api/v1/me/summary?from=${iso(from)}&to=${iso(to)}`)).json();
      return { from: iso(from), to: iso(to), earned: s.in_range.earned };
    });
    const earnedCard = dash.find((t) => t.startsWith("Earned this month"));
    const inWords = (isoDay) => new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${isoDay}T00:00:00Z`));
    assert(earnedCard.includes(`${inWords(sameDays.from)} to ${inWords(sameDays.to)}`) && earnedCard.replace(/,/g, "").includes(Number(sameDays.earned).toFixed(2)),
      `earned this month against the same days of last month (${JSON.stringify(sameDays)}): ${earnedCard}`);
    // site.yaml says payouts are made on the 1st: the next payout is what is payable by then.
    const d = new Date();
    const nextFirst = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (d.getUTCDate() >= 1 ? 1 : 0), 1)).toISOString().slice(0, 10);
    const expected = Number(ledger.payable) + ledger.becoming_payable.filter((b) => b.date < nextFirst).reduce((a, b) => a + Number(b.amount), 0);
    assert(Math.abs(shown("Next payout") - expected) < 0.005, `next payout ${shown("Next payout")} vs ${expected.toFixed(2)}`);
    assert(dash.find((t) => t.startsWith("Next payout")).includes(`on ${inWords(nextFirst)}`), `the payout date: ${dash.join(" | ")}`);
    assert((await demoPage.locator("[data-dash-links] tbody tr").count()) > 0, "top links are listed");
    // The main link first, ready to copy, with its QR code.
    const mainLink = demoPage.locator(".main-link");
    assert((await mainLink.getByLabel("Share this link").inputValue()).endsWith("/r/abc123/home"), "the main link is the partner's");
    assert(await mainLink.locator("figure.qr svg").count() === 1, "the main link has its QR code");
    // The trend for the period has the Clicks report's per-day clicks and the Commissions
    // report's per-day earnings, day by day.
    await demoPage.locator('[data-trend][data-loaded="true"]').waitFor();
    await demoPage.getByRole("radio", { name: "Clicks" }).check();
    assert((await demoPage.locator("[data-trend-chart] svg").getAttribute("aria-label")).startsWith("Clicks per day"), "the trend switches to clicks");
    const perDay = (where, columns) => demoPage.locator(`${where} details.chart-table tbody tr`).evaluateAll((rows, cols) =>
      rows.map((r) => [r.querySelector("time").getAttribute("datetime"), ...cols.map((i) => r.children[i].textContent)].join(" ")), columns);
    const trendClicks = await perDay("[data-trend-chart]", [1]);
    const trendEarned = await perDay("[data-trend-chart]", [4]);
    assert(trendClicks.length === 30, `a row per day of the last 30 days: ${trendClicks.length}`);
    await demoPage.goto(`${demo}/portal/reports/clicks/`);
    await demoPage.locator('[data-report][data-loaded="true"]').waitFor();
    const reportClicks = await perDay("[data-chart]", [1]);
    assert(JSON.stringify(trendClicks) === JSON.stringify(reportClicks), `trend clicks = Clicks report: ${trendClicks} vs ${reportClicks}`);
    await demoPage.goto(`${demo}/portal/reports/commissions/`);
    await demoPage.locator('[data-report][data-loaded="true"]').waitFor();
    const reportEarned = await perDay("[data-chart]", [1]);
    assert(JSON.stringify(trendEarned) === JSON.stringify(reportEarned), `trend earnings = Commissions report: ${trendEarned} vs ${reportEarned}`);
    assert(trendClicks.some((r) => !r.endsWith(" 0")), "the demo has clicks in the trend");
    await demoPage.goto(`${demo}/portal/`);
    await demoPage.locator('[data-dashboard][data-loaded="true"]').waitFor();
    await demoPage.locator('[data-trend][data-loaded="true"]').waitFor();
    await audit(demoPage, "demo dashboard");
    await shoot(demoPage, "demo-dashboard");
    for (const [id, name] of [["ledger", "demo-my-ledger"], ["commissions", "demo-commissions"]]) {
      await demoPage.goto(`${demo}/portal/reports/${id}/`);
      await demoPage.locator('[data-report][data-loaded="true"]').waitFor();
      const cards = await demoPage.locator(".stat").allInnerTexts();
      const value = (label) => {
        const card = cards.find((c) => c.startsWith(label));
        return card ? Number(card.split("\n")[1].replace(/[^0-9.-]/g, "")) : null;
      };
      for (const label of ["Balance", "Payable now", "Pending", "Paid to date"]) {
        assert(value(label) !== null && value(label) >= 0, `${id}: ${label} is ${value(label)}`);
      }
      assert(value("Payable now") > 0 && value("Pending") > 0, `${id}: the demo has history: ${cards.join(" | ")}`);
      // The demo's sale through a block-listed site is under review (risk.yaml).
      assert(value("Under review") > 0, `${id}: a commission is under review: ${cards.join(" | ")}`);
      assert(Math.abs(value("Balance") - value("Payable now") - value("Pending") - value("Under review")) < 0.005, `${id}: balance = payable + pending + under review: ${cards.join(" | ")}`);
      await audit(demoPage, `demo ${id}`);
      await shoot(demoPage, name);
    }
    // A commission explains itself: the order, the rule, where the rule is written.
    // In words first; the file and build only behind "Technical details".
    await demoPage.getByRole("button", { name: "Explain" }).first().click();
    const box = demoPage.locator("[data-explain]");
    await box.locator("dt", { hasText: "Rule" }).waitFor();
    const words = await box.innerText();
    assert(/order DEMO-/.test(words) && !/\.yaml|build/.test(words) && !/\d{4}-\d\d-\d\d/.test(words), `the explanation in words: ${words}`);
    await box.getByText("Technical details").click();
    const text = await box.innerText();
    assert(/programs\/coffee-club\.yaml:\d+/.test(text), `the technical details: ${text}`);
    await audit(demoPage, "an explained line");
    await shoot(demoPage, "demo-explain");
    assert(cspViolations.length === 0, `CSP violations or script errors: ${cspViolations.join("; ")}`);
  });
}

// The owner's console on the demo (with its history): the admin sets a password through the
// invite link `serve` printed, reads every console page, sorts and searches the partners,
// opens one partner and views the portal as them. Each page passes axe at 1280 and 390 px.
if (process.env.DEMO_BASE_URL && process.env.OWNER_LINK) {
  await step("the owner's console: overview, partners, one partner, view as partner, applications, payouts, activity, two-step sign-in from her account page", async () => {
    const demo = process.env.DEMO_BASE_URL;
    const owner = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const p = await owner.newPage();
    const errors = [];
    p.on("console", (m) => { if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text()); });
    p.on("pageerror", (e) => errors.push(`script error: ${e.message}`));
    const both = async (label, name) => {
      // Every console page speaks of buttons, never of a terminal step.
      const words = await p.locator("main").innerText();
      assert(!/git (add|commit|push)|partner-center |terminal/.test(words), `${label}: a terminal step in the console's words: ${words.slice(0, 300)}`);
      await audit(p, `${label} at 1280 px`);
      await p.setViewportSize({ width: 390, height: 844 });
      await audit(p, `${label} at 390 px`);
      await p.setViewportSize({ width: 1280, height: 900 });
      await shoot(p, name);
    };
    await p.goto(`${demo}/owner/login/`);
    await both("owner sign-in", "owner-login");
    await p.goto(process.env.OWNER_LINK);
    await p.getByLabel("New password", { exact: true }).fill("console-browser-2026");
    await p.getByLabel("Repeat the new password").fill("console-browser-2026");
    await p.getByRole("button", { name: "Set password and open the console" }).click();
    await p.waitForURL(`${demo}/owner/`);
    await p.locator("[data-totals] .stat").first().waitFor();
    const stats = await p.locator("[data-totals] .stat").allInnerTexts();
    const clicks = Number((stats.find((t) => t.startsWith("Clicks")) || "").split("\n")[1].replace(/[^0-9]/g, ""));
    assert(clicks > 0, `the overview counts the demo's clicks: ${stats.join(" | ")}`);
    assert(await p.locator("[data-by-program] tbody tr").count() >= 2, "the overview has a row per program");
    await both("owner overview", "owner-overview");

    await p.goto(`${demo}/owner/partners/`);
    await p.locator("[data-partners] tbody tr").first().waitFor();
    assert(await p.locator("[data-partners] tbody tr").count() === 7, "one row per demo partner");
    await p.locator("[data-partners] button[data-sort=clicks]").click();
    await p.locator('[data-partners] th[aria-sort="descending"] button[data-sort=clicks]').waitFor();
    const column = await p.locator("[data-partners] tbody tr td:nth-child(4)").allInnerTexts();
    const numbers = column.map((t) => Number(t.replace(/[^0-9]/g, "")));
    assert(numbers.every((n, i) => i === 0 || numbers[i - 1] >= n), `sorted by clicks: ${numbers}`);
    await p.getByLabel("Find a partner").fill("xyz");
    await p.getByRole("button", { name: "Find" }).click();
    await p.waitForFunction(() => document.querySelectorAll("[data-partners] tbody tr").length === 1);
    await both("owner partners", "owner-partners");

    await p.locator("[data-partners] tbody a", { hasText: "xyz789" }).click();
    await p.waitForURL(`${demo}/owner/partners/xyz789/`);
    await p.locator("[data-ledger] tbody tr").first().waitFor();
    await p.locator("[data-links] tbody tr").first().waitFor();
    const ownerDates = await p.locator("[data-ledger] tbody time").evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime")));
    assert(ownerDates.length > 1 && ownerDates.every((d, i) => i === 0 || ownerDates[i - 1] >= d), `the owner's copy of the ledger is newest first: ${ownerDates.join(", ")}`);
    // An adjustment with the reason the partner reads, committed to the demo's repository.
    const adjust = p.locator("[data-adjust]");
    await adjust.getByLabel("Amount (negative to deduct)").fill("15.00");
    await adjust.getByLabel("Reason (the partner reads it)").fill("Thank you for the espresso launch video");
    await adjust.getByLabel("Your password (an adjustment moves money)").fill("console-browser-2026");
    await adjust.getByRole("button", { name: "Add adjustment" }).click();
    await adjust.locator("[data-adjusted]").waitFor();
    const adjusted = execFileSync("git", ["-C", process.env.DEMO_CONTENT, "log", "-1", "--format=%an|%s"]).toString().trim();
    assert(adjusted === "Olivia Brightloom|Credit xyz789 $15.00 (by Olivia Brightloom via the console)", `the adjustment's commit: ${adjusted}`);
    await both("owner partner page", "owner-partner");

    await p.getByRole("link", { name: "View as this partner" }).click();
    await p.waitForURL(`${demo}/owner/as/xyz789/`);
    await p.locator("[data-view-as-banner]").waitFor();
    assert(await p.locator("form:not([inert])").count() === 0, "every form is inert when viewing as a partner");
    await p.getByRole("link", { name: "Commissions", exact: true }).click();
    await p.locator('[data-report][data-loaded="true"]').waitFor();
    assert(p.url().startsWith(`${demo}/owner/as/xyz789/`), `links stay in view-as: ${p.url()}`);
    await both("view as partner", "owner-view-as");

    // An application arrives; Olivia approves it with one click: committed to the demo's own
    // repository, live after serve's rebuild.
    const applicant = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const join = await applicant.newPage();
    await join.goto(`${demo}/join/`);
    const served = Date.now();
    await join.getByLabel("Your name").fill("Nora Baker");
    await join.getByLabel("E-mail").fill("nora@norabakes.example");
    await join.getByLabel("Website").fill("https://norabakes.example/");
    await join.getByLabel("How will you promote us?").fill("A baking blog with a weekly coffee column");
    await join.getByLabel("Partner code you would like (optional)").fill("norabakes");
    await join.getByLabel("Choose a password").fill("nora-bakes-password-1");
    await join.getByLabel("Repeat the password").fill("nora-bakes-password-1");
    await join.getByLabel("I accept the partner terms").check();
    await join.waitForTimeout(Math.max(0, 3300 - (Date.now() - served)));
    await join.getByRole("button", { name: "Apply" }).click();
    await join.getByText("Your partner code will be norabakes").waitFor();
    await applicant.close();
    await p.goto(`${demo}/owner/applications/`);
    const card = p.locator('[data-application="norabakes"]');
    await card.waitFor();
    await both("owner applications", "owner-applications");
    await card.getByRole("button", { name: "Approve" }).click();
    const committed = card.locator("[data-committed]");
    await committed.waitFor();
    assert(/committed to your repository/.test(await committed.innerText()), `the approval says it is committed: ${await committed.innerText()}`);
    const commitLine = execFileSync("git", ["-C", process.env.DEMO_CONTENT, "log", "-1", "--format=%an|%s"]).toString().trim();
    assert(commitLine === "Olivia Brightloom|Approve partner norabakes (by Olivia Brightloom via the console)", `the commit: ${commitLine}`);
    // Live once serve's rebuild has deployed the committed file: wait on that, as the API says it.
    const live = () => p.evaluate(async () => {
      const r = await fetch("/api/v1/owner/applications", { credentials: "same-origin" });
      return r.ok && (await r.json()).approved.some((a) => a.code === "norabakes" && a.live === 1);
    });
    for (const deadline = Date.now() + 60000; !(await live());) {
      assert(Date.now() < deadline, "not live a minute after the commit: serve did not rebuild");
      await new Promise((done) => setTimeout(done, 250));
    }
    await p.goto(`${demo}/owner/applications/`);
    await p.locator("[data-approved] tbody tr").first().waitFor();
    assert(/norabakes[\s\S]*Live/.test(await p.locator("[data-approved] tbody").innerText()), "live after serve's rebuild");
    await both("owner applications after approving", "owner-approved");

    // Payouts: the run ticks who can be paid without a second look; Mark as paid commits it.
    await p.goto(`${demo}/owner/payouts/`);
    const run = p.locator("[data-run]");
    await run.locator("[data-candidates] tbody tr").first().waitFor();
    const ticked = await run.locator("input[name=partner]:checked").count();
    assert(ticked > 0, "someone is ticked to be paid");
    const paypal = await run.locator('[data-file="paypal"]').getAttribute("href");
    assert(/run=[0-9a-f]{12}&partners=/.test(paypal), `the PayPal file is the run's: ${paypal}`);
    await both("owner payouts", "owner-payouts");
    await run.getByLabel("Your password (recording payouts moves money)").fill("console-browser-2026");
    await run.getByRole("button", { name: "Mark as paid" }).click();
    const marked = run.locator("[data-marked]");
    await marked.waitFor();
    assert(/recorded in your repository/.test(await marked.innerText()), `marked: ${await marked.innerText()}`);
    const paidCommit = execFileSync("git", ["-C", process.env.DEMO_CONTENT, "log", "-1", "--format=%an|%s"]).toString().trim();
    assert(new RegExp(`^Olivia Brightloom\\|Record payouts to ${ticked} partners?, `).test(paidCommit), `the payouts commit: ${paidCommit}`);
    await both("owner payouts after marking", "owner-paid");

    // Risk: the demo's sale through a block-listed site is held; releasing it takes the password.
    await p.goto(`${demo}/owner/risk/`);
    const flagged = p.locator("[data-flagged] tbody tr");
    await flagged.first().waitFor();
    const why = await flagged.first().innerText();
    assert(/block list/.test(why) && /hold/.test(why), `the held sale and why: ${why}`);
    await both("owner risk", "owner-risk");
    await flagged.first().getByRole("button", { name: "Decide on demo-review" }).click();
    const decide = p.locator("[data-decide]");
    await decide.getByLabel("Why (the partner reads it when you reverse)").fill("Checked the order with the customer");
    await decide.getByLabel("Your password (a decision moves money)").fill("console-browser-2026");
    await both("owner risk deciding", "owner-risk-decide");
    await decide.getByRole("button", { name: "Release", exact: true }).click();
    const decided = decide.locator("[data-decided]");
    await decided.waitFor();
    assert(/released, payable from/.test(await decided.innerText()), `released: ${await decided.innerText()}`);
    // The list is read again: the row says it is decided.
    await flagged.first().getByText("Decided", { exact: true }).waitFor();
    // The demo's partner flagged for one visitor's burst of clicks: cleared with a note and
    // the password, the partner leaves the list.
    const partners = p.locator("[data-flagged-partners] tbody tr");
    await partners.first().waitFor();
    const burst = await partners.first().innerText();
    assert(/Many clicks from one visitor/.test(burst) && /watch/.test(burst), `the flagged partner and why: ${burst}`);
    const flaggedCode = (await partners.first().locator("th").innerText()).trim();
    await partners.first().getByRole("button", { name: `Clear ${flaggedCode}` }).click();
    const clear = p.locator("[data-clear]");
    await clear.getByLabel("What you found (kept in the activity log)").fill("A visitor reloading the page; nothing to do");
    await clear.getByLabel("Your password (a flag holds the partner's commissions)").fill("console-browser-2026");
    await both("owner risk clearing", "owner-risk-clear");
    await clear.getByRole("button", { name: "Clear", exact: true }).click();
    await clear.locator("[data-cleared]").waitFor();
    await p.locator("[data-partners-empty]").waitFor({ state: "visible" });

    // Setup: a partner link lands on the store, whose /pc.js reports the page with its click
    // id, and the store sends a purchase in test mode; the page shows both as they arrive.
    const landed = await fetch(`${demo}/r/abc123/home`, { redirect: "manual", headers: { "user-agent": BROWSER_UA } });
    const landedClick = new URL(landed.headers.get("location")).searchParams.get("bl_click");
    const hit = await fetch(`${demo}/api/v1/script-hit`, { method: "POST", body: JSON.stringify({ click: landedClick }),
      headers: { "content-type": "text/plain", origin: "https://brightloom.example" } });
    assert(hit.status === 204, `the script's report: ${hit.status}`);
    let tested;
    for (let attempt = 0; attempt < 200; attempt++) {
      tested = await sendEvent(demo, process.env.DEMO_EVENTS_SECRET, { id: `setup-test-${Date.now()}`, type: "sale",
        occurred_at: new Date().toISOString(), click_id: landedClick, order_id: `setup-order-${attempt}`, amount: "29.00", currency: "USD", test: true });
      if (tested.status !== 422) break;
      await new Promise((done) => setTimeout(done, 25));
    }
    assert(tested.status === 201, `the test purchase: ${tested.status} ${await tested.text()}`);
    await p.goto(`${demo}/owner/setup/`);
    const hits = p.locator("[data-script-hits] tbody tr");
    await hits.first().waitFor();
    const hitRow = await hits.first().innerText();
    assert(/brightloom\.example/.test(hitRow) && /a click of abc123/.test(hitRow), `the script's report: ${hitRow}`);
    const hooks = await p.locator("[data-integrations] tbody").innerText();
    assert(/Events API[\s\S]*sale \(test\)[\s\S]*Recorded: abc123 by click/.test(hooks), `the events API's last delivery: ${hooks}`);
    const tests = await p.locator("[data-test-events] tbody").innerText();
    assert(/abc123 \(click\)/.test(tests) && /\$29\.00/.test(tests), `the test conversion: ${tests}`);
    assert((await p.locator("[data-script-tag]").innerText()).includes("/pc.js"), "the script tag to paste");
    await both("owner setup", "owner-setup");

    for (const [place, name] of [["activity", "owner-activity"]]) {
      await p.goto(`${demo}/owner/${place}/`);
      await p.waitForLoadState("networkidle");
      await both(`owner ${place}`, name);
    }
    const log = await p.locator("[data-activity-log] tbody").innerText();
    assert(/viewed as partner/.test(log) && /xyz789/.test(log), `the activity log shows the view: ${log.slice(0, 300)}`);
    assert(await p.locator("[data-payable] tbody tr").count() >= 0, "payouts table");

    // Her account page: two-step sign-in, as a partner turns it on; then signing in asks for
    // the code at the owners' own code step.
    await p.getByRole("link", { name: "Your account" }).click();
    await p.waitForURL(`${demo}/owner/account/`);
    const box = p.locator("[data-two-factor]");
    await box.locator("[data-tf-start]").getByLabel("Your current password").fill("console-browser-2026");
    await box.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await box.locator("img.tf-qr").waitFor();
    const key = await box.locator("[data-tf-secret]").textContent();
    await box.getByLabel("2. The 6-digit code your app shows").fill(totp(key, -1));
    await box.getByRole("button", { name: "Confirm and turn on" }).click();
    await box.locator("[data-tf-code-list] li").nth(9).waitFor();
    await box.getByText("Recovery codes left: 10").waitFor();
    await both("owner account", "owner-account");
    await Promise.all([p.waitForURL(/\/owner\/login\/\?status=signedout/), p.getByRole("button", { name: "Sign out" }).click()]);
    await p.getByLabel("E-mail").fill("olivia@brightloom.example");
    await p.getByLabel("Password").fill("console-browser-2026");
    await Promise.all([p.waitForURL(`${demo}/owner/login/code/`), p.getByRole("button", { name: "Sign in" }).click()]);
    await both("owner code step", "owner-login-code");
    await p.getByLabel("Code", { exact: true }).fill(totp(key, 0));
    await Promise.all([p.waitForURL(`${demo}/owner/`), p.getByRole("button", { name: "Continue" }).click()]);
    assert(errors.length === 0, `CSP violations or script errors: ${errors.join("; ")}`);
    await owner.close();
  });
}

// The store's side: a partner link lands on the owner's site (served here in place of
// brightloom.example), whose pages include the portal's /pc.js (the real script, fetched from
// the portal under test). The click must be kept in a cookie of the store's own domain and
// handed to a Stripe Payment Link, a marked form and a Shopify cart form.
await step("a store page with /pc.js keeps the click and hands it to Stripe and forms", async () => {
  const store = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_UA });
  const landing = `<!doctype html><html lang="en"><head><title>Brightloom Coffee</title>
    <script src="https://partners.brightloom.example/pc.js" defer></script></head><body>
    <a id="buy" href="https://buy.stripe.com/test_8wM5kD3nB?prefilled_email=pat%40example.com">Subscribe</a>
    <form id="signup" data-partner-center action="/subscribe" method="post"><input name="email"></form>
    <form id="cart" action="/cart/add" method="post"><input name="id" value="41"></form>
    <form id="search" action="/search"><input name="q"></form></body></html>`;
  await store.route("https://brightloom.example/**", (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: landing }));
  let scriptHeaders = {};
  // The script's install report (a beacon to the portal it came from), answered here.
  const reports = [];
  await store.route("https://partners.brightloom.example/api/v1/script-hit", (route) => {
    reports.push({ body: route.request().postData() || "", origin: route.request().headers().origin });
    return route.fulfill({ status: 204 });
  });
  await store.route("https://partners.brightloom.example/pc.js", async (route) => {
    const response = await route.fetch({ url: `${base}/pc.js` });
    scriptHeaders = response.headers();
    await route.fulfill({ response });
  });
  const p = await store.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(e.message));
  // Playwright's routing does not see a navigation's redirect target, so the redirect is
  // followed by hand, exactly as the browser would.
  const redirect = await fetch(`${base}/r/abc123/home`, { redirect: "manual", headers: { "user-agent": BROWSER_UA } });
  assert(redirect.status === 302, `the partner link redirects: ${redirect.status}`);
  await p.goto(redirect.headers.get("location"));
  assert(p.url().startsWith("https://brightloom.example/"), `the link lands on the store: ${p.url()}`);
  const click = new URL(p.url()).searchParams.get("bl_click");
  assert(/^[0-9a-f]{24}$/.test(click || ""), `the landing URL carries a click id: ${p.url()}`);
  await p.waitForFunction(() => window.PartnerCenter && document.querySelector("#buy").href.includes("client_reference_id"));

  const cookies = await store.cookies("https://brightloom.example/");
  const kept = cookies.find((c) => c.name === "pc_ref");
  assert(kept && decodeURIComponent(kept.value) === `${click}.abc123`, `the store's cookie holds the click: ${JSON.stringify(cookies)}`);
  const days = (kept.expires - Date.now() / 1000) / 86400;
  // The longest window of the programs (wholesale: 90 days); each sale is checked against its own.
  assert(days > 89.9 && days <= 90, `kept for the 90-day cookie window: ${days.toFixed(2)} days`);
  assert(kept.secure && kept.sameSite === "Lax", `a Secure, SameSite=Lax cookie: ${JSON.stringify(kept)}`);
  assert((await store.cookies("https://partners.brightloom.example/")).length === 0, "the portal set no cookie on the store's visitors");
  assert(!("set-cookie" in scriptHeaders) && scriptHeaders["cross-origin-resource-policy"] === "cross-origin",
    `/pc.js sets no cookie and may be loaded cross-origin: ${JSON.stringify(scriptHeaders)}`);

  const buy = new URL(await p.locator("#buy").getAttribute("href"));
  assert(buy.searchParams.get("client_reference_id") === `pc_${click}`, `the Payment Link gains client_reference_id: ${buy}`);
  assert(buy.searchParams.get("prefilled_email") === "pat@example.com", "the link's own parameters stay");
  const hidden = (form, name) => p.locator(`${form} input[type=hidden][name="${name}"]`).inputValue();
  assert(await hidden("#signup", "bl_click") === click && await hidden("#signup", "bl_ref") === "abc123", "the marked form gains the hidden inputs");
  assert(await hidden("#cart", "attributes[bl_click]") === click, "the cart form gains the click as a cart attribute");
  assert(await p.locator("#search input[type=hidden]").count() === 0, "other forms are left alone");
  assert(await p.evaluate(() => window.PartnerCenter.clickId()) === click, "PartnerCenter.clickId() for custom checkouts");

  // A later page of the store, without the parameters, still knows the click.
  await p.goto("https://brightloom.example/pricing");
  await p.waitForFunction(() => window.PartnerCenter);
  assert(await p.evaluate(() => window.PartnerCenter.clickId()) === click, "the click is remembered on later pages");
  // The install report: the landing sent its click id, from the store's origin; the later page
  // of the same session sent nothing more.
  await p.goto("https://brightloom.example/about");
  await p.waitForFunction(() => window.PartnerCenter);
  assert(reports.length === 1 && JSON.parse(reports[0].body).click === click && reports[0].origin === "https://brightloom.example",
    `one report, with the click id, from the store: ${JSON.stringify(reports)}`);
  assert(errors.length === 0, `script errors: ${errors.join("; ")}`);
  await store.close();
});

await browser.close();
console.log(`${results.length} browser steps, ${failures} failed; screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
