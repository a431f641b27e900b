// guidepost search: runs in the reader's browser over the index files that the build
// wrote (src/search/mod.rs describes them). Loaded by guidepost.js when the search box
// is first focused, so nothing is downloaded for search before the reader uses it.
//
// A query is answered in two steps. First the postings of its words (one term chunk
// each) give every guide holding them a BM25F score computed at build time, and the
// guides are ordered: those holding every word first, among them those whose title
// holds every word, then by score. Then the fragments of the best few guides are
// fetched: their text says how close the query's words stand (a phrase counts most),
// which passages match best (the deep links shown beneath each guide), and gives the
// snippets. One result per guide.
var GuidepostSearch = (function () {
  "use strict";

  // ---- Words: the twin of src/search/text.rs (a test keeps them identical). ----
  var STOPWORDS = ["a", "am", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did",
    "do", "does", "for", "from", "has", "have", "he", "her", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "she", "should", "so",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "to", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "would", "you", "your"];
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

  var STOP = {};
  STOPWORDS.forEach(function (w) { STOP[w] = true; });

  function termOf(word) {
    return STOP.hasOwnProperty(word) ? null : stem(word);
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

  // The query's words: {term, word, typing}, stopwords left out, each term once. The
  // last word is being typed while no space follows it.
  function queryParts(query) {
    var words = tokenize(query), typing = !/\s$/.test(query), parts = [], seen = {};
    words.forEach(function (w, k) {
      var t = termOf(w);
      if (!t || seen[t]) return;
      seen[t] = true;
      parts.push({ term: t, word: w, typing: typing && k === words.length - 1 });
    });
    return parts;
  }

  // Whether a word stands for the longer words it begins: the word being typed, and
  // any word of three letters or more ("mac" finds "macOS" too).
  function expands(part) { return part.typing || part.word.length >= 3; }

  // ---- The index files: fetched when a query needs them, and kept. ----
  function Index(url) {
    this.base = url.replace(/index\.json$/, "");
    // Page URLs in the index are relative to the version's base, above search/.
    this.pageBase = this.base.replace(/search\/$/, "");
    this.url = url;
    this.files = {};
  }

  // JSON from a response: gzip-compressed (what the build writes), or plain when the
  // host has decoded it already.
  function readJson(response) {
    return response.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(stream).text();
    }).then(JSON.parse);
  }

  Index.prototype.get = function (path) {
    if (!this.files[path]) {
      this.files[path] = fetch(this.base + path).then(function (r) {
        if (!r.ok) throw new Error("search index: " + r.status + " for " + path);
        return readJson(r);
      });
    }
    return this.files[path];
  };

  Index.prototype.meta = function () { return this.get("index.json"); };

  Index.prototype.chunk = function (meta, i) { return this.get(meta.terms + "/" + i + ".jsonz"); };

  Index.prototype.fragment = function (meta, guide) {
    return this.get(meta.fragments + "/" + guide + ".jsonz");
  };

  // The chunk whose range holds `term`: the last one whose first term is <= it.
  function chunkFor(chunks, term) {
    var lo = 0, hi = chunks.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (chunks[mid] <= term) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  // Postings [guides holding the term, guide delta, value, …] into `guides` (guide →
  // {score, flags, titleWeight}), scores scaled by `weight`; a guide keeps its best
  // score. Flags are taken from terms that stand for the word (`standsFor`); any term
  // in a title gives `titleWeight` its weight.
  function addPostings(list, weight, standsFor, guides) {
    var id = 0;
    for (var i = 1; i + 1 < list.length; i += 2) {
      id += list[i];
      var value = list[i + 1], score = (value >> 2) * weight;
      var g = guides[id] || (guides[id] = { score: 0, flags: 0, titleWeight: 0 });
      if (score > g.score) g.score = score;
      if (standsFor) g.flags |= value & 3;
      if ((value & IN_TITLE) && weight > g.titleWeight) g.titleWeight = weight;
    }
  }

  var IN_TITLE = 1;
  // Weights of the terms a word stands for besides its own: words it begins (less when
  // it is a word of the index itself), and words one typo away.
  var PREFIX_WEIGHT = 0.8, PREFIX_OF_WORD_WEIGHT = 0.3, TYPO_WEIGHT = 0.7;
  // Matches at least this strong count for closeness and for headings and titles
  // holding the query ("site" in "sitemap" does not).
  var STRONG = 0.5;
  // Words a prefix stands for, at most.
  var PREFIX_TERMS = 40;
  // A word held by more than this share of the guides (or whose postings were cut)
  // adds to the score but is not required.
  var COMMON_SHARE = 1 / 3;

  // What one query word finds: {part, weights: term → weight, prefixWeight, df (guides
  // holding its own term, else its commonest stand-in), common, guides: guide →
  // {score, flags, titleWeight}}. Its own term; terms it begins (see `expands`); and
  // when none of these is in the index, for words of 5+ letters, terms one typo away.
  Index.prototype.resolve = function (meta, part) {
    var self = this;
    var found = { part: part, weights: {}, prefixWeight: 0, df: 0, common: false, guides: {} };
    function take(list, term, weight, standsFor) {
      found.weights[term] = weight;
      if (term === part.term) found.df = list[0];
      else if (!found.weights.hasOwnProperty(part.term)) found.df = Math.max(found.df, list[0]);
      if (standsFor && (list[0] > meta.guides * COMMON_SHARE || list.length < 1 + 2 * list[0])) found.common = true;
      addPostings(list, weight, standsFor, found.guides);
    }
    var i = chunkFor(meta.chunks, part.term), wanted = [Math.max(i, 0)];
    if (expands(part) && i + 1 < meta.chunks.length && meta.chunks[i + 1].indexOf(part.term) === 0) wanted.push(i + 1);
    return Promise.all(wanted.map(function (c) { return self.chunk(meta, c); })).then(function (chunks) {
      var exact = chunks.filter(function (chunk) { return chunk.hasOwnProperty(part.term); })[0];
      if (exact) take(exact[part.term], part.term, 1, true);
      if (expands(part)) {
        found.prefixWeight = exact ? PREFIX_OF_WORD_WEIGHT : PREFIX_WEIGHT;
        var n = 0;
        chunks.forEach(function (chunk) {
          Object.keys(chunk).forEach(function (t) {
            if (t === part.term || n >= PREFIX_TERMS) return;
            // Words it begins; and, while typing, stems it runs past ("licensi" → "licens").
            var begins = t.indexOf(part.term) === 0;
            var stemOf = part.typing && t.length >= 4 && t.length >= part.word.length - 3 && part.word.indexOf(t) === 0;
            if (begins || stemOf) { n++; take(chunk[t], t, found.prefixWeight, !exact); }
          });
        });
      }
      if (Object.keys(found.guides).length || part.word.length < 5) return found;
      return self.typos(meta, part.term).then(function (candidates) {
        return Promise.all(candidates.map(function (c) {
          var ci = chunkFor(meta.chunks, c);
          return ci < 0 ? null : self.chunk(meta, ci).then(function (chunk) {
            if (chunk.hasOwnProperty(c)) take(chunk[c], c, TYPO_WEIGHT, true);
          });
        })).then(function () { return found; });
      });
    });
  };

  // Indexed words one letter away from `term` (at most 6).
  Index.prototype.typos = function (meta, term) {
    var self = this;
    // A typo in the first letter moves the word elsewhere: look under its second too.
    var letters = [term[0], term[1]].filter(function (l, k, all) {
      return l && all.indexOf(l) === k && meta.letters.indexOf(l) >= 0;
    });
    return Promise.all(letters.map(function (l) {
      return self.get(meta.vocabulary + "/" + letterFile(l) + ".jsonz");
    })).then(function (lists) {
      var candidates = [];
      lists.forEach(function (words) {
        words.forEach(function (w) { if (w.length >= 4 && withinOne(w, term)) candidates.push(w); });
      });
      return candidates.slice(0, 6);
    });
  };

  function letterFile(l) {
    return /^[a-z0-9]$/i.test(l) ? l : Array.from(l).map(function (c) { return "u" + c.codePointAt(0).toString(16); }).join("");
  }

  // ---- Ranking guides by their postings. ----
  // How much a word says, by how many of the guides hold it.
  function idfOf(df, guides) {
    df = Math.max(df, 1);
    return Math.log(1 + (guides - df + 0.5) / (df + 0.5));
  }

  // The query's words that the index knows, with their idf.
  function knownParts(found, guides) {
    return found.filter(function (f) { return Object.keys(f.guides).length; }).map(function (f) {
      f.idf = idfOf(f.df, guides);
      return f;
    });
  }

  // Every guide that holds a word of the query: {id, score, covered (required words
  // held), titleAll (its title holds every word that the index knows), titleShare (the
  // share of the query's words in its title, weighted by idf), final}.
  function candidates(known) {
    var byGuide = {}, meaning = 0;
    known.forEach(function (f) {
      meaning += f.idf;
      Object.keys(f.guides).forEach(function (id) {
        var c = byGuide[id] || (byGuide[id] = { id: Number(id), score: 0, covered: 0, inTitle: 0, titleShare: 0 });
        var hit = f.guides[id];
        c.score += hit.score;
        if (!f.common) c.covered++;
        if (hit.flags & IN_TITLE) c.inTitle++;
        c.titleShare += f.idf * hit.titleWeight;
      });
    });
    return Object.keys(byGuide).map(function (id) {
      var c = byGuide[id];
      c.titleAll = c.inTitle === known.length;
      c.titleShare /= Math.max(meaning, 1e-9);
      c.final = c.score * (1 + TITLE_SHARE_BONUS * c.titleShare);
      return c;
    }).sort(byRank);
  }

  // Guides holding every required word first, among them those whose title holds
  // every word; then by score.
  function byRank(a, b) {
    return (b.covered - a.covered) || (b.titleAll - a.titleAll) || (b.final - a.final) || (a.id - b.id);
  }

  // ---- Ranking a guide's text: closeness of the words, passages, snippets. ----
  // The words of a text with their place among the text's non-stopwords, their
  // character range, and the query word each one matches (-1: none) with its weight.
  function matchWords(text, matchers, firstPos) {
    var re = /[\p{L}\p{N}]+/gu, m, pos = firstPos, out = [];
    while ((m = re.exec(text))) {
      var w = m[0].toLowerCase(), t = termOf(w);
      if (t === null) continue;
      var part = -1, weight = 0;
      for (var k = 0; k < matchers.length; k++) {
        var x = matchers[k](w, t);
        if (x > weight) { weight = x; part = k; }
      }
      out.push({ pos: pos++, part: part, weight: weight, strong: weight >= STRONG, start: m.index, end: m.index + m[0].length });
    }
    return out;
  }

  // A test per query word: how well a word (and its term) matches it, 0 for not.
  function matcherOf(f) {
    var part = f.part, grows = expands(part);
    return function (word, term) {
      if (f.weights.hasOwnProperty(term)) return f.weights[term];
      if (grows && (term.indexOf(part.term) === 0 || word.indexOf(part.word) === 0)) return f.prefixWeight;
      return 0;
    };
  }

  // The share of the query's words (weighted by idf) that strong matches among `words`
  // hold.
  function share(words, known) {
    var held = {}, total = 0, sum = 0;
    words.forEach(function (w) { if (w.strong) held[w.part] = true; });
    known.forEach(function (f, k) { total += f.idf; if (held[k]) sum += f.idf; });
    return total ? sum / total : 0;
  }

  // The shortest run of words holding the most distinct query words, with whether
  // it is the query's words in the query's order: {held, span, phrase, from}.
  function closest(words, parts) {
    var hits = words.filter(function (w) { return w.strong; });
    var best = { held: 0, span: Infinity, phrase: false, from: hits.length ? hits[0].start : 0 };
    var counts = {}, held = 0, lo = 0;
    for (var hi = 0; hi < hits.length; hi++) {
      if (!counts[hits[hi].part]) held++;
      counts[hits[hi].part] = (counts[hits[hi].part] || 0) + 1;
      while (counts[hits[lo].part] > 1) { counts[hits[lo].part]--; lo++; }
      var span = hits[hi].pos - hits[lo].pos + 1;
      if (held > best.held || (held === best.held && span < best.span)) {
        var inOrder = true;
        for (var k = lo; k < hi; k++) if (hits[k + 1].part !== hits[k].part + 1) inOrder = false;
        best = { held: held, span: span, phrase: held === parts && span === parts && inOrder, from: hits[lo].start };
      }
    }
    return best;
  }

  // How close the query's words stand, 0..1: 1 for the exact phrase, less as they
  // spread out or as fewer of them are there. Nothing for one-word queries.
  function closeness(near, parts) {
    if (parts < 2 || near.held < 2) return 0;
    var share = (near.held - 1) / (parts - 1), tight = (near.held - 1) / (near.span - 1);
    return share * tight * (near.phrase ? 1 : 0.8);
  }

  // BM25 of one passage's words against the query (headings count double).
  function passageScore(words, headingWords, idf, averageLength) {
    var tf = idf.map(function () { return 0; });
    words.forEach(function (w) { if (w.part >= 0) tf[w.part] += w.weight; });
    headingWords.forEach(function (w) { if (w.part >= 0) tf[w.part] += 2 * w.weight; });
    var norm = 1.2 * (0.5 + 0.5 * (words.length + headingWords.length) / Math.max(averageLength, 1));
    var score = 0;
    tf.forEach(function (x, k) { if (x) score += idf[k] * x * 2.2 / (x + norm); });
    return score;
  }

  // Bonus shares of the final score (the guide's BM25F score times 1 + their sum): the
  // share of the query in the title; for a title holding every word, the share of the
  // title that is the query and how close the words stand there; the share of the
  // query in the best heading; how close the words stand in the best passage.
  var TITLE_SHARE_BONUS = 0.5, TITLE_COVER_BONUS = 0.3, TITLE_CLOSE_BONUS = 0.5, HEADING_SHARE_BONUS = 0.25,
    BODY_CLOSE_BONUS = 0.3;
  // Passages shown beneath a guide.
  var PASSAGES_SHOWN = 3;

  // A guide ranked with its text: adds `final` and the passages to show; null when
  // every match is in another console's passages.
  function refine(c, fragment, known, options) {
    var n = known.length, matchers = known.map(matcherOf);
    var idf = known.map(function (f) { return f.idf; });
    var title = matchWords(fragment.title, matchers, 0);
    var summary = matchWords(fragment.summary || "", matchers, 0);
    var bonus = TITLE_SHARE_BONUS * c.titleShare;
    // A title that holds every word is better the less else it holds, and the closer
    // the words stand (a phrase best).
    if (c.titleAll && title.length) {
      var covered = title.filter(function (w) { return w.strong; }).length;
      bonus += TITLE_COVER_BONUS * covered / title.length + TITLE_CLOSE_BONUS * closeness(closest(title, n), n);
    }
    var visible = [], hiddenMatch = false, lengths = 0;
    fragment.passages.forEach(function (p, k) {
      var variants = p[2] ? p[2].split(" ") : [];
      var heading = matchWords(p[0], matchers, 0);
      // A gap between heading and text: words either side are not "close".
      var text = matchWords(p[4], matchers, heading.length + 5);
      var matched = heading.concat(text).some(function (w) { return w.part >= 0; });
      var shown = options.allVariants || !options.variant || !variants.length || variants.indexOf(options.variant) >= 0;
      if (!shown) { hiddenMatch = hiddenMatch || matched; return; }
      lengths += text.length + heading.length;
      visible.push({ index: k, heading: p[0], anchor: p[1], variants: variants, caveat: p[3], text: p[4],
                     headingWords: heading, words: text, matched: matched });
    });
    var anyVisible = visible.some(function (p) { return p.matched; }) ||
      title.concat(summary).some(function (w) { return w.part >= 0; });
    if (!anyVisible && hiddenMatch) return null;
    var average = lengths / Math.max(visible.length, 1), bestClose = closeness(closest(summary, n), n), bestHeading = 0;
    visible.forEach(function (p) {
      var near = closest(p.headingWords.concat(p.words), n);
      p.score = p.matched ? passageScore(p.words, p.headingWords, idf, average) * (1 + closeness(near, n)) : 0;
      p.from = closest(p.words, n).from;
      bestClose = Math.max(bestClose, closeness(near, n));
      bestHeading = Math.max(bestHeading, share(p.headingWords, known));
    });
    bonus += BODY_CLOSE_BONUS * bestClose + HEADING_SHARE_BONUS * bestHeading;
    c.final = c.score * (1 + bonus);
    c.fragment = fragment;
    c.summaryWords = summary;
    var ranked = visible.filter(function (p) { return p.score > 0; }).sort(function (a, b) { return (b.score - a.score) || (a.index - b.index); });
    var intro = ranked.filter(function (p) { return !p.anchor; })[0];
    var seen = {};
    c.passages = ranked.filter(function (p) {
      if (!p.anchor || seen[p.anchor]) return false;
      seen[p.anchor] = true;
      return true;
    }).slice(0, PASSAGES_SHOWN);
    // What the guide's own line shows: its opening text when that matches, else its
    // summary; without a summary and with nothing beneath, its first passage.
    c.lead = intro || null;
    if (!c.lead && !fragment.summary && !c.passages.length) c.lead = visible[0] || null;
    return c;
  }

  // Fragments fetched per round, and rounds at most: the best candidates by their
  // postings are ranked again with their text, and the next ones are fetched only
  // when passages of other consoles left too few to show.
  var CANDIDATES = 10, MAX_ROUNDS = 4;

  // Guides for a query, best first: {parts, results: [guide]} where a guide is
  // {url, title, summary, snippet, tags, passages: [{url, heading, snippet, variants, caveat}]}.
  // options: {variant, allVariants, limit}.
  Index.prototype.search = function (query, options) {
    var self = this, parts = queryParts(query), limit = options.limit || 6;
    if (!parts.length) return Promise.resolve({ parts: parts, results: [] });
    return this.meta().then(function (meta) {
      return Promise.all(parts.map(function (p) { return self.resolve(meta, p); })).then(function (found) {
        var known = knownParts(found, meta.guides), queue = candidates(known), ranked = [], round = 0;
        var settings = { variant: options.variant, allVariants: options.allVariants, guides: meta.guides };
        function next() {
          var batch = queue.splice(0, CANDIDATES);
          if (!batch.length || round++ >= MAX_ROUNDS) return finish();
          return Promise.all(batch.map(function (c) { return self.fragment(meta, c.id); })).then(function (fragments) {
            batch.forEach(function (c, k) {
              if (refine(c, fragments[k], known, settings)) ranked.push(c);
            });
            return ranked.length >= limit ? finish() : next();
          });
        }
        function finish() {
          ranked.sort(byRank);
          return { parts: found, results: ranked.slice(0, limit).map(function (c) { return self.present(c, found); }) };
        }
        return next();
      });
    });
  };

  // A ranked guide as the page shows it.
  Index.prototype.present = function (c, found) {
    var url = this.pageBase + c.fragment.url, f = c.fragment;
    var lead = c.lead;
    return {
      url: url,
      title: f.title,
      summary: f.summary || "",
      snippet: lead ? snippet(lead.text, lead.words, lead.from) : snippet(f.summary || "", c.summaryWords, 0),
      variants: lead ? lead.variants : [],
      caveat: lead ? lead.caveat : "",
      // Why it is where it is (for evaluations and the curious).
      rank: { covered: c.covered, titleAll: c.titleAll, score: c.score, final: Math.round(c.final) },
      passages: c.passages.map(function (p) {
        return { url: url + "#" + p.anchor, heading: p.heading, snippet: snippet(p.text, p.words, p.from),
                 variants: p.variants, caveat: p.caveat };
      }),
    };
  };

  // ---- Results in the page. ----
  // Guides shown; each costs a fragment file, and a few good ones beat a long list.
  var MAX_RESULTS = 6;
  // Wait for a pause in typing, so that passing prefixes fetch little.
  var DEBOUNCE_MS = 180;
  var SNIPPET_CHARS = 200;

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // About SNIPPET_CHARS of `text` from shortly before `from`, matched words in <mark>.
  function snippet(text, words, from) {
    var start = Math.max(0, from - 60);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    var end = Math.min(text.length, start + SNIPPET_CHARS);
    if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
    var out = start > 0 ? "… " : "", pos = start;
    words.forEach(function (w) {
      if (!w.strong || w.start < start || w.end > end) return;
      out += escapeHtml(text.slice(pos, w.start)) + "<mark>" + escapeHtml(text.slice(w.start, w.end)) + "</mark>";
      pos = w.end;
    });
    return out + escapeHtml(text.slice(pos, end)) + (end < text.length ? " …" : "");
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

    // Guides and the passages beneath them, in the order the arrow keys visit them.
    function links() { return box.querySelectorAll("a.search-result, a.search-subresult"); }

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
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function run() {
      var query = input.value;
      var ticket = ++latest;
      if (!query.trim()) { close(); return; }
      index.search(query, { variant: chosenVariant(), allVariants: allVariants, limit: MAX_RESULTS }).then(function (found) {
        if (ticket === latest) render(found.results);
      }).catch(function (e) {
        if (ticket === latest) show('<p class="search-empty">Search is unavailable: ' + escapeHtml(String(e.message || e)) + "</p>");
      });
    }

    function tags(variants, caveat) {
      var html = variants.map(function (v) { return '<span class="search-tag">' + escapeHtml(labels[v] || v) + "</span>"; }).join("");
      if (caveat) html += '<span class="search-tag search-tag-caveat">Caveat</span>';
      return html ? '<span class="search-tags">' + html + "</span>" : "";
    }

    function render(results) {
      var toggle = Object.keys(labels).length
        ? '<label class="search-all"><input type="checkbox" data-search-all' + (allVariants ? " checked" : "") + "> All consoles</label>"
        : "";
      if (!results.length) {
        show('<div class="search-head">' + toggle + '</div><p class="search-empty">No results for “' + escapeHtml(input.value.trim()) + "”.</p>");
        return;
      }
      var html = '<div class="search-head">' + toggle + '</div><ul role="listbox" aria-label="Search results">', k = 0;
      results.forEach(function (g) {
        html += '<li role="presentation" class="search-guide"><a class="search-result" role="option" aria-selected="false" id="search-result-' + (k++) +
          '" href="' + escapeHtml(g.url) + '"><span class="search-title">' + escapeHtml(g.title) + "</span>" +
          (g.snippet ? '<span class="search-snippet">' + g.snippet + "</span>" : "") + tags(g.variants, g.caveat) + "</a>";
        if (g.passages.length) {
          html += '<ul role="group" class="search-passages" aria-label="' + escapeHtml(g.title) + '">';
          g.passages.forEach(function (p) {
            html += '<li role="presentation"><a class="search-subresult" role="option" aria-selected="false" id="search-result-' + (k++) +
              '" href="' + escapeHtml(p.url) + '"><span class="search-heading">' + escapeHtml(p.heading) + "</span>" +
              '<span class="search-snippet">' + p.snippet + "</span>" + tags(p.variants, p.caveat) + "</a></li>";
          });
          html += "</ul>";
        }
        html += "</li>";
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

  return { tokenize: tokenize, stem: stem, termOf: termOf, withinOne: withinOne, queryParts: queryParts,
           attach: attach, Index: Index };
})();

if (typeof window !== "undefined" && window.document) {
  var guidepostSearchInput = document.querySelector('input[type="search"][name="q"][data-search-index]');
  if (guidepostSearchInput) GuidepostSearch.attach(guidepostSearchInput);
}
if (typeof module !== "undefined" && module.exports) module.exports = GuidepostSearch;
