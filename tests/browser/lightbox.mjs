// The screenshot lightbox. Usage: node lightbox.mjs BASE_URL GUIDE_PATH
import { launch, openPage, axeViolations, check } from "./lib.mjs";

const [base, path] = process.argv.slice(2);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await openPage(context);
  await page.goto(base + path, { waitUntil: "load" });
  const link = page.locator("figure > a").first();
  const href = await link.getAttribute("href");
  const alt = await link.locator("img").getAttribute("alt");

  // Click: the full-size image opens over the page, focus moves into the dialog.
  await link.click();
  const dialog = page.locator("dialog.lightbox");
  await dialog.waitFor({ state: "visible" });
  check(await dialog.evaluate((d) => d.open), "clicking a screenshot opens the lightbox");
  const big = dialog.locator("img");
  check((await big.getAttribute("src")).endsWith(href), "the lightbox shows the linked full-size file");
  check(await big.evaluate((img) => img.complete && img.naturalWidth > 0), "the full-size image loaded");
  check((await big.getAttribute("alt")) === alt, "the full-size image keeps the alt text");
  check(await page.evaluate(() => document.activeElement.closest("dialog.lightbox") !== null),
        "focus moved into the lightbox");
  check(page.url() === base + path, "the page did not navigate away");
  const violations = await axeViolations(page);
  check(violations.length === 0, `axe finds no violations with the lightbox open ${violations.join("; ")}`);

  // Escape closes it and gives focus back to the link.
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  check(await page.evaluate((h) => document.activeElement.matches("figure > a") &&
        document.activeElement.getAttribute("href") === h, href), "Escape closes it and focus returns to the link");

  // Keyboard only: Enter on the focused link opens it, the close button closes it.
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "visible" });
  check(true, "Enter on the focused link opens the lightbox");
  await page.keyboard.press("Enter"); // focus is on the close button
  await dialog.waitFor({ state: "hidden" });
  check(true, "the focused close button closes it");

  // A click outside the picture closes it.
  await link.click();
  await dialog.waitFor({ state: "visible" });
  await page.mouse.click(5, 450);
  await dialog.waitFor({ state: "hidden" });
  check(true, "a click outside the picture closes it");
  check(page.problems.length === 0, `no console errors ${page.problems.join("; ")}`);

  // Without JavaScript the link opens the image itself.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto(base + path, { waitUntil: "load" });
  await plain.locator("figure > a").first().click();
  await plain.waitForURL((u) => u.href.endsWith(href));
  check(true, "without JavaScript the link opens the image file");
} finally {
  await browser.close();
}
