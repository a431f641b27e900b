// guidepost serve: live reload. Served only by `guidepost serve` and linked only from
// the pages it serves, never from `guidepost build` output.
//
// Messages (server-sent events, JSON):
//   {kind: "reload", pages: ["/a/b/", ...]}  pages that changed: reload if this is one
//   {kind: "reload", pages: [], all: true}  any page may have changed: reload
//   {kind: "css", swaps: [[oldHref, newHref], ...]}  swap stylesheets, no reload
//   {kind: "errors", errors: [diagnostic, ...]}  the last save broke the build
//   {kind: "ok"}  the build is good (clears the overlay)
(function () {
  'use strict';
  var script = document.currentScript;
  var eventsUrl = (script && script.getAttribute('data-events')) || '/__guidepost/events';
  var scrollKey = 'guidepost:scroll:' + location.pathname;
  // The page served before the site has built once reloads on any good build.
  var reloadAlways = !!(script && script.hasAttribute('data-reload-always'));

  // Put the page back where the reader was before the reload.
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      var y = parseFloat(saved) || 0;
      var restore = function () { window.scrollTo(0, y); };
      document.addEventListener('DOMContentLoaded', restore);
      window.addEventListener('load', restore);
    }
  } catch (e) { /* storage may be disabled */ }

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* ignore */ }
    location.reload();
  }

  function isThisPage(url) {
    var here = location.pathname;
    var decoded = here;
    try { decoded = decodeURI(here); } catch (e) { /* keep it as it is */ }
    return url === here || url === decoded || url + 'index.html' === here;
  }

  function swapStylesheets(swaps) {
    swaps.forEach(function (pair) {
      var links = document.querySelectorAll('link[rel="stylesheet"]');
      Array.prototype.forEach.call(links, function (link) {
        // A stylesheet swapped before carries a ?v= query: compare without it.
        if (link.getAttribute('href').split('?')[0] !== pair[0].split('?')[0]) return;
        // The new sheet loads beside the old one, so the page never shows unstyled.
        var fresh = link.cloneNode();
        fresh.setAttribute('href', pair[1]);
        fresh.addEventListener('load', function () { link.remove(); });
        link.after(fresh);
      });
    });
  }

  var overlay = null;

  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showOverlay(errors) {
    hideOverlay();
    overlay = document.createElement('div');
    overlay.setAttribute('data-guidepost-overlay', '');
    overlay.setAttribute('role', 'alertdialog');
    overlay.setAttribute('aria-labelledby', 'guidepost-overlay-title');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(20,20,20,.92);color:#fff;font:15px/1.5 system-ui,sans-serif;padding:2rem';
    var title = document.createElement('h2');
    title.id = 'guidepost-overlay-title';
    title.textContent = 'The last save does not build';
    title.style.cssText = 'margin:0 0 .5rem;color:#ff8a80;font-size:1.3rem';
    var note = document.createElement('p');
    note.textContent = 'This page is the last good build. Fix the problem and save again.';
    var list = document.createElement('ul');
    list.style.cssText = 'padding-left:1.2rem';
    errors.forEach(function (d) {
      var item = document.createElement('li');
      var where = document.createElement('code');
      where.textContent = d.file + (d.line ? ':' + d.line + ':' + d.column : '');
      where.style.cssText = 'color:#ffd180';
      item.appendChild(where);
      item.appendChild(document.createTextNode(' ' + d.message));
      if (d.help) {
        var help = document.createElement('div');
        help.textContent = d.help;
        help.style.cssText = 'color:#bbb;white-space:pre-wrap';
        item.appendChild(help);
      }
      list.appendChild(item);
    });
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Dismiss';
    close.addEventListener('click', hideOverlay);
    overlay.appendChild(title);
    overlay.appendChild(note);
    overlay.appendChild(list);
    overlay.appendChild(close);
    (document.body || document.documentElement).appendChild(overlay);
  }

  var source = new EventSource(eventsUrl);
  // Tells tests (and the curious) that the page listens for rebuilds.
  source.onopen = function () {
    document.documentElement.setAttribute('data-guidepost-live', 'connected');
  };
  source.onmessage = function (event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (message.kind === 'errors') {
      showOverlay(message.errors || []);
      return;
    }
    hideOverlay();
    if (message.kind === 'reload' &&
        (reloadAlways || message.all || (message.pages || []).some(isThisPage))) {
      reload();
    } else if (message.kind === 'css') {
      swapStylesheets(message.swaps || []);
    }
  };
})();
