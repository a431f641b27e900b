// Search quality on a judged query set: MRR@5, first-result hits and guides repeated
// in the top 5, for guidepost's search and (optionally) Pagefind's on the same output,
// in the same browser.
//
//   node tests/browser/search-eval.mjs JUDGED.json (--tree SITE | --site OUTPUT)
//        [--guidepost BIN] [--pagefind BIN] [--work DIR] [--details]
//        [--expect-mrr X] [--expect-top1 N] [--expect-no-repeats]
//
// --tree SITE   build SITE (a folder with site.toml) with guidepost (BIN, default
//               target/release/guidepost, else target/debug/guidepost) first.
// --site OUTPUT use a built output folder as it is (copied into the work folder).
// --pagefind BIN  also index the output with Pagefind (the `pagefind` executable, e.g.
//               from `npm i pagefind` in a scratch folder). What Pagefind sees, for a
//               fair comparison: each guide's <article class="guide"> only (its title,
//               summary, text and caveats: what guidepost indexes), without the
//               on-page table of contents, the known-caveats list, the "Applies to"
//               badges, the variant tab labels and the guide footer.
// JUDGED.json   {"queries": [{"query", "relevant": [URL path below the site root, …],
//               "from": page whose search box is used (default: the home page)}]}.
// The --expect-… options make the run fail below those figures (for tests).
import { launch, check } from "./lib.mjs";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TOP = 5;
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function parseArgs(argv) {
  const args = { details: false, expectNoRepeats: false };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--tree") args.tree = value();
    else if (a === "--site") args.site = value();
    else if (a === "--guidepost") args.guidepost = value();
    else if (a === "--pagefind") args.pagefind = value();
    else if (a === "--work") args.work = value();
    else if (a === "--details") args.details = true;
    else if (a === "--expect-mrr") args.expectMrr = Number(value());
    else if (a === "--expect-top1") args.expectTop1 = Number(value());
    else if (a === "--expect-no-repeats") args.expectNoRepeats = true;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1 || !(args.tree || args.site)) {
    throw new Error("usage: search-eval.mjs JUDGED.json (--tree SITE | --site OUTPUT) [options]");
  }
  args.judged = rest[0];
  return args;
}

function guidepostBinary(given) {
  if (given) return given;
  for (const profile of ["release", "debug"]) {
    const bin = join(repo, "target", profile, "guidepost");
    if (existsSync(bin)) return bin;
  }
  throw new Error("no guidepost binary: cargo build, or --guidepost BIN");
}

function run(cmd, args) {
  const out = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${out.status}):\n${out.stderr}`);
  return out;
}

function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlFiles(path));
    else if (name.endsWith(".html")) out.push(path);
  }
  return out;
}

// Marks what Pagefind indexes: the guide's article, less what guidepost leaves out.
function markForPagefind(dir) {
  const marks = [
    ['<article class="guide">', '<article class="guide" data-pagefind-body>'],
    ['<nav class="toc"', '<nav data-pagefind-ignore class="toc"'],
    ['<nav id="known-caveats"', '<nav data-pagefind-ignore id="known-caveats"'],
    ['<p class="applies-to">', '<p data-pagefind-ignore class="applies-to">'],
    ['<div class="variant-tabs"', '<div data-pagefind-ignore class="variant-tabs"'],
    ['<footer class="guide-footer">', '<footer data-pagefind-ignore class="guide-footer">'],
  ];
  let guides = 0;
  for (const file of htmlFiles(dir)) {
    let html = readFileSync(file, "utf8");
    if (!html.includes('<article class="guide">')) continue;
    for (const [from, to] of marks) html = html.split(from).join(to);
    writeFileSync(file, html);
    guides++;
  }
  return guides;
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".wasm": "application/wasm" };

function serve(dir) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = join(dir, path);
    if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

// Top guides by guidepost's own search box: the guide links, in order.
async function guidepostTop(page, query) {
  await page.fill("input[name=q]", "");
  await page.fill("input[name=q]", query);
  await page.waitForFunction((q) => {
    const box = document.querySelector("[data-search-results]");
    return box && !box.hidden && box.getAttribute("data-search-query") === q;
  }, query, { timeout: 30000 });
  return page.$$eval("[data-search-results] a.search-result", (as) => as.map((a) => a.pathname));
}

// Top guides by Pagefind's JS API.
async function pagefindTop(page, query) {
  return page.evaluate(async ([q, top]) => {
    window.__pagefind = window.__pagefind || await import("/pagefind/pagefind.js");
    const found = await window.__pagefind.search(q);
    const data = await Promise.all(found.results.slice(0, top).map((r) => r.data()));
    return data.map((d) => new URL(d.url, location.href).pathname);
  }, [query, TOP]);
}

function measure(rows) {
  let rr = 0, top1 = 0, repeats = 0;
  for (const r of rows) {
    rr += r.rank ? 1 / r.rank : 0;
    if (r.rank === 1) top1++;
    repeats += r.top.length - new Set(r.top).size;
  }
  return { queries: rows.length, mrr5: Number((rr / rows.length).toFixed(3)), top1, repeats };
}

const args = parseArgs(process.argv.slice(2));
const judged = JSON.parse(readFileSync(args.judged, "utf8")).queries;
check(judged.length > 0, `${judged.length} judged queries`);
const work = args.work ? resolve(args.work) : mkdtempSync(join(tmpdir(), "search-eval-"));
mkdirSync(work, { recursive: true });
const out = join(work, "public");
rmSync(out, { recursive: true, force: true });
if (args.tree) {
  run(guidepostBinary(args.guidepost), ["build", "--root", resolve(args.tree), "--out", out, "--base-url", "http://127.0.0.1/"]);
} else {
  cpSync(resolve(args.site), out, { recursive: true });
}
const engines = ["guidepost"];
if (args.pagefind) {
  const marked = markForPagefind(out);
  run(args.pagefind, ["--site", out, "--output-subdir", "pagefind"]);
  console.log(`Pagefind indexed the article of ${marked} guide pages`);
  engines.push("pagefind");
}

const server = await serve(out);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
const rows = Object.fromEntries(engines.map((e) => [e, []]));
try {
  const page = await browser.newPage();
  let from = null;
  for (const j of judged) {
    const want = j.from || "";
    if (want !== from) {
      await page.goto(base + want, { waitUntil: "load" });
      await page.focus("input[name=q]");
      await page.waitForFunction(() => typeof GuidepostSearch !== "undefined");
      from = want;
    }
    const relevant = new Set(j.relevant.map((p) => "/" + p.replace(/^\//, "")));
    for (const engine of engines) {
      const top = (engine === "guidepost" ? await guidepostTop(page, j.query) : await pagefindTop(page, j.query)).slice(0, TOP);
      const rank = top.findIndex((p) => relevant.has(p)) + 1;
      rows[engine].push({ query: j.query, rank, top });
    }
  }
} finally {
  await browser.close();
  server.close();
}

if (args.details) {
  console.log(["query", ...engines.map((e) => `${e} rank`), "guidepost top 3"].join("\t"));
  judged.forEach((j, k) => {
    console.log([j.query, ...engines.map((e) => rows[e][k].rank || "-"), rows.guidepost[k].top.slice(0, 3).join(" ")].join("\t"));
  });
}
const summary = Object.fromEntries(engines.map((e) => [e, measure(rows[e])]));
for (const e of engines) {
  const m = summary[e];
  console.log(`${e}: MRR@${TOP} ${m.mrr5.toFixed(3)}, first result relevant ${m.top1}/${m.queries}, repeated guides in the top ${TOP}: ${m.repeats}`);
}
console.log(JSON.stringify(summary));
const g = summary.guidepost;
if (args.expectMrr !== undefined) check(g.mrr5 >= args.expectMrr, `guidepost MRR@${TOP} ${g.mrr5} >= ${args.expectMrr}`);
if (args.expectTop1 !== undefined) check(g.top1 >= args.expectTop1, `guidepost first results ${g.top1} >= ${args.expectTop1}`);
if (args.expectNoRepeats) check(g.repeats === 0, `no guide twice in guidepost's top ${TOP} (${g.repeats})`);
if (!args.work) rmSync(work, { recursive: true, force: true });
