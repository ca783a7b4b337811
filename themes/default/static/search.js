/*
 * briefing search: tokenizer, index loader and search box. Plain ES2017, no
 * modules, no fetch, no WebAssembly: the index is a set of classic scripts
 * (search/meta.js, search/t/N.js, search/LANG/dN.js) that register their data
 * with window.__briefingSearch, so search works from file:// as from a server.
 * The index format is described at the top of src/search/mod.rs.
 *
 * Tokenizer rules (version 1), the same as src/search/tokenize.rs; both are
 * tested against tests/fixtures/search/tokenize_cases.json.
 *  1. Code points are folded: full-width digits/letters (FF10-FF19, FF21-FF3A,
 *     FF41-FF5A) to ASCII, then letters lower-cased one code point at a time
 *     (kept as they are when the lower case is not one code point).
 *  2. Digit: 0-9. Letter: ASCII letters, 00C0-024F but for U+00D7 and U+00F7,
 *     0370-04FF. CJK: 3005-3007, 3040-30FF but for U+30FB, 3400-4DBF,
 *     4E00-9FFF, AC00-D7AF, F900-FAFF, 20000-3FFFF. Anything else separates.
 *  3. A run of letters is a word (first 40 kept); letters and digits split.
 *  4. A run of digits is a number; if it has at most three digits it takes
 *     ",ddd" groups (exactly three digits, not followed by a digit) without
 *     the commas, then one ".ddd" fraction; first 40 characters kept.
 *  5. A CJK run c0..cn-1 at position p: indexing yields each ci and each pair
 *     ci ci+1 at p+i; a query yields the pairs, or the character if n = 1.
 *  6. A word or number takes one position, a CJK run of n characters n.
 * Matching: a query word of 3+ letters also matches the words it begins
 * (looking in at most 4 shards, so a very common prefix may miss some);
 * numbers and CJK tokens match exactly. Every query token must match.
 */
(function () {
  'use strict';

  var NS = (window.__briefingSearch = window.__briefingSearch || {});
  var MAX_WORD = 40;
  var MIN_PREFIX = 3;
  var MAX_PREFIX_SHARDS = 4;
  var FORMAT_VERSION = 2;

  /* ---------------------------------------------------------------- tokenizer */

  function isLetter(c) {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ||
      (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x370 && c <= 0x4ff);
  }

  function isDigit(c) {
    return c >= 48 && c <= 57;
  }

  function isCjk(c) {
    return (c >= 0x3005 && c <= 0x3007) || (c >= 0x3040 && c <= 0x30ff && c !== 0x30fb) ||
      (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
  }

  function fold(c) {
    if ((c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a)) {
      c -= 0xfee0;
    }
    if (c < 128) {
      return c >= 65 && c <= 90 ? c + 32 : c;
    }
    if (isLetter(c)) {
      var lower = String.fromCodePoint(c).toLowerCase();
      var l = lower.codePointAt(0);
      if (lower.length === (l > 0xffff ? 2 : 1)) {
        return l;
      }
    }
    return c;
  }

  /*
   * Tokenizes text; mode is 'index' or 'query'. Returns tokens as
   * {t: text, pos: position, kind: 'word'|'number'|'char'|'pair',
   *  start, end: UTF-16 offsets of the token in text}.
   */
  function tokenize(text, mode) {
    var cps = [], offs = [];
    for (var k = 0; k < text.length; k++) {
      var c = text.codePointAt(k);
      offs.push(k);
      cps.push(fold(c));
      if (c > 0xffff) {
        k++;
      }
    }
    offs.push(text.length);
    var n = cps.length, out = [], i = 0, pos = 0, start, buf;
    function digit(j) {
      return j < n && isDigit(cps[j]);
    }
    while (i < n) {
      var ch = cps[i];
      start = i;
      if (isDigit(ch)) {
        buf = '';
        while (digit(i)) {
          buf += String.fromCharCode(cps[i]);
          i++;
        }
        if (i - start <= 3) {
          while (i < n && cps[i] === 44 && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4)) {
            buf += String.fromCharCode(cps[i + 1], cps[i + 2], cps[i + 3]);
            i += 4;
          }
        }
        if (i < n && cps[i] === 46 && digit(i + 1)) {
          buf += '.';
          i++;
          while (digit(i)) {
            buf += String.fromCharCode(cps[i]);
            i++;
          }
        }
        out.push({ t: buf.slice(0, MAX_WORD), pos: pos, kind: 'number', start: offs[start], end: offs[i] });
        pos++;
      } else if (isLetter(ch)) {
        buf = '';
        while (i < n && isLetter(cps[i])) {
          if (i - start < MAX_WORD) {
            buf += String.fromCodePoint(cps[i]);
          }
          i++;
        }
        out.push({ t: buf, pos: pos, kind: 'word', start: offs[start], end: offs[i] });
        pos++;
      } else if (isCjk(ch)) {
        while (i < n && isCjk(cps[i])) {
          i++;
        }
        var len = i - start;
        for (var j = 0; j < len; j++) {
          var a = String.fromCodePoint(cps[start + j]);
          if (len === 1 || mode === 'index') {
            out.push({ t: a, pos: pos + j, kind: 'char', start: offs[start + j], end: offs[start + j + 1] });
          }
          if (j + 1 < len) {
            out.push({
              t: a + String.fromCodePoint(cps[start + j + 1]), pos: pos + j, kind: 'pair',
              start: offs[start + j], end: offs[start + j + 2]
            });
          }
        }
        pos += len;
      } else {
        i++;
      }
    }
    return out;
  }

  /* ------------------------------------------------------------------- loader */

  var scripts = {};

  function loadScript(url) {
    if (!scripts[url]) {
      scripts[url] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = url;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () {
          delete scripts[url];
          s.parentNode.removeChild(s);
          reject(new Error('cannot load ' + url));
        };
        document.head.appendChild(s);
      });
    }
    return scripts[url];
  }

  var data = { meta: null, shards: {}, docs: {} };
  NS.meta = function (m) { data.meta = m; };
  NS.shard = function (i, tokens) { data.shards[i] = tokens; };
  NS.docs = function (lang, chunk, rows) { data.docs[lang + '/' + chunk] = rows; };

  /* Varint digits: '0'-'9', 'a'-'v' end a number; 'w'-'z', 'A'-'Z', '-', '_' continue it. */
  var DIGIT = (function () {
    var last = '0123456789abcdefghijklmnopqrstuv', more = 'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
    var t = new Int8Array(128).fill(-1);
    for (var i = 0; i < 32; i++) {
      t[last.charCodeAt(i)] = i;
      t[more.charCodeAt(i)] = 32 + i;
    }
    return t;
  })();

  /* Decodes one token's postings into Map(doc -> {s: score, p: positions}). */
  function decodePostings(str, isChar) {
    var vals = [], v = 0;
    for (var i = 0; i < str.length; i++) {
      var d = DIGIT[str.charCodeAt(i)];
      if (d >= 32) {
        v = v * 32 + d - 32;
      } else {
        vals.push(v * 32 + d);
        v = 0;
      }
    }
    var map = new Map(), doc = 0, k = 0, first = true;
    while (k < vals.length) {
      doc = first ? vals[k] : doc + vals[k];
      first = false;
      if (isChar) {
        map.set(doc, { s: vals[k + 1], p: [] });
        k += 2;
        continue;
      }
      var n = vals[k + 1] % 9, p = [], at = 0;
      for (var j = 0; j < n; j++) {
        at += vals[k + 2 + j];
        p.push(at);
      }
      map.set(doc, { s: Math.floor(vals[k + 1] / 9), p: p });
      k += 2 + n;
    }
    return map;
  }

  /* The index of one site (one root): loads its files and answers queries. */
  function Index(root) {
    this.root = root;
    this.http = /^https?:$/.test(location.protocol);
    this.decoded = new Map();
    this.metaPromise = null;
  }

  Index.prototype.url = function (path) {
    var v = this.http && data.meta ? '?v=' + data.meta.build : '';
    return this.root + 'search/' + path + v;
  };

  Index.prototype.meta = function () {
    var self = this;
    if (!self.metaPromise) {
      // meta.js names the build whose files the others are; over HTTP it is
      // asked for afresh (it is small) so a cached copy never outlives a rebuild.
      var fresh = self.http ? '?t=' + Date.now() : '';
      self.metaPromise = loadScript(self.root + 'search/meta.js' + fresh).then(function () {
        if (!data.meta || data.meta.v !== FORMAT_VERSION) {
          throw new Error('search index missing or of another version');
        }
        return data.meta;
      });
      self.metaPromise.catch(function () { self.metaPromise = null; });
    }
    return self.metaPromise;
  };

  /* The shard a token is in: the last one whose first token is <= it. */
  function shardOf(bounds, token) {
    var lo = 0, hi = bounds.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (bounds[mid] <= token) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /* Which shards a query term needs: [first, last]; prefix is decided here. */
  function termShards(meta, term) {
    var b = meta.shards, lo = shardOf(b, term.t), hi = lo;
    term.prefix = term.kind === 'word' && term.t.length >= MIN_PREFIX;
    if (term.prefix) {
      hi = shardOf(b, term.t + '\uffff');
      if (hi - lo + 1 > MAX_PREFIX_SHARDS) {
        hi = lo + MAX_PREFIX_SHARDS - 1;
      }
    }
    return [lo, hi];
  }

  Index.prototype.postings = function (shard, token) {
    var key = shard + ' ' + token, map = this.decoded.get(key);
    if (!map) {
      // Own properties only: a token such as "constructor" is not the
      // shard object's inherited method.
      var tokens = data.shards[shard];
      var str = Object.prototype.hasOwnProperty.call(tokens, token) ? tokens[token] : undefined;
      map = str === undefined ? new Map() : decodePostings(str, token.length <= 2 && isCjk(token.codePointAt(0)) && String.fromCodePoint(token.codePointAt(0)) === token);
      this.decoded.set(key, map);
    }
    return map;
  };

  /* Map(doc -> {s, p}) for one query term, prefix matches weighted down. */
  Index.prototype.termMatches = function (term, range) {
    if (!term.prefix) {
      return this.postings(range[0], term.t);
    }
    var out = new Map(), end = term.t + '\uffff';
    for (var s = range[0]; s <= range[1]; s++) {
      var tokens = data.shards[s];
      for (var tok in tokens) {
        if (tok >= term.t && tok < end) {
          var w = tok === term.t ? 1 : 0.5 + 0.5 * term.t.length / tok.length;
          this.postings(s, tok).forEach(function (m, doc) {
            var prev = out.get(doc), score = m.s * w;
            if (!prev) {
              out.set(doc, { s: score, p: m.p.slice() });
            } else {
              prev.s = Math.max(prev.s, score);
              prev.p = prev.p.concat(m.p);
            }
          });
        }
      }
    }
    return out;
  };

  /*
   * Runs a query: resolves to {terms, hits: [{doc, score}] best first}.
   * Every term must match; the score sums field scores weighted by rarity and
   * grows with the share of query neighbours that are neighbours in the text.
   */
  Index.prototype.search = function (query) {
    var self = this, occ = tokenize(query, 'query');
    if (!occ.length) {
      return Promise.resolve({ terms: [], hits: [] });
    }
    return self.meta().then(function (meta) {
      // Maps keyed by text have no prototype: a term such as "constructor"
      // must not find an inherited property.
      var terms = [], byText = Object.create(null);
      occ.forEach(function (o) {
        if (!byText[o.t]) {
          byText[o.t] = { t: o.t, kind: o.kind };
          terms.push(byText[o.t]);
        }
      });
      var ranges = terms.map(function (t) { return termShards(meta, t); });
      var need = [];
      ranges.forEach(function (r) {
        for (var s = r[0]; s <= r[1]; s++) {
          if (meta.shards.length && !data.shards[s] && need.indexOf(s) < 0) {
            need.push(s);
          }
        }
      });
      return Promise.all(need.map(function (s) { return loadScript(self.url('t/' + s + '.js')); })).then(function () {
        if (!meta.shards.length) {
          return { terms: terms, hits: [] };
        }
        terms.forEach(function (t, i) { t.m = self.termMatches(t, ranges[i]); });
        return { terms: terms, hits: rank(meta, terms, occ, byText) };
      });
    });
  };

  function rank(meta, terms, occ, byText) {
    var sorted = terms.slice().sort(function (a, b) { return a.m.size - b.m.size; });
    var hits = [];
    if (!sorted[0].m.size) {
      return hits;
    }
    terms.forEach(function (t) { t.idf = Math.log(1 + meta.docs / Math.max(1, t.m.size)); });
    sorted[0].m.forEach(function (_, doc) {
      var score = 0;
      for (var i = 0; i < sorted.length; i++) {
        var m = sorted[i].m.get(doc);
        if (!m) {
          return;
        }
        score += m.s * sorted[i].idf;
      }
      var pairs = 0, adjacent = 0;
      for (var k = 1; k < occ.length; k++) {
        var a = byText[occ[k - 1].t].m.get(doc), b = byText[occ[k].t].m.get(doc);
        var gap = occ[k].pos - occ[k - 1].pos;
        if (!a.p.length || !b.p.length || gap <= 0) {
          continue;
        }
        pairs++;
        if (a.p.some(function (p) { return b.p.indexOf(p + gap) >= 0; })) {
          adjacent++;
        }
      }
      hits.push({ doc: doc, score: score * (1 + (pairs ? adjacent / pairs : 0)) });
    });
    hits.sort(function (x, y) { return y.score - x.score || y.doc - x.doc; });
    return hits;
  }

  /* The row [url, title, zone, date, textLang, text] of doc in lang. */
  Index.prototype.row = function (lang, doc) {
    var self = this;
    return self.meta().then(function (meta) {
      var chunk = Math.floor(doc / meta.chunk), key = lang + '/' + chunk;
      var have = data.docs[key] ? Promise.resolve() : loadScript(self.url(lang + '/d' + chunk + '.js'));
      return have.then(function () { return data.docs[key][doc % meta.chunk]; });
    });
  };

  /* --------------------------------------------------------------- highlight */

  function matchesTerm(tok, terms) {
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (tok.t === t.t || (t.prefix && tok.kind === 'word' && tok.t.indexOf(t.t) === 0)) {
        return t.t;
      }
    }
    return null;
  }

  /* Matched ranges of text: [{start, end, term}] merged where they touch. */
  function highlights(text, terms) {
    var out = [];
    tokenize(text, 'index').forEach(function (tok) {
      var term = matchesTerm(tok, terms);
      if (term === null) {
        return;
      }
      var last = out[out.length - 1];
      if (last && tok.start <= last.end) {
        last.end = Math.max(last.end, tok.end);
        last.terms[term] = 1;
      } else {
        var terms1 = Object.create(null);
        terms1[term] = 1;
        out.push({ start: tok.start, end: tok.end, terms: terms1 });
      }
    });
    return out;
  }

  var CJK_TEXT = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

  /* The window of text with the most distinct matched terms: {text, marks, cutStart, cutEnd}. */
  function snippet(text, terms) {
    var marks = highlights(text, terms);
    var width = CJK_TEXT.test(text.slice(0, 200)) ? 90 : 170;
    var best = 0, bestCount = -1;
    for (var i = 0; i < marks.length; i++) {
      var seen = Object.create(null), count = 0;
      for (var j = i; j < marks.length && marks[j].end <= marks[i].start + width; j++) {
        for (var t in marks[j].terms) {
          if (!seen[t]) {
            seen[t] = 1;
            count++;
          }
        }
      }
      if (count > bestCount) {
        best = i;
        bestCount = count;
      }
    }
    var from = 0;
    if (marks.length) {
      from = Math.max(0, marks[best].start - Math.floor(width / 4));
      if (from > 0) {
        var space = text.lastIndexOf(' ', marks[best].start);
        if (space >= from - 20 && space < marks[best].start) {
          from = space + 1;
        }
      }
    }
    var to = Math.min(text.length, from + width);
    return {
      text: text.slice(from, to),
      marks: marks.filter(function (m) { return m.start >= from && m.end <= to; })
        .map(function (m) { return { start: m.start - from, end: m.end - from }; }),
      cutStart: from > 0,
      cutEnd: to < text.length,
      matched: marks.length > 0
    };
  }

  /* Appends text to el with the given ranges wrapped in <mark>. */
  function appendMarked(el, text, marks) {
    var at = 0;
    marks.forEach(function (m) {
      el.appendChild(document.createTextNode(text.slice(at, m.start)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(m.start, m.end);
      el.appendChild(mark);
      at = m.end;
    });
    el.appendChild(document.createTextNode(text.slice(at)));
  }

  /* ------------------------------------------------------------------------ UI */

  var indexes = {};
  var boxCount = 0;

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  /* A search box: 'header' mode shows a dropdown, 'page' mode the full results. */
  function SearchBox(form) {
    // The page's search settings (#bsearch-config), then the form's own.
    var config = document.getElementById('bsearch-config');
    var ds = Object.assign({}, config ? config.dataset : {}, form.dataset);
    this.form = form;
    this.page = ds.mode === 'page';
    this.lang = ds.lang;
    this.root = ds.root || './';
    this.index = indexes[this.root] || (indexes[this.root] = new Index(this.root));
    this.input = form.querySelector('.bsearch-input');
    this.list = form.querySelector('.bsearch-list, .bsearch-results');
    this.status = form.querySelector('[role=status]');
    this.empty = form.querySelector('.bsearch-empty');
    this.more = form.querySelector('.bsearch-more');
    this.t = {
      none: ds.tNone, count: ds.tCount, one: ds.tOne, all: ds.tAll, error: ds.tError
    };
    this.limit = this.page ? 10 : 8;
    this.hits = [];
    this.shown = 0;
    this.active = -1;
    this.seq = 0;
    this.id = 'bsearch' + boxCount++;
    if (!this.list.id) {
      this.list.id = this.id + '-list';
    }
    if (!this.page) {
      this.input.setAttribute('aria-controls', this.list.id);
    }
    form.hidden = false;
    this.bind();
    if (this.page) {
      var q = new URLSearchParams(location.search).get('q');
      if (q) {
        this.input.value = q;
        this.run();
      }
    }
  }

  SearchBox.prototype.bind = function () {
    var self = this;
    var later = debounce(function () { self.run(); }, 120);
    self.input.addEventListener('input', later);
    self.input.addEventListener('keydown', function (e) { self.key(e); });
    self.form.addEventListener('submit', function (e) {
      if (self.page || !self.input.value.trim()) {
        e.preventDefault();
        if (self.page) {
          self.run();
        }
      }
    });
    if (!self.page) {
      self.input.addEventListener('focus', function () {
        if (self.hits.length || self.input.value.trim()) {
          self.open(true);
        }
      });
      self.form.addEventListener('focusout', function (e) {
        if (!self.form.contains(e.relatedTarget)) {
          self.open(false);
        }
      });
    }
    if (self.page) {
      self.list.addEventListener('keydown', function (e) {
        var links = Array.prototype.slice.call(self.list.querySelectorAll('.bsearch-title'));
        var at = links.indexOf(e.target);
        if (at >= 0) {
          self.pageKey(e, at);
        }
      });
    } else {
      // Keep the focus in the input while an option is clicked.
      self.list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    }
    if (self.more) {
      self.more.addEventListener('click', function () { self.render(self.shown + self.limit); });
    }
  };

  SearchBox.prototype.key = function (e) {
    if (this.page) {
      this.pageKey(e, -1);
      return;
    }
    var opts = this.list.querySelectorAll('[role=option]');
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!opts.length) {
        return;
      }
      e.preventDefault();
      this.open(true);
      var step = e.key === 'ArrowDown' ? 1 : -1;
      var next = this.active + step;
      if (next < 0) {
        next = opts.length - 1;
      } else if (next >= opts.length) {
        next = 0;
      }
      this.activate(next);
    } else if (e.key === 'Enter') {
      if (this.active >= 0 && opts[this.active]) {
        e.preventDefault();
        location.href = opts[this.active].getAttribute('data-href');
      }
    } else if (e.key === 'Escape') {
      if (!this.list.hidden) {
        e.preventDefault();
        this.open(false);
      } else if (this.input.value) {
        e.preventDefault();
        this.input.value = '';
        this.run();
      }
    }
  };

  /*
   * On the search page the results are plain links: arrows move the focus from
   * the input (at = -1) through them, Escape goes back to the input, Enter
   * follows the focused link.
   */
  SearchBox.prototype.pageKey = function (e, at) {
    var links = this.list.querySelectorAll('.bsearch-title');
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      var next = at + (e.key === 'ArrowDown' ? 1 : -1);
      if (next >= links.length || (at === -1 && next < 0)) {
        return;
      }
      e.preventDefault();
      (next < 0 ? this.input : links[next]).focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (at === -1) {
        this.input.value = '';
        this.run();
      } else {
        this.input.focus();
      }
    }
  };

  SearchBox.prototype.activate = function (i) {
    if (this.page) {
      return;
    }
    var opts = this.list.querySelectorAll('[role=option]');
    for (var k = 0; k < opts.length; k++) {
      opts[k].setAttribute('aria-selected', k === i ? 'true' : 'false');
    }
    this.active = i;
    if (i >= 0 && opts[i]) {
      this.input.setAttribute('aria-activedescendant', opts[i].id);
      if (opts[i].scrollIntoView) {
        opts[i].scrollIntoView({ block: 'nearest' });
      }
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  };

  SearchBox.prototype.open = function (on) {
    if (this.page) {
      return;
    }
    var show = on && this.list.children.length > 0;
    this.list.hidden = !show;
    if (show) {
      // Open towards the side with room: a box near the right edge opens leftwards.
      var box = this.form.getBoundingClientRect();
      this.list.classList.toggle('bsearch-end', box.left + this.list.offsetWidth > document.documentElement.clientWidth);
    }
    this.input.setAttribute('aria-expanded', show ? 'true' : 'false');
    if (this.empty) {
      this.empty.hidden = !(on && this.hits.length === 0 && this.input.value.trim() !== '' && this.done);
    }
    if (!on) {
      this.activate(-1);
    }
  };

  /* Announces `text`; `echoed`: a message on the page already shows the
     same words, so the status is announced but not shown. */
  SearchBox.prototype.say = function (text, echoed) {
    this.status.textContent = text;
    this.status.toggleAttribute('data-echoed', !!echoed);
  };

  SearchBox.prototype.countText = function (n) {
    if (n === 0) {
      return this.t.none;
    }
    return n === 1 ? this.t.one : this.t.count.replace('{n}', String(n));
  };

  SearchBox.prototype.run = function () {
    var self = this, q = self.input.value.trim(), seq = ++self.seq;
    if (self.page) {
      updateUrl(q);
    }
    self.done = false;
    if (!q) {
      self.hits = [];
      self.terms = [];
      self.clear();
      self.say('');
      if (self.empty) {
        self.empty.hidden = true;
      }
      self.open(false);
      return Promise.resolve();
    }
    self.form.setAttribute('aria-busy', 'true');
    var started = performance.now();
    return self.index.search(q).then(function (res) {
      if (seq !== self.seq) {
        return null;
      }
      self.hits = res.hits;
      self.terms = res.terms;
      self.lastQueryMs = performance.now() - started;
      return self.render(self.limit).then(function () {
        if (seq !== self.seq) {
          return;
        }
        self.done = true;
        // On the page, the no-results message says what the status would.
        self.say(self.countText(res.hits.length), self.page && res.hits.length === 0 && !!self.empty);
        if (self.empty) {
          self.empty.textContent = self.t.none;
          self.empty.hidden = res.hits.length > 0;
        }
        self.open(document.activeElement === self.input || self.page);
        self.form.removeAttribute('aria-busy');
        self.form.setAttribute('data-state', 'done');
      });
    }).catch(function (err) {
      if (seq === self.seq) {
        self.clear();
        self.say(self.t.error);
        self.form.removeAttribute('aria-busy');
        self.form.setAttribute('data-state', 'error');
      }
      if (window.console) {
        console.error(err);
      }
    });
  };

  SearchBox.prototype.clear = function () {
    this.form.removeAttribute('data-state');
    this.list.textContent = '';
    this.shown = 0;
    this.activate(-1);
    if (this.more) {
      this.more.hidden = true;
    }
  };

  /* Shows the first `upto` hits (loading their rows), replacing what was shown. */
  SearchBox.prototype.render = function (upto) {
    var self = this, seq = self.seq;
    var hits = self.hits.slice(0, upto);
    return Promise.all(hits.map(function (h) { return self.index.row(self.lang, h.doc); })).then(function (rows) {
      return Promise.all(rows.map(function (row, i) { return self.snippetFor(hits[i].doc, row); })).then(function (snips) {
        if (seq !== self.seq) {
          return;
        }
        var keep = self.active;
        self.list.textContent = '';
        rows.forEach(function (row, i) { self.list.appendChild(self.option(i, row, snips[i])); });
        if (!self.page && self.hits.length > hits.length) {
          self.list.appendChild(self.allOption(hits.length));
        }
        self.shown = hits.length;
        if (self.more) {
          self.more.hidden = self.hits.length <= self.shown;
        }
        self.activate(keep < self.list.children.length ? keep : -1);
      });
    });
  };

  /* A snippet from the page-language text, or else from another language's text that matched. */
  SearchBox.prototype.snippetFor = function (doc, row) {
    var self = this, terms = self.terms, first = snippet(row[5], terms);
    first.lang = row[4];
    if (first.matched || !data.meta) {
      return Promise.resolve(first);
    }
    var others = data.meta.langs.filter(function (l) { return l !== self.lang && l !== row[4]; });
    if (!others.length) {
      return Promise.resolve(first);
    }
    return self.index.row(others[0], doc).then(function (other) {
      if (other[4] === row[4]) {
        return first;
      }
      var s = snippet(other[5], terms);
      s.lang = other[4];
      return s.matched ? s : first;
    }, function () { return first; });
  };

  /*
   * One result. In the dropdown it is a listbox option (no link inside: the
   * option itself opens the page); on the search page a list item with a link.
   */
  SearchBox.prototype.option = function (i, row, snip) {
    var li = document.createElement('li');
    li.className = 'bsearch-hit';
    var href = this.root + row[0];
    var title = document.createElement(this.page ? 'a' : 'span');
    title.className = 'bsearch-title';
    if (this.page) {
      title.href = href;
    } else {
      this.asOption(li, i, href);
    }
    if (row[4] !== this.lang) {
      title.lang = row[4];
    }
    appendMarked(title, row[1], highlights(row[1], this.terms));
    li.appendChild(title);
    var meta = document.createElement('span');
    meta.className = 'bsearch-meta';
    meta.textContent = [row[2], row[3]].filter(Boolean).join(' · ');
    li.appendChild(meta);
    var p = document.createElement('span');
    p.className = 'bsearch-snippet';
    if (snip.lang !== this.lang) {
      p.lang = snip.lang;
    }
    var shift = snip.cutStart ? 1 : 0;
    appendMarked(p, (snip.cutStart ? '…' : '') + snip.text + (snip.cutEnd ? '…' : ''),
      snip.marks.map(function (m) { return { start: m.start + shift, end: m.end + shift }; }));
    li.appendChild(p);
    return li;
  };

  /* Makes li the i-th dropdown option, opening href when chosen. */
  SearchBox.prototype.asOption = function (li, i, href) {
    var self = this;
    li.id = self.id + '-opt-' + i;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    li.setAttribute('data-href', href);
    li.addEventListener('click', function () {
      self.activate(i);
      location.href = href;
    });
  };

  /* The last dropdown option: every result on the search page. */
  SearchBox.prototype.allOption = function (i) {
    var li = document.createElement('li');
    li.className = 'bsearch-all';
    this.asOption(li, i, this.form.getAttribute('action') + '?q=' + encodeURIComponent(this.input.value.trim()));
    li.textContent = this.t.all.replace('{n}', String(this.hits.length));
    return li;
  };

  function updateUrl(q) {
    try {
      var url = location.pathname + (q ? '?q=' + encodeURIComponent(q) : '') + location.hash;
      history.replaceState(null, '', url);
    } catch (e) {
      // Some browsers refuse replaceState on file:// pages; the deep link is optional there.
    }
  }

  /* "/" focuses the search box (the page's own box on the search page). */
  function slashFocus(boxes) {
    document.addEventListener('keydown', function (e) {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) {
        return;
      }
      var el = document.activeElement;
      if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) {
        return;
      }
      var target = boxes.filter(function (b) { return b.page; })[0] || boxes[0];
      if (target) {
        e.preventDefault();
        target.input.focus();
        target.input.select();
      }
    });
  }

  function init() {
    var forms = document.querySelectorAll('form[data-bsearch]');
    var onSearchPage = !!document.querySelector('form[data-bsearch][data-mode=page]');
    var boxes = [];
    for (var i = 0; i < forms.length; i++) {
      // On the search page its own box replaces the header's (one search landmark).
      if (!onSearchPage || forms[i].getAttribute('data-mode') === 'page') {
        boxes.push(new SearchBox(forms[i]));
      }
    }
    NS.boxes = boxes;
    if (boxes.length) {
      slashFocus(boxes);
    }
  }

  NS.tokenize = tokenize;
  NS.search = function (root, query) { return (indexes[root] || (indexes[root] = new Index(root))).search(query); };
  NS.highlights = highlights;
  NS.data = data; // what the loaded index files registered (tests, debugging)

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
