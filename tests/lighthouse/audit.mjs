// Lighthouse (the npm package, pinned) against Debian's Chromium: sign-in, the dashboard,
// Commissions, My Ledger and the owner's console overview, on a phone (Lighthouse's mobile
// defaults: a mid-range phone on slow 4G, simulated) and on a desktop. Each must score at least
// 95 for accessibility and best practices and 90 for performance, with a cumulative layout
// shift under 0.1. The reports are written to $ARTIFACTS.
//
// env: BASE_URL (a `partner-center serve` of the demo), PASSWORD (abc123's), OWNER_LINK (the
// admin's set-password link; without it, her password is already set), ARTIFACTS
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS || "tests/artifacts/lighthouse";
fs.mkdirSync(artifacts, { recursive: true });
const port = 9300 + Math.floor(Math.random() * 500);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pc-lighthouse-"));
// One browser profile: Lighthouse opens its own tab in it, with the sessions signed in below.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [`--remote-debugging-port=${port}`, "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});

const page = browser.pages()[0] || await browser.newPage();
// The owner first (her set-password link, or her password once set), then the partner.
const OWNER_PASSWORD = "lighthouse-owner-2026";
if (process.env.OWNER_LINK) {
  await page.goto(process.env.OWNER_LINK);
  await page.getByLabel("New password", { exact: true }).fill(OWNER_PASSWORD);
  await page.getByLabel("Repeat the new password").fill(OWNER_PASSWORD);
  await page.getByRole("button", { name: "Set password and open the console" }).click();
} else {
  await page.goto(`${base}/owner/login/`);
  await page.getByLabel("E-mail").fill("olivia@brightloom.example");
  await page.getByLabel("Password").fill(OWNER_PASSWORD);
  await page.getByRole("button", { name: /Sign in/ }).click();
}
await page.waitForURL(`${base}/owner/`);
await page.goto(`${base}/login/`);
await page.getByLabel("Partner code").fill("abc123");
await page.getByLabel("Password").fill(process.env.PASSWORD);
await Promise.all([page.waitForURL(`${base}/portal/`), page.getByRole("button", { name: "Sign in" }).click()]);

const PAGES = [
  ["sign-in", "/login/"],
  ["dashboard", "/portal/"],
  ["commissions", "/portal/reports/commissions/"],
  ["my-ledger", "/portal/reports/ledger/"],
  ["console-overview", "/owner/"],
];
const BARS = { accessibility: 0.95, "best-practices": 0.95, performance: 0.9 };
const failures = [];
const rows = [];
for (const [name, where] of PAGES) {
  for (const [formFactor, config] of [["mobile", undefined], ["desktop", desktopConfig]]) {
    // Lighthouse sometimes loses the trace of a page load on a busy machine (NO_NAVSTART:
    // "Please run Lighthouse again"); that is its own failure, not the page's, so the page is
    // audited again, at most three times in all. Any other outcome is the page's.
    let result;
    for (let attempt = 1; attempt <= 3; attempt++) {
      result = await lighthouse(`${base}${where}`, {
        port, output: "json", logLevel: "error",
        onlyCategories: Object.keys(BARS),
        // The sessions signed in above stay: the portal's pages are behind sign-in.
        disableStorageReset: true,
      }, config);
      const error = result.lhr.runtimeError;
      if (!error || attempt === 3) break;
      console.error(`${name} (${formFactor}): Lighthouse could not measure the load (${error.code}), auditing again`);
    }
    const lhr = result.lhr;
    fs.writeFileSync(path.join(artifacts, `${name}-${formFactor}.json`), result.report);
    if (lhr.runtimeError) failures.push(`${name} (${formFactor}): ${lhr.runtimeError.message}`);
    if (new URL(lhr.finalDisplayedUrl).pathname !== where) failures.push(`${name} (${formFactor}): ended at ${lhr.finalDisplayedUrl}`);
    const scores = Object.fromEntries(Object.keys(BARS).map((c) => [c, lhr.categories[c].score]));
    // Unmeasured (a runtime error above) reads as "n/a" and fails the bar below.
    const cls = lhr.audits["cumulative-layout-shift"]?.numericValue;
    const shown = (v, digits) => (typeof v === "number" ? v.toFixed(digits) : "n/a");
    rows.push(`${name.padEnd(17)} ${formFactor.padEnd(8)} a11y ${Math.round(scores.accessibility * 100)}  best ${Math.round(scores["best-practices"] * 100)}  perf ${Math.round(scores.performance * 100)}  CLS ${shown(cls, 3)}  LCP ${shown(lhr.audits["largest-contentful-paint"]?.numericValue, 0)} ms`);
    for (const [category, bar] of Object.entries(BARS)) {
      if (scores[category] === null || scores[category] < bar) {
        const why = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 0.9 && lhr.categories[category].auditRefs.some((r) => r.id === a.id && r.weight > 0))
          .map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ""}`);
        failures.push(`${name} (${formFactor}): ${category} ${Math.round((scores[category] || 0) * 100)} < ${bar * 100}: ${why.join(", ")}`);
      }
    }
    if (!(cls < 0.1)) failures.push(`${name} (${formFactor}): cumulative layout shift ${shown(cls, 3)} (must be < 0.1)`);
  }
}
await browser.close();
fs.rmSync(profile, { recursive: true, force: true });
console.log(rows.join("\n"));
if (failures.length) {
  console.error(`\n${failures.length} Lighthouse bar(s) not met:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`\nLighthouse: ${rows.length} audits, every bar met`);
