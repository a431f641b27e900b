// Search in the browser. Usage: node search.mjs BASE_URL
// Fixture: tests/fixtures/search/basic (two versions, a caveat, two consoles).
import { launch, openPage, axeViolations, check } from "./lib.mjs";

const base = process.argv[2];
const browser = await launch();
try {
  const context = await browser.newContext();
  const page = await openPage(context);
  const searchRequests = [];
  page.on("request", (r) => { if (/\/search(\.[0-9a-f]+\.js|\/)/.test(r.url())) searchRequests.push(r.url()); });
  await page.goto(base + "guides/first/", { waitUntil: "networkidle" });
  check(searchRequests.length === 0, "nothing search-related is downloaded before the box is used");

  // "/" focuses the box.
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement.matches('input[type=search][name=q]')), "/ focuses the search box");

  // Guides (a.search-result), each with the passages beneath it (a.search-subresult).
  const results = () => page.$$eval("[data-search-results] a.search-result", (as) => as.map((a) => ({
    href: a.getAttribute("href"), title: a.querySelector(".search-title").textContent,
    marks: Array.from(a.querySelectorAll("mark")).map((m) => m.textContent.toLowerCase()),
    tags: Array.from(a.querySelectorAll(".search-tag")).map((t) => t.textContent),
    passages: Array.from(a.parentElement.querySelectorAll("a.search-subresult")).map((p) => ({
      href: p.getAttribute("href"), heading: p.querySelector(".search-heading").textContent,
      marks: Array.from(p.querySelectorAll("mark")).map((m) => m.textContent.toLowerCase()),
      tags: Array.from(p.querySelectorAll(".search-tag")).map((t) => t.textContent),
    })),
  })));
  async function query(text) {
    await page.fill("input[name=q]", text);
    await page.waitForFunction((q) => {
      const box = document.querySelector("[data-search-results]");
      return box && !box.hidden && box.getAttribute("data-search-query") === q;
    }, text);
    return results();
  }

  // Results as you type: guides, each once, with deep links to their best passages.
  let r = await query("rotate certificate");
  check(r.length > 0 && r[0].title === "Rotate the signing certificate", "a query finds the guide, best first");
  check(r[0].href === "/guides/first/", "a guide result links to the guide");
  check(new Set(r.map((x) => x.href)).size === r.length, "each guide is shown once");
  r = await query("renewal");
  check(r[0].href === "/guides/second/" && r[0].passages[0].href === "/guides/second/#plan-the-renewal" &&
    r[0].passages[0].heading === "Plan the renewal", "a passage beneath the guide links to its heading's anchor");
  check(r[0].passages[0].marks.includes("renewal"), "matched words are highlighted in the snippet");
  r = await query("certif");
  check(r.some((x) => x.title === "Rotate the signing certificate"), "prefix matching while typing");
  r = await query("certficate");
  check(r.some((x) => x.title === "Rotate the signing certificate"), "a one-letter typo still finds the guide");

  // A caveat's words find the caveat, tagged as one.
  r = await query("syndicator");
  const caveat = r.length ? r[0].passages[0] : null;
  check(caveat && caveat.tags.includes("Caveat") && caveat.href.endsWith("#caveat-1"), "a caveat's words find the caveat, marked as a caveat");

  // Results follow the reader's console, with a way to see all.
  r = await query("mainframe");
  check(r.length === 0, "a passage of another console is hidden by default");
  await page.check("[data-search-all]");
  await page.waitForFunction(() => document.querySelector("[data-search-results] a.search-subresult"));
  r = await results();
  check(r.length > 0 && r[0].passages[0].tags.some((t) => t === "Alpha console"), "\"All consoles\" shows it, labelled with its console");
  await page.uncheck("[data-search-all]");

  r = await query("zzzqqq");
  check(await page.isVisible(".search-empty"), "a clear message when nothing matches");

  // Keyboard: arrows move through guides and the passages beneath them, Enter opens,
  // Escape closes.
  r = await query("certificate");
  const order = await page.$$eval("[data-search-results] a.search-result, [data-search-results] a.search-subresult",
    (as) => as.map((a) => a.getAttribute("href")));
  check(order.length >= 3 && order.some((h) => h.includes("#")), `guides and passages to move through (${order.join(" ")})`);
  check(order[0] === "/guides/first/" && order.indexOf("/guides/second/") > 0,
    "a title holding the word ranks above a text that holds it");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const second = await page.$eval('[aria-selected="true"]', (a) => a.getAttribute("href"));
  check(second === order[1] && await page.getAttribute("input[name=q]", "aria-activedescendant") === "search-result-1",
    "arrow keys move through results, passages included");
  await page.keyboard.press("ArrowUp");
  check(await page.$eval('[aria-selected="true"]', (a) => a.getAttribute("href")) === order[0], "and back up");
  await page.keyboard.press("Escape");
  check(!(await page.isVisible("[data-search-results]")), "Escape closes the results");
  await query("certificate ");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.href.endsWith(order[1]));
  check(page.url().endsWith(order[1]), "Enter opens the chosen result");

  // An old version searches only itself.
  await page.goto(base + "2013/guides/first/", { waitUntil: "load" });
  await page.focus("input[name=q]");
  r = await query("guide");
  check(r.length > 0 && r.every((x) => x.href.startsWith("/2013/") && x.passages.every((p) => p.href.startsWith("/2013/"))),
    "an old version's search returns that version's pages only");

  const violations = await axeViolations(page);
  check(violations.length === 0, `axe finds no violations with results open ${violations.join("; ")}`);
  check(page.problems.length === 0, `no console errors ${page.problems.join("; ")}`);
} finally {
  await browser.close();
}
