// Screenshots as data (SPEC §3.2): marks line up with the image at desktop and phone
// widths and in the lightbox, the dark twin loads in dark mode, smaller widths load on
// a phone, and axe stays clean. Usage: node marks.mjs BASE_URL GUIDE_PATH
import { launch, openPage, axeViolations, check } from "./lib.mjs";

const [base, path] = process.argv.slice(2);

/** For each visible figure with marks: how far (px) its overlay and its boxes are from
 *  where the image's own pixels put them. `root` is a CSS selector for the frames. */
async function misalignment(page, frameSelector) {
  return page.evaluate((sel) => {
    const out = [];
    for (const frame of document.querySelectorAll(sel)) {
      const img = frame.querySelector("img");
      const svg = frame.querySelector("svg[data-marks]");
      if (!img || !svg) continue;
      const r = img.getBoundingClientRect();
      if (r.width === 0) continue; // a hidden variant panel
      const s = svg.getBoundingClientRect();
      const [, , w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
      let worst = Math.max(Math.abs(s.left - r.left), Math.abs(s.top - r.top),
        Math.abs(s.width - r.width), Math.abs(s.height - r.height));
      for (const box of svg.querySelectorAll("rect.mark-box")) {
        const b = box.getBoundingClientRect();
        const at = (attr) => Number(box.getAttribute(attr));
        const want = {
          left: r.left + at("x") * r.width / w, top: r.top + at("y") * r.height / h,
          width: at("width") * r.width / w, height: at("height") * r.height / h,
        };
        for (const k of ["left", "top", "width", "height"]) worst = Math.max(worst, Math.abs(b[k] - want[k]));
      }
      out.push({ src: img.getAttribute("src"), worst, boxes: svg.querySelectorAll("rect.mark-box").length });
    }
    return out;
  }, frameSelector);
}

function checkAligned(results, where) {
  check(results.length > 0, `${where}: figures with marks are visible`);
  for (const r of results) {
    check(r.boxes > 0 && r.worst <= 1, `${where}: the ${r.boxes} mark(s) of ${r.src} line up with the image (off by ${r.worst.toFixed(2)} px)`);
  }
}

/** Scrolls the png figure (the one with a dark twin) into view and waits for its image. */
async function loadedTwinFigure(page) {
  const link = page.locator("figure > a[data-dark-href]").first();
  await link.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => {
    const img = document.querySelector("figure > a[data-dark-href] img");
    return img && img.complete && img.naturalWidth > 0;
  });
  return link;
}

/** The URLs of a srcset attribute. */
const urls = (srcset) => srcset.split(",").map((c) => c.trim().split(" ")[0]);

const browser = await launch();
try {
  for (const [scheme, viewport] of [["light", { width: 1200, height: 900 }], ["dark", { width: 1200, height: 900 }],
                                    ["light", { width: 390, height: 844 }]]) {
    const where = `${scheme} ${viewport.width}px`;
    const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
    const page = await openPage(context);
    await page.goto(base + path, { waitUntil: "load" });
    checkAligned(await misalignment(page, "figure > a"), where);

    const link = await loadedTwinFigure(page);
    const img = link.locator("img");
    const current = await img.evaluate((i) => i.currentSrc);
    const light = urls(await img.getAttribute("srcset"));
    const dark = urls(await link.locator("source").getAttribute("srcset"));
    const mine = scheme === "dark" ? dark : light;
    check(mine.some((u) => current.endsWith(u)), `${where}: the ${scheme} picture loads (${current})`);
    if (viewport.width < 500) {
      check(current.endsWith(".webp"), `${where}: a phone loads a smaller width (${current})`);
    }
    const legend = await link.evaluate((a) => a.parentNode.querySelector("ol.marks-legend").id);
    check((await img.getAttribute("aria-describedby")) === legend, `${where}: the legend describes the image`);

    let violations = await axeViolations(page);
    check(violations.length === 0, `${where}: axe finds no violations ${violations.join("; ")}`);

    // The lightbox: the full-size file (the twin in dark mode) with its marks and legend.
    await link.click();
    const dialog = page.locator("dialog.lightbox");
    await dialog.waitFor({ state: "visible" });
    await page.waitForFunction(() => {
      const i = document.querySelector("dialog.lightbox img");
      return i && i.complete && i.naturalWidth > 0;
    });
    const big = await dialog.locator("img").evaluate((i) => i.currentSrc);
    const want = await link.getAttribute(scheme === "dark" ? "data-dark-href" : "href");
    check(big.endsWith(want), `${where}: the lightbox shows the full-size ${scheme} file`);
    checkAligned(await misalignment(page, "dialog.lightbox .lightbox-frame"), `${where} lightbox`);
    check(await dialog.locator("ol.marks-legend li").count() === await link.evaluate(
      (a) => a.querySelectorAll("rect.mark-box").length), `${where}: the lightbox shows the legend`);
    violations = await axeViolations(page);
    check(violations.length === 0, `${where}: axe finds no violations with the lightbox open ${violations.join("; ")}`);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    check(page.problems.length === 0, `${where}: no console errors ${page.problems.join("; ")}`);
    await context.close();
  }

  // Print: the overlay still covers the image.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await openPage(context);
  await page.goto(base + path, { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  checkAligned(await misalignment(page, "figure > a"), "print");
  await context.close();
} finally {
  await browser.close();
}
