// guidepost search: runs in the reader's browser over the index files that the build
// wrote (src/search/mod.rs describes them). Loaded by guidepost.js when the search box
// is first focused, so nothing is downloaded for search before the reader uses it.
var GuidepostSearch = (function () {
  "use strict";

  // ---- Words: the twin of src/search/text.rs (a test keeps them identical). ----
  var STOPWORDS = ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have",
    "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with"];
  var SUFFIX_RULES = [["ations", 4, ""], ["ation", 4, ""], ["nesses", 3, ""], ["ness", 3, ""],
    ["ments", 3, ""], ["ment", 3, ""], ["ies", 2, "y"], ["ing", 3, ""], ["edly", 3, ""], ["ed", 3, ""],
    ["ly", 3, ""], ["sses", 2, "ss"], ["xes", 1, "x"], ["ches", 1, "ch"], ["shes", 1, "sh"]];

  function tokenize(text) {
    return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []);
  }

  function stripSuffix(w) {
    for (var i = 0; i < SUFFIX_RULES.length; i++) {
      var rule = SUFFIX_RULES[i];
      if (w.endsWith(rule[0]) && w.length - rule[0].length >= rule[1]) {
        return w.slice(0, w.length - rule[0].length) + rule[2];
      }
    }
    if (/s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
    return w;
  }

  function undouble(s) {
    var n = s.length;
    if (n >= 3 && s[n - 1] === s[n - 2] && !/[lsz]/.test(s[n - 1]) && /[a-zA-Z]/.test(s[n - 1])) {
      return s.slice(0, -1);
    }
    return s;
  }

  function stem(word) {
    if (word.length <= 3 || !/^[\x00-\x7f]*$/.test(word)) return word;
    var s = undouble(stripSuffix(word));
    if (/e$/.test(s) && s.length - 1 >= 4) return s.slice(0, -1);
    return s;
  }

  function termOf(word) {
    return STOPWORDS.indexOf(word) >= 0 ? null : stem(word);
  }

  // Damerau-Levenshtein distance of at most one, for typo tolerance.
  function withinOne(a, b) {
    if (a === b) return true;
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // ---- The index: fetch only what a query needs, and keep what was fetched. ----
  function Index(url) {
    this.base = url.replace(/index\.json$/, "");
    // Page URLs in the index are relative to the version's base, above search/.
    this.pageBase = this.base.replace(/search\/$/, "");
    this.url = url;
    this.files = {};
  }

  Index.prototype.get = function (path) {
    if (!this.files[path]) {
      this.files[path] = fetch(this.base + path).then(function (r) {
        if (!r.ok) throw new Error("search index: " + r.status + " for " + path);
        return r.json();
      });
    }
    return this.files[path];
  };

  Index.prototype.meta = function () { return this.get("index.json"); };

  // The chunk whose range holds `term`: the last one whose first term is <= it.
  function chunkFor(meta, term) {
    var lo = 0, hi = meta.chunks.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (meta.chunks[mid][0] <= term) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  function decode(list, weight, into) {
    var id = 0;
    for (var i = 0; i + 1 < list.length; i += 2) {
      id += list[i];
      var s = list[i + 1] * weight;
      if (!(id in into) || into[id] < s) into[id] = s;
    }
  }

  // Passage id → score for one query term: exact, else (for the word being typed)
  // terms it begins, else (5+ letters) terms one typo away.
  Index.prototype.hits = function (term, word, isPrefix) {
    var self = this;
    return this.meta().then(function (meta) {
      var i = chunkFor(meta, term);
      if (i < 0 && !isPrefix) return {};
      var wanted = [Math.max(i, 0)];
      if (isPrefix && i + 1 < meta.chunks.length && meta.chunks[i + 1][0].indexOf(term) === 0) wanted.push(i + 1);
      return Promise.all(wanted.map(function (c) { return self.get(meta.chunks[c][1]); })).then(function (chunks) {
        var out = {};
        chunks.forEach(function (chunk) {
          if (chunk[term]) decode(chunk[term], 1, out);
          if (isPrefix) {
            var n = 0;
            Object.keys(chunk).forEach(function (t) {
              if (t !== term && t.indexOf(term) === 0 && n++ < 40) decode(chunk[t], 0.8, out);
            });
          }
        });
        if (Object.keys(out).length || word.length < 5) return out;
        return self.typoHits(meta, term);
      });
    });
  };

  Index.prototype.typoHits = function (meta, term) {
    var self = this;
    // A typo in the first letter moves the word elsewhere: look under its second too.
    var letters = [term[0], term[1]].filter(function (l, k, all) {
      return l && all.indexOf(l) === k && meta.letters.indexOf(l) >= 0;
    });
    return Promise.all(letters.map(function (l) {
      return self.get(meta.vocabulary + "/" + letterFile(l) + ".json");
    })).then(function (lists) {
      var candidates = [];
      lists.forEach(function (words) {
        words.forEach(function (w) { if (w.length >= 4 && withinOne(w, term)) candidates.push(w); });
      });
      return Promise.all(candidates.slice(0, 6).map(function (c) {
        var ci = chunkFor(meta, c);
        return ci < 0 ? {} : self.get(meta.chunks[ci][1]).then(function (chunk) {
          var out = {};
          if (chunk[c]) decode(chunk[c], 0.7, out);
          return out;
        });
      }));
    }).then(function (maps) {
      var out = {};
      maps.forEach(function (m) { Object.keys(m).forEach(function (id) { if (!(id in out) || out[id] < m[id]) out[id] = m[id]; }); });
      return out;
    });
  };

  function letterFile(l) {
    return /^[a-z0-9]$/i.test(l) ? l : Array.from(l).map(function (c) { return "u" + c.codePointAt(0).toString(16); }).join("");
  }

  // The passage of an id: [heading, anchor, variants, caveat id, text] with its guide.
  Index.prototype.passage = function (id) {
    var self = this;
    return this.meta().then(function (meta) {
      var page = Math.floor(id / meta.per_page);
      var file = meta.fragments + "/" + Math.floor(page / meta.pages_per_fragment) + ".json";
      return self.get(file).then(function (group) {
        var fragment = group[page % meta.pages_per_fragment];
        var p = fragment.passages[id % meta.per_page] || fragment.passages[fragment.passages.length - 1];
        return { id: id, url: self.pageBase + fragment.url, title: fragment.title, heading: p[0], anchor: p[1],
                 variants: p[2] ? p[2].split(" ") : [], caveat: p[3], text: p[4] };
      });
    });
  };

  // Ranked passage ids for a query, with the query's terms for highlighting.
  Index.prototype.search = function (query) {
    var words = tokenize(query);
    var typing = !/\s$/.test(query);
    var parts = [];
    words.forEach(function (w, k) {
      var t = termOf(w);
      if (t) parts.push({ term: t, word: w, prefix: typing && k === words.length - 1 });
    });
    if (!parts.length) return Promise.resolve({ ids: [], terms: [] });
    var self = this;
    return Promise.all(parts.map(function (p) { return self.hits(p.term, p.word, p.prefix); })).then(function (maps) {
      var score = {}, count = {};
      maps.forEach(function (m) {
        Object.keys(m).forEach(function (id) {
          score[id] = (score[id] || 0) + m[id];
          count[id] = (count[id] || 0) + 1;
        });
      });
      var ids = Object.keys(score);
      // Every word required, when that still finds something.
      var all = ids.filter(function (id) { return count[id] === maps.length; });
      if (all.length) ids = all;
      ids.sort(function (a, b) { return (count[b] - count[a]) || (score[b] - score[a]) || (a - b); });
      return { ids: ids.map(Number), terms: parts };
    });
  };

  // ---- Results in the page. ----
  // Each result costs a fragment file; a few good ones beat a long list on a phone.
  var MAX_RESULTS = 6;
  // Wait for a pause in typing, so that passing prefixes fetch little.
  var DEBOUNCE_MS = 180;
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // A window of the passage around the first matched word, matched words in <mark>.
  function snippet(text, terms) {
    var re = /[\p{L}\p{N}]+/gu, m, first = -1, marks = [];
    while ((m = re.exec(text))) {
      var w = m[0].toLowerCase(), t = termOf(w);
      var hit = terms.some(function (q) { return t === q.term || (q.prefix && (w.indexOf(q.word) === 0 || (t && t.indexOf(q.term) === 0))); });
      if (hit) { marks.push([m.index, m.index + m[0].length]); if (first < 0) first = m.index; }
    }
    var start = Math.max(0, (first < 0 ? 0 : first) - 60);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    var end = Math.min(text.length, start + 200);
    var out = start > 0 ? "… " : "", pos = start;
    marks.forEach(function (r) {
      if (r[0] < start || r[1] > end) return;
      out += escapeHtml(text.slice(pos, r[0])) + "<mark>" + escapeHtml(text.slice(r[0], r[1])) + "</mark>";
      pos = r[1];
    });
    out += escapeHtml(text.slice(pos, end)) + (end < text.length ? " …" : "");
    return out;
  }

  function attach(input) {
    var index = new Index(input.getAttribute("data-search-index"));
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var labels = {};
    Array.prototype.forEach.call(document.querySelectorAll('select[name="variant"] option'), function (o) {
      labels[o.value] = o.textContent;
    });
    var allVariants = false, timer = null, active = -1, latest = 0;

    function chosenVariant() { return document.documentElement.getAttribute("data-variant"); }

    function links() { return box.querySelectorAll("a.search-result"); }

    function setActive(i) {
      var list = links();
      if (!list.length) return;
      active = (i + list.length) % list.length;
      Array.prototype.forEach.call(list, function (a, k) { a.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", list[active].id);
      list[active].scrollIntoView({ block: "nearest" });
    }

    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(html) {
      box.innerHTML = html;
      // Which query these results answer (scripts and tests wait on it).
      box.setAttribute("data-search-query", input.value);
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function run() {
      var query = input.value;
      var ticket = ++latest;
      if (!query.trim()) { close(); return; }
      index.search(query).then(function (found) {
        // Fetch passages a few at a time until enough pass the console filter.
        var variant = chosenVariant(), shown = [], perPage = {}, k = 0;
        function next() {
          if (ticket !== latest) return null;
          if (shown.length >= MAX_RESULTS || k >= found.ids.length || k >= 48) return render(found, shown);
          var batch = found.ids.slice(k, k + MAX_RESULTS);
          k += batch.length;
          return Promise.all(batch.map(function (id) { return index.passage(id); })).then(function (ps) {
            ps.forEach(function (p) {
              if (shown.length >= MAX_RESULTS) return;
              if (!allVariants && variant && p.variants.length && p.variants.indexOf(variant) < 0) return;
              perPage[p.url] = (perPage[p.url] || 0) + 1;
              if (perPage[p.url] > 2) return;
              shown.push(p);
            });
            return next();
          });
        }
        return next();
      }).catch(function (e) {
        if (ticket === latest) show('<p class="search-empty">Search is unavailable: ' + escapeHtml(String(e.message || e)) + "</p>");
      });
    }

    function render(found, shown) {
      var toggle = Object.keys(labels).length
        ? '<label class="search-all"><input type="checkbox" data-search-all' + (allVariants ? " checked" : "") + "> All consoles</label>"
        : "";
      if (!shown.length) {
        show('<div class="search-head">' + toggle + '</div><p class="search-empty">No results for “' + escapeHtml(input.value.trim()) + "”.</p>");
        return;
      }
      var html = '<div class="search-head">' + toggle + '</div><ul role="listbox" aria-label="Search results">';
      shown.forEach(function (p, k) {
        var tags = p.variants.map(function (v) { return '<span class="search-tag">' + escapeHtml(labels[v] || v) + "</span>"; }).join("");
        if (p.caveat) tags += '<span class="search-tag search-tag-caveat">Caveat</span>';
        html += '<li role="presentation"><a class="search-result" role="option" aria-selected="false" id="search-result-' + k +
          '" href="' + escapeHtml(p.url + (p.anchor ? "#" + p.anchor : "")) + '">' +
          '<span class="search-title">' + escapeHtml(p.title) + "</span>" +
          (p.heading ? '<span class="search-heading">' + escapeHtml(p.heading) + "</span>" : "") +
          '<span class="search-snippet">' + snippet(p.text, found.terms) + "</span>" +
          (tags ? '<span class="search-tags">' + tags + "</span>" : "") + "</a></li>";
      });
      show(html + "</ul>");
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter") {
        var list = links();
        var target = list[active >= 0 ? active : 0];
        e.preventDefault();
        if (target) window.location.href = target.href;
      } else if (e.key === "Escape") { close(); }
    });
    box.addEventListener("change", function (e) {
      if (e.target.hasAttribute("data-search-all")) { allVariants = e.target.checked; run(); input.focus(); }
    });
    document.addEventListener("click", function (e) {
      if (!box.contains(e.target) && e.target !== input) close();
    });
    if (input.value) run();
  }

  return { tokenize: tokenize, stem: stem, termOf: termOf, withinOne: withinOne, attach: attach, Index: Index };
})();

if (typeof window !== "undefined" && window.document) {
  var guidepostSearchInput = document.querySelector('input[type="search"][name="q"][data-search-index]');
  if (guidepostSearchInput) GuidepostSearch.attach(guidepostSearchInput);
}
if (typeof module !== "undefined" && module.exports) module.exports = GuidepostSearch;
