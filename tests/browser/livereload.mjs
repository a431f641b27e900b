// Live reload under `guidepost serve`. Usage: node livereload.mjs BASE_URL SITE_ROOT
// Edits the site's files while a page is open, as an author's editor would.
import { launch, openPage, axeViolations, check } from "./lib.mjs";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [base, root] = process.argv.slice(2);
const guideFile = join(root, "content/customers/ask-customer-to-name-you.md");
const cssFile = join(root, "static/style.css");
const url = base + "customers/ask-customer-to-name-you/";
const original = readFileSync(guideFile, "utf8");

const browser = await launch();
try {
  // A short window, so that the page scrolls.
  const context = await browser.newContext({ viewport: { width: 900, height: 400 } });
  const page = await openPage(context);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("html[data-guidepost-live=connected]");
  check(await page.locator('script[src="/__guidepost/live.js"]').count() === 1,
        "the served page has the live-reload script");

  // 1. A save reloads the open page and keeps its scroll position.
  await page.evaluate(() => { window.scrollTo(0, 250); window.notReloaded = true; });
  const scrolled = await page.evaluate(() => window.scrollY);
  check(scrolled > 100, `the page scrolled (${scrolled}px)`);
  writeFileSync(guideFile, original + "\nThis sentence arrived by live reload.\n");
  await page.waitForFunction(() => document.body.innerText.includes("This sentence arrived by live reload."),
                             null, { timeout: 15000 });
  check(await page.evaluate(() => window.notReloaded === undefined), "the page reloaded after the save");
  await page.waitForSelector("html[data-guidepost-live=connected]");
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 2, scrolled, { timeout: 5000 });
  check(true, "the reloaded page is at the same scroll position");

  // 2. A stylesheet change is swapped in without a reload.
  await page.evaluate(() => { window.notReloaded = true; });
  writeFileSync(cssFile, readFileSync(cssFile, "utf8") + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)",
                             null, { timeout: 15000 });
  check(await page.evaluate(() => window.notReloaded === true), "the new stylesheet applies without a reload");
  check(await page.locator('link[rel="stylesheet"]').count() >= 1 &&
        await page.evaluate(() => new Set([...document.querySelectorAll('link[rel="stylesheet"]')]
          .map((l) => l.getAttribute("href"))).size === document.querySelectorAll('link[rel="stylesheet"]').length),
        "the old stylesheet link was replaced, not duplicated");

  // 3. A save that breaks the build: an overlay with the error over the last good page.
  writeFileSync(guideFile, original + "\nThis sentence arrived by live reload.\n\n::: nonsense\n");
  const overlay = page.locator("[data-guidepost-overlay]");
  await overlay.waitFor({ state: "visible", timeout: 15000 });
  const overlayText = await overlay.innerText();
  check(overlayText.includes("content/customers/ask-customer-to-name-you.md:") &&
        overlayText.includes("nonsense"), "the overlay names the file, line and problem");
  check(await page.evaluate(() => document.body.innerText.includes("This sentence arrived by live reload.")),
        "the last good page is still shown under the overlay");
  // A page opened while the build is broken gets the overlay at once.
  const second = await openPage(context);
  await second.goto(base, { waitUntil: "load" });
  await second.waitForSelector("html[data-guidepost-live=connected]");
  await second.locator("[data-guidepost-overlay]").waitFor({ state: "visible", timeout: 15000 });
  check(true, "a page opened while the build is broken shows the overlay");

  // 4. The fix clears the overlay and shows the fixed page.
  writeFileSync(guideFile, original + "\nFixed by the browser test.\n");
  await page.waitForFunction(() => document.body.innerText.includes("Fixed by the browser test."),
                             null, { timeout: 15000 });
  await page.waitForSelector("html[data-guidepost-live=connected]");
  await overlay.waitFor({ state: "detached", timeout: 15000 });
  await second.locator("[data-guidepost-overlay]").waitFor({ state: "detached", timeout: 15000 });
  check(true, "the fix clears the overlay on every open page");
  const violations = await axeViolations(page);
  check(violations.length === 0, `axe finds no violations on the served page ${violations.join("; ")}`);
  const problems = page.problems.filter((p) => !p.includes("__guidepost/events"));
  check(problems.length === 0, `no console errors or failed requests ${problems.join("; ")}`);
} finally {
  writeFileSync(guideFile, original);
  await browser.close();
}
