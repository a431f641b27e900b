// Console variants in the browser. Usage: node variants.mjs BASE_URL
// The fixture site (tests/fixtures/variants/basic) has three consoles; `ent` is default.
import { launch, openPage, axeViolations, check } from "./lib.mjs";

const base = process.argv[2];
const steps = base + "docs/steps/";
const limited = base + "docs/limited/";

/** The data-variant of every visible panel, in page order. */
const visiblePanels = (page) => page.$$eval("[role=tabpanel]", (ps) =>
  ps.filter((p) => p.offsetParent !== null).map((p) => p.getAttribute("data-variant")));
const selectedTabs = (page) => page.$$eval('[role=tab][aria-selected="true"]', (ts) =>
  ts.map((t) => t.getAttribute("data-variant")));

const browser = await launch();
try {
  const context = await browser.newContext();
  const page = await openPage(context);

  // A reader with no preference sees the default console, from the first paint on.
  await page.goto(steps, { waitUntil: "commit" });
  await page.waitForSelector("[data-variant-group]", { state: "attached" });
  check(await page.evaluate(() => document.documentElement.getAttribute("data-variant")) === "ent",
        "the default variant is chosen before the page has finished loading");
  await page.waitForLoadState("load");
  check(JSON.stringify(await visiblePanels(page)) === JSON.stringify(["ent edu", "ent", "sb"]),
        "the default variant's panels are shown (a group without it shows its first panel)");
  check(JSON.stringify(await selectedTabs(page)) === JSON.stringify(["ent", "ent", "sb"]), "tabs show the selection");
  const hiddenToc = await page.$$eval(".toc li", (lis) => lis.filter((l) => l.offsetParent === null).length);
  check(hiddenToc === 2, "table-of-contents entries of other consoles are hidden");

  // Clicking a tab switches every group on the page.
  await page.click('[data-variant-group] [role=tab][data-variant="sb"]');
  check(JSON.stringify(await visiblePanels(page)) === JSON.stringify(["sb", "sb", "sb"]),
        "clicking a tab switches all groups on the page");
  check(await page.inputValue("select[name=variant]") === "sb", "the header picker follows the tab");

  // The choice persists on another page.
  await page.goto(limited, { waitUntil: "load" });
  check(await page.evaluate(() => localStorage.getItem("guidepost-variant")) === "sb", "the choice is kept in localStorage");
  check(await page.inputValue("select[name=variant]") === "sb", "another page starts with the chosen console");

  // The header picker sets it too.
  await page.goto(steps, { waitUntil: "load" });
  await page.selectOption("select[name=variant]", "edu");
  check(JSON.stringify(await visiblePanels(page)) === JSON.stringify(["ent edu", "edu", "sb"]),
        "the header picker switches the panels");

  // Keyboard: arrows move between tabs and choose them; Home and End jump.
  await page.focus('[data-variant-group] [role=tab][aria-selected="true"]');
  await page.keyboard.press("ArrowLeft");
  check(await page.evaluate(() => document.activeElement.getAttribute("data-variant")) === "ent", "ArrowLeft moves to the previous tab");
  check(JSON.stringify(await visiblePanels(page)) === JSON.stringify(["ent edu", "ent", "sb"]), "and chooses it");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  check(await page.evaluate(() => document.activeElement.getAttribute("data-variant")) === "sb", "ArrowRight wraps around");
  await page.keyboard.press("End");
  check(await page.evaluate(() => document.activeElement.getAttribute("data-variant")) === "edu", "End goes to the last tab");
  check(await page.$$eval('[data-variant-group]:first-of-type [role=tab]', (ts) => ts.filter((t) => t.tabIndex === 0).length) === 1,
        "only the selected tab is in the tab order");

  // ?variant= overrides the stored choice, without changing it, and links carry it.
  await page.goto(steps + "?variant=sb", { waitUntil: "load" });
  check(JSON.stringify(await visiblePanels(page)) === JSON.stringify(["sb", "sb", "sb"]), "?variant= overrides the preference");
  check(await page.evaluate(() => localStorage.getItem("guidepost-variant")) === "edu", "the stored preference is unchanged");
  const next = await page.getAttribute(".pager a[rel=next]", "href");
  check(next.endsWith("?variant=sb"), "links on the page carry ?variant=");
  const violations = await axeViolations(page);
  check(violations.length === 0, `axe finds no violations on a page with variants ${violations.join("; ")}`);
  check(page.problems.length === 0, `no console errors ${page.problems.join("; ")}`);

  // Print shows the chosen variant only.
  await page.emulateMedia({ media: "print" });
  check(JSON.stringify(await visiblePanels(page)) === JSON.stringify(["sb", "sb", "sb"]), "printing shows the chosen variant");
  await page.emulateMedia({ media: "screen" });

  // Without JavaScript every panel shows, under its label.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto(steps, { waitUntil: "load" });
  check((await visiblePanels(plain)).length === 6, "without JavaScript every panel is visible");
  const labels = await plain.$$eval(".variant-label", (ls) => ls.filter((l) => l.offsetParent !== null).length);
  check(labels === 6, "each under its label");
  check(await plain.$$eval("[role=tab]", (ts) => ts.every((t) => t.offsetParent === null)), "tabs are hidden without JavaScript");
} finally {
  await browser.close();
}
