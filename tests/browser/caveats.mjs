// Caveats in the browser. Usage: node caveats.mjs BASE_URL
// Fixture: tests/fixtures/caveats/basic (two consoles, `ent` default).
import { launch, openPage, axeViolations, check } from "./lib.mjs";

const base = process.argv[2];
const guide = base + "guides/por/";
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await openPage(context);
  await page.goto(guide, { waitUntil: "load" });

  // A link in the summary scrolls its caveat into view.
  const inView = (id) => page.evaluate((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  }, id);
  await page.evaluate(() => window.scrollTo(0, 0));
  check(!(await inView("caveat-4")), "the danger caveat starts out of view");
  await page.click('nav#known-caveats a[href="#caveat-4"]');
  await page.waitForFunction(() => {
    const r = document.getElementById("caveat-4").getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  });
  check(await inView("caveat-4"), "a link in nav#known-caveats scrolls to its caveat");
  check(page.url().endsWith("#caveat-4"), "and puts its id in the address");

  // Variant-limited caveats follow the reader's console.
  const shown = (id) => page.evaluate((id) => document.getElementById(id).offsetParent !== null, id);
  const listed = (href) => page.evaluate((h) => document.querySelector(`nav#known-caveats a[href="${h}"]`).offsetParent !== null, href);
  check(await shown("caveat-2") && !(await shown("caveat-5")), "with the default console the enterprise caveat shows and the small-business one does not");
  check(await listed("#caveat-2") && !(await listed("#caveat-5")), "the summary follows the console too");
  await page.selectOption("select[name=variant]", "sb");
  check(!(await shown("caveat-2")) && await shown("caveat-5"), "switching the console switches the caveats");
  check(!(await listed("#caveat-2")) && await listed("#caveat-5"), "and their summary entries");
  check(await shown("caveat-1") && await shown("caveat-4"), "caveats for all consoles always show");

  // Caveats not verified for over a year are marked when read.
  const stale = await page.$$eval(".caveat .caveat-stale", (s) => s.map((e) => e.closest(".caveat").id));
  const cutoff = new Date();
  cutoff.setFullYear(cutoff.getFullYear() - 1);
  const expected = await page.$$eval(".caveat[data-verified]", (cs, c) =>
    cs.filter((x) => x.dataset.verified < c).map((x) => x.id), cutoff.toISOString().slice(0, 10));
  check(stale.includes("caveat-3") && JSON.stringify(stale) === JSON.stringify(expected),
        `caveats verified over a year ago are marked (${stale.join(", ")}), the others are not`);

  const violations = await axeViolations(page);
  check(violations.length === 0, `axe finds no violations on a page with caveats ${violations.join("; ")}`);
  const listPage = await openPage(context);
  await listPage.goto(base + "caveats/", { waitUntil: "load" });
  const listViolations = await axeViolations(listPage);
  check(listViolations.length === 0, `axe finds no violations on the caveats page ${listViolations.join("; ")}`);
  check(page.problems.length + listPage.problems.length === 0, `no console errors ${page.problems.concat(listPage.problems).join("; ")}`);

  // Without JavaScript every caveat shows, labelled with its consoles.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto(guide, { waitUntil: "load" });
  check(await plain.$$eval("aside.caveat", (cs) => cs.every((c) => c.offsetParent !== null)), "without JavaScript every caveat shows");
  const labels = await plain.$$eval(".caveat-applies", (ls) => ls.filter((l) => l.offsetParent !== null).map((l) => l.textContent));
  check(labels.length === 2 && labels[0] === "Applies to: Enterprise console", "labelled with their consoles");
} finally {
  await browser.close();
}
