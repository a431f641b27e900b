// The version switcher and the old-version banner. Usage: node versions.mjs BASE_URL
// Fixture: tests/fixtures/versions/basic built with base URL BASE_URL (prefix /).
import { launch, openPage, axeViolations, check } from "./lib.mjs";

const base = process.argv[2];
const browser = await launch();
try {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.goto(base + "guides/renamed/", { waitUntil: "load" });

  // The switcher leads to the same guide in the old version (found by its alias).
  await page.click("nav.version-switcher summary");
  await page.click('nav.version-switcher a[data-version="2013"]');
  await page.waitForURL(base + "2013/guides/old-name/");
  check(true, "the switcher leads to the same guide in 2013 (by alias)");
  check(await page.isVisible("[data-old-version]"), "the old version shows its banner");
  const violations = await axeViolations(page);
  check(violations.length === 0, `axe finds no violations on an old-version page ${violations.join("; ")}`);

  // The banner leads back to the current version's guide.
  await page.click("[data-old-version] a");
  await page.waitForURL(base + "guides/renamed/");
  check(!(await page.isVisible("[data-old-version]")), "the banner link leads back to the current guide, which has no banner");

  // Same path in both versions, and a guide missing in the other version.
  await page.goto(base + "guides/same/", { waitUntil: "load" });
  await page.click("nav.version-switcher summary");
  await page.click('nav.version-switcher a[data-version="2013"]');
  await page.waitForURL(base + "2013/guides/same/");
  check(true, "a guide at the same path switches to its twin");
  await page.goto(base + "guides/only-now/", { waitUntil: "load" });
  await page.click("nav.version-switcher summary");
  await page.click('nav.version-switcher a[data-version="2013"]');
  await page.waitForURL(base + "2013/");
  check(true, "a guide missing in 2013 switches to the 2013 home");
  check(page.problems.length === 0, `no console errors ${page.problems.join("; ")}`);
} finally {
  await browser.close();
}
