// The portal self-hosted behind a real TLS reverse proxy (Debian's caddy, `tls internal`), as
// the README's "Self-hosting" sets it up: `serve` in production mode with an https PORTAL_URL
// and TRUST_PROXY=1. A partner sets a password through an invite link, signs in, changes their
// profile and signs out, every form through the proxy (the origin check sees https).
//
// env: BASE_URL (https, the proxy), INVITE (the invite link's path and query), ARTIFACTS
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS || "tests/artifacts";
fs.mkdirSync(artifacts, { recursive: true });
const password = "tls-proxy-password-2026";
let failures = 0;
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`  ok    ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures += 1;
    console.log(`  FAIL  ${name}: ${e.message.split("\n").slice(0, 6).join("\n        ")}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
// The proxy's certificate is caddy's own internal CA: trusted for this test only.
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true });
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

await step("through the TLS proxy: an invite link sets the password and signs in", async () => {
  await page.goto(`${base}${process.env.INVITE}`);
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Repeat the new password").fill(password);
  await Promise.all([page.waitForURL(`${base}/portal/`), page.getByRole("button", { name: /password/i }).click()]);
  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === "__Host-pc_session");
  assert(session && session.secure && session.httpOnly, `a __Host- session cookie: ${JSON.stringify(cookies.map((c) => c.name))}`);
});

await step("through the TLS proxy: sign out, then sign in with the form", async () => {
  await Promise.all([page.waitForURL(/\/login\/\?status=signedout/), page.getByRole("button", { name: "Sign out" }).click()]);
  await page.getByLabel("Partner code").fill("abc123");
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForURL(`${base}/portal/`), page.getByRole("button", { name: "Sign in" }).click()]);
});

await step("through the TLS proxy: the profile form saves", async () => {
  await page.goto(`${base}/portal/profile/`);
  const form = page.locator("[data-profile-form]");
  await form.getByLabel("Company").fill("Rivera Reviews over TLS");
  await Promise.all([page.waitForURL(/status=saved/), form.getByRole("button", { name: "Save changes" }).click()]);
  await page.getByText("Rivera Reviews over TLS").first().waitFor();
  await page.screenshot({ path: path.join(artifacts, "tls-proxy-profile-desktop.png"), fullPage: false });
});

await step("through the TLS proxy: sign out", async () => {
  await Promise.all([page.waitForURL(/\/login\/\?status=signedout/), page.getByRole("button", { name: "Sign out" }).click()]);
  await page.goto(`${base}/portal/`);
  assert(page.url().startsWith(`${base}/login/`), "the portal is closed after signing out");
  assert(errors.length === 0, `script errors: ${errors.join("; ")}`);
});

await browser.close();
process.exit(failures ? 1 : 0);
