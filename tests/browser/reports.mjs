// Report links and candidate caveats in the browser (SPEC §3.4, §3.6).
// Usage: node reports.mjs BUILT_BASE_URL SERVE_BASE_URL SITE_BASE_URL
// Fixture: tests/fixtures/reports/links (two consoles, `enterprise` the default; a
// candidate caveat whose text says "Quokka" at step 2 of "Choose a subscription").
// BUILT_BASE_URL serves its `guidepost build` output, SERVE_BASE_URL is `guidepost
// serve` on the same site; SITE_BASE_URL is the base URL the site was built for.
import { launch, openPage, axeViolations, check } from "./lib.mjs";

const [built, served, siteBase] = process.argv.slice(2);
const guide = "licensing/verify/";
const step = "choose-a-subscription-step-2";
const link = `#${step} > a[data-report]`;

// The fields of a report URL, decoded.
function fieldsOf(url) {
  const query = url.slice(url.indexOf("?") + 1);
  const fields = {};
  for (const pair of query.split("&")) {
    const at = pair.indexOf("=");
    fields[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
  }
  return fields;
}
const consoleLine = (url) => (fieldsOf(url).body.match(/^Console: (.*)$/m) || [])[1];

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  // Followed report links go to GitHub: answer them here and keep the URL.
  const followed = [];
  await context.route("https://github.com/**", (route) => {
    followed.push(route.request().url());
    route.fulfill({ status: 200, contentType: "text/html", body: "<!DOCTYPE html><title>New issue</title>" });
  });
  const page = await openPage(context);
  await page.goto(built + guide, { waitUntil: "load" });

  // Accessible names: each link says what it reports on; headings keep their own.
  // (Three steps show: the Small Business panel's step is hidden for this console.)
  check(await page.getByRole("link", { name: "Report a problem with this step", exact: true }).count() === 3,
        "each step's link is named 'Report a problem with this step'");
  check(await page.getByRole("link", { name: "Report a problem with this section", exact: true }).count() === 3,
        "each heading's link is named 'Report a problem with this section'");
  check(await page.getByRole("heading", { name: "Choose a subscription", exact: true }).count() === 1,
        "a heading's name is its text alone");

  // Not cluttering: hidden until the step is pointed at or the link is focused.
  const opacity = (css) => page.$eval(css, (e) => getComputedStyle(e).opacity);
  check(await opacity(link) === "0", "a report link is not shown while nothing points at its step");
  await page.hover(`#${step}`);
  check(await opacity(link) === "1", "pointing at a step shows its report link");
  const deskWidth = await page.$eval(link, (e) => e.getBoundingClientRect().width);
  await page.hover("h2#choose-a-subscription");
  check(await opacity("h2#choose-a-subscription > a[data-report]") === "1", "pointing at a heading shows its report link");

  // The reader picks the Small Business console, then reaches the link by keyboard.
  await page.selectOption("select[name=variant]", "small-business");
  await page.focus(`#${step} > a.step-link`);
  await page.keyboard.press("Tab");
  check(await page.evaluate((css) => document.activeElement === document.querySelector(css), link),
        "Tab from the step's own link reaches its report link");
  await page.mouse.move(0, 0);
  check(await opacity(link) === "1", "a focused report link shows");
  const focusedHref = await page.$eval(link, (a) => a.href);
  check(consoleLine(focusedHref) === "Small Business admin console (small-business)",
        `the focused link already names the reader's console (${consoleLine(focusedHref)})`);
  check(fieldsOf(focusedHref).labels === "reader-report,console:small-business", "{variant} is the console's id");
  const violations = await axeViolations(page);
  check(violations.length === 0, `axe finds no violations with a report link focused ${violations.join("; ")}`);

  // Enter follows it: the report that opens names guide, version, step and console.
  // (The stand-in for GitHub has no favicon: only what happened before leaving counts.)
  const problemsOnOurPages = page.problems.slice();
  await Promise.all([page.waitForURL(/github\.com/), page.keyboard.press("Enter")]);
  let report = fieldsOf(followed.at(-1));
  check(report.title === "Problem with: Verify the partner of record, step 2", `the report's title names guide and step (${report.title})`);
  check(report.body === "Page: " + siteBase + guide + "#" + step + "\nGuide: content/licensing/verify.md\nVersion: current\nStep: " + step +
        "\nConsole: Small Business admin console (small-business)\n\n", `the report's body has every field:\n${report.body}`);

  // Another console chosen later, with a tab this time: the next report says so.
  await page.goto(built + guide, { waitUntil: "load" });
  await page.click('[data-variant-group] [role="tab"][data-variant="enterprise"]');
  await Promise.all([page.waitForURL(/github\.com/), page.click(link)]);
  report = fieldsOf(followed.at(-1));
  check(consoleLine(followed.at(-1)) === "Midsized Business and Enterprise admin console (enterprise)" &&
        report.labels === "reader-report,console:enterprise", "a click follows the console chosen now");

  // Without JavaScript the console is "not given".
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto(built + guide, { waitUntil: "load" });
  const plainHref = await plain.$eval(link, (a) => a.href);
  check(consoleLine(plainHref) === "not given" && fieldsOf(plainHref).labels === "reader-report,console:not given",
        "without JavaScript the console is not given");

  // On a touch screen (no hover) the links always show.
  const touch = await browser.newContext({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 800 } });
  const phone = await touch.newPage();
  await phone.goto(built + guide, { waitUntil: "load" });
  check(await phone.evaluate(() => matchMedia("(hover: none)").matches), "the phone has no hover");
  check(await phone.$eval(link, (e) => getComputedStyle(e).opacity) === "1", "on a touch screen report links always show");
  const phoneWidth = await phone.$eval(link, (e) => e.getBoundingClientRect().width);
  check(phoneWidth < deskWidth / 2, `as one short word (${phoneWidth}px wide, ${deskWidth}px with hover)`);
  const phoneViolations = await axeViolations(phone);
  check(phoneViolations.length === 0, `axe finds no violations on a phone ${phoneViolations.join("; ")}`);

  // The candidate is not in the built page, nor found by its search.
  const built_ = await openPage(context);
  await built_.goto(built + guide, { waitUntil: "load" });
  check(await built_.$$eval("aside.caveat[data-status=candidate]", (c) => c.length) === 0, "the built page has no candidate");
  check(!(await built_.textContent("main")).includes("Quokka"), "nor its words");
  await built_.fill("input[name=q]", "quokka");
  await built_.waitForFunction(() => {
    const box = document.querySelector("[data-search-results]");
    return box && !box.hidden && box.getAttribute("data-search-query") === "quokka";
  });
  check(await built_.$$eval("[data-search-results] a.search-result", (r) => r.length) === 0 &&
        (await built_.textContent("[data-search-results]")).includes("No results"), "search does not find the candidate");
  await built_.fill("input[name=q]", "tenant");
  await built_.waitForFunction(() => document.querySelector("[data-search-results]").getAttribute("data-search-query") === "tenant");
  check(await built_.$$eval("[data-search-results] a.search-result", (r) => r.length) > 0, "while it finds the accepted caveat");

  // serve shows it at its step, with its badge and source.
  const preview = await openPage(context);
  await preview.goto(served + guide, { waitUntil: "load" });
  const candidate = `#${step} aside.caveat[data-status=candidate]`;
  check(await preview.isVisible(candidate), "serve shows the candidate at its step");
  check((await preview.textContent(`${candidate} .caveat-candidate`)).trim() === "Candidate", "with a Candidate badge");
  check((await preview.textContent(`${candidate} cite`)).includes("reader1"), "and its source");
  const serveViolations = await axeViolations(preview);
  check(serveViolations.length === 0, `axe finds no violations on the served page ${serveViolations.join("; ")}`);

  const problems = problemsOnOurPages.concat(built_.problems, preview.problems);
  check(problems.length === 0, `no console errors ${problems.join("; ")}`);
} finally {
  await browser.close();
}
