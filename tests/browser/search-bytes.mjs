// Bytes a reader downloads for search: before using the box, and for a first query.
// Usage: node search-bytes.mjs BASE_URL PAGE_PATH QUERY [MAX_BYTES] [typed]
// The query is entered at once (one query); with `typed` it is typed key by key, so the
// count also holds what the prefixes on the way fetched, which depends on typing speed.
// Prints a JSON line; fails when the first query downloads more than MAX_BYTES.
import { launch, check } from "./lib.mjs";

const [base, path, query, max, mode] = process.argv.slice(2);
const browser = await launch();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const searchUrl = (u) => /\/search(\.[0-9a-f]+\.js$|\/)/.test(u);
  // Listen before navigating, so a search download made while the page loads (or
  // right after, before the reader touches the box) is seen.
  const requested = [];
  const responses = [];
  page.on("request", (r) => { if (searchUrl(r.url())) requested.push(r.url()); });
  page.on("response", (r) => { if (searchUrl(r.url())) responses.push(r); });
  // Let the page settle (scripts run, idle callbacks fire) before the box is used.
  await page.goto(base + path, { waitUntil: "networkidle" });
  const before = requested.length;
  const fetchedBefore = requested.slice();
  const started = Date.now();
  await page.focus("input[name=q]");
  if (mode === "typed") {
    await page.keyboard.type(query, { delay: 0 });
  } else {
    await page.fill("input[name=q]", query);
  }
  await page.waitForFunction(() => {
    const box = document.querySelector("[data-search-results]");
    return box && !box.hidden && box.querySelector("a.search-result, .search-empty");
  }, null, { timeout: 30000 });
  const firstPaint = Date.now() - started;
  // Then let the full query (not a prefix typed on the way) finish.
  await page.waitForFunction((q) => document.querySelector("[data-search-results]").getAttribute("data-search-query") === q, query);
  await page.waitForLoadState("networkidle");
  const elapsed = Date.now() - started;
  let bytes = 0;
  const files = [];
  for (const r of responses) {
    const body = await r.body();
    bytes += body.length;
    files.push([r.url().replace(base, "/"), body.length]);
  }
  const results = await page.$$eval("a.search-result", (as) => as.length);
  console.log(JSON.stringify({ query, before, bytes, files: files.length, results, first_results_ms: firstPaint, settled_ms: elapsed, detail: files }));
  check(before === 0, `nothing search-related before the box is focused (${fetchedBefore.join(", ") || "none"})`);
  check(results > 0, `the query finds results (${results})`);
  if (max) check(bytes <= Number(max), `the first query downloads ${bytes} bytes, at most ${max}`);
} finally {
  await browser.close();
}
