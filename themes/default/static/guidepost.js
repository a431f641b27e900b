// guidepost default theme: small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";

  // On a narrow screen the guide list starts folded so the guide itself comes first.
  var toggle = document.querySelector(".nav-toggle");
  if (toggle && window.matchMedia("(max-width: 50rem)").matches) {
    toggle.open = false;
  }

  // Console variants: one site-wide choice, kept in localStorage. The head script has
  // already set html[data-variant] before the first paint; this wires up the controls.
  var KEY = "guidepost-variant";
  var root = document.documentElement;

  function applyVariant(v) {
    root.setAttribute("data-variant", v);
    var groups = document.querySelectorAll("[data-variant-group]");
    Array.prototype.forEach.call(groups, function (group) {
      var tabs = group.querySelectorAll('[role="tab"]');
      var match = group.querySelector('[role="tab"][data-variant="' + v + '"]');
      // A group without this console shows its first panel rather than nothing.
      var chosen = match || tabs[0];
      Array.prototype.forEach.call(tabs, function (tab) {
        var on = tab === chosen;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
      });
      var fallbackId = !match && chosen ? chosen.getAttribute("aria-controls") : null;
      Array.prototype.forEach.call(group.querySelectorAll('[role="tabpanel"]'), function (panel) {
        panel.classList.toggle("variant-fallback-panel", panel.id === fallbackId);
      });
    });
    var picker = document.querySelector('select[name="variant"]');
    if (picker) picker.value = v;
  }

  function chooseVariant(v) {
    try { localStorage.setItem(KEY, v); } catch (e) { /* private mode: this page only */ }
    root.removeAttribute("data-variant-override");
    if (/[?&]variant=/.test(location.search)) {
      var url = new URL(location.href);
      url.searchParams.delete("variant");
      history.replaceState(null, "", url);
    }
    applyVariant(v);
  }

  if (root.hasAttribute("data-variant")) {
    applyVariant(root.getAttribute("data-variant"));
    // A link that named a console (?variant=) keeps naming it on the links of this page.
    var named = root.getAttribute("data-variant-override");
    if (named) {
      Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (a) {
        if (a.closest("figure") || a.getAttribute("href").charAt(0) === "#") return;
        var url = new URL(a.href, location.href);
        if (url.origin !== location.origin || !/\/$/.test(url.pathname)) return;
        url.searchParams.set("variant", named);
        a.href = url.toString();
      });
    }
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest ? event.target.closest('[data-variant-group] [role="tab"]') : null;
    if (tab) chooseVariant(tab.getAttribute("data-variant"));
  });

  // The ARIA tabs pattern: arrows, Home and End move between a group's tabs.
  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest ? event.target.closest('[data-variant-group] [role="tab"]') : null;
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll('[role="tab"]'));
    var i = tabs.indexOf(tab);
    var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    var target = tabs[(next + tabs.length) % tabs.length];
    chooseVariant(target.getAttribute("data-variant"));
    target.focus();
  });

  var picker = document.querySelector('select[name="variant"]');
  if (picker) {
    picker.addEventListener("change", function () { chooseVariant(picker.value); });
  }

  // Caveats not verified for over a year are marked at read time, so that the built
  // pages stay the same from day to day (the build marks them only with SOURCE_DATE_EPOCH).
  var yearAgo = new Date();
  yearAgo.setFullYear(yearAgo.getFullYear() - 1);
  var cutoff = yearAgo.toISOString().slice(0, 10);
  Array.prototype.forEach.call(document.querySelectorAll(".caveat[data-verified]"), function (caveat) {
    var title = caveat.querySelector(".caveat-title");
    if (!title || title.querySelector(".caveat-stale") || caveat.getAttribute("data-verified") >= cutoff) return;
    var mark = document.createElement("span");
    mark.className = "caveat-stale";
    mark.textContent = "Not verified for over a year";
    title.appendChild(mark);
  });

  // Search: the search code and index are fetched when the box is first focused.
  var searchBox = document.querySelector('input[type="search"][name="q"][data-search-script]');
  if (searchBox) {
    var loadSearch = function () {
      searchBox.removeEventListener("focus", loadSearch);
      var script = document.createElement("script");
      script.src = searchBox.getAttribute("data-search-script");
      document.head.appendChild(script);
    };
    searchBox.addEventListener("focus", loadSearch);
    // "/" focuses the search box, unless the reader is typing somewhere.
    document.addEventListener("keydown", function (event) {
      var t = event.target;
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      event.preventDefault();
      searchBox.focus();
    });
  }

  // Lightbox: a screenshot's link (figure > a) opens the full-size image in a modal
  // dialog over the page, with its marks and their legend, and the dark twin for a
  // reader in dark mode. Without JavaScript the link simply opens the image.
  var dialog = null;
  var opener = null;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.innerHTML =
      '<button type="button" class="lightbox-close" aria-label="Close the screenshot">\u00d7</button>' +
      '<figure class="lightbox-figure"><div class="lightbox-frame"><picture>' +
      '<source media="(prefers-color-scheme: dark)"><img alt=""></picture></div>' +
      '<figcaption></figcaption></figure>';
    dialog.addEventListener("click", function (event) {
      // A click on the dark area around the picture (the dialog itself) closes it.
      if (event.target === dialog || event.target.classList.contains("lightbox-figure")) {
        dialog.close();
      }
    });
    dialog.querySelector(".lightbox-close").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (opener) opener.focus();
    });
    document.body.appendChild(dialog);
  }

  // The frame holds the image and its marks: sized to the image's aspect ratio within
  // the viewport, so the marks (stretched over the frame) line up with the pixels.
  function fillFrame(link, thumb) {
    var frame = dialog.querySelector(".lightbox-frame");
    var old = frame.querySelector("svg[data-marks]");
    if (old) frame.removeChild(old);
    var w = parseFloat(thumb.getAttribute("width")) || thumb.naturalWidth || 1;
    var h = parseFloat(thumb.getAttribute("height")) || thumb.naturalHeight || 1;
    frame.style.aspectRatio = w + " / " + h;
    frame.style.width = "min(100%, " + w + "px, calc((100vh - 7rem) * " + w / h + "))";
    var marks = link.querySelector("svg[data-marks]");
    if (marks) frame.appendChild(marks.cloneNode(true));
    var source = dialog.querySelector("source");
    var dark = link.getAttribute("data-dark-href");
    if (dark) source.setAttribute("srcset", dark);
    else source.removeAttribute("srcset");
    var big = dialog.querySelector(".lightbox-frame img");
    big.src = link.href;
    big.alt = thumb.alt;
  }

  // The legend goes with the marks, without its id (the page's legend keeps that).
  function fillLegend(link) {
    var figure = dialog.querySelector(".lightbox-figure");
    var old = figure.querySelector(".marks-legend");
    if (old) figure.removeChild(old);
    var legend = link.parentNode.querySelector(".marks-legend");
    if (!legend) return;
    var copy = legend.cloneNode(true);
    copy.removeAttribute("id");
    figure.insertBefore(copy, figure.querySelector("figcaption"));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("figure > a") : null;
    if (!link || link.closest(".lightbox")) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var thumb = link.querySelector("img");
    if (!thumb) return;
    event.preventDefault();
    if (!dialog) buildDialog();
    opener = link;
    fillFrame(link, thumb);
    fillLegend(link);
    var caption = link.parentNode.querySelector("figcaption");
    var text = caption ? caption.textContent : "";
    dialog.querySelector("figcaption").textContent = text;
    dialog.setAttribute("aria-label", "Screenshot: " + (thumb.alt || text || "full size"));
    dialog.showModal();
    dialog.querySelector(".lightbox-close").focus();
  });
})();
