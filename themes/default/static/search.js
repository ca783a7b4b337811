/*
 * briefing search: tokenizer, index loader, the search core and its two
 * widgets (the header's box and the search page).
 *
 * JavaScript level: ES2017 (classes, const/let, arrow functions, async/await,
 * Map/Set), nothing later (no object spread, optional chaining or class
 * fields); no modules, no fetch, no WebAssembly, no build step. The index is
 * a set of classic scripts (search/meta.js, search/t/N.js, search/LANG/dN.js)
 * that register their data with window.__briefingSearch, so search works from
 * file:// as from a server. The index format is described at the top of
 * src/emit/search/mod.rs, the tokenizer's rules (which queries follow here)
 * at the top of src/emit/search/tokenize.rs; both sides are tested against
 * tests/fixtures/search/tokenize_cases.json. A query word of MIN_PREFIX or
 * more letters also matches the words it begins, looking in at most
 * MAX_PREFIX_SHARDS shards (so a very common prefix may miss some); every
 * query token must match.
 */
(() => {
  'use strict';

  const NS = (window.__briefingSearch = window.__briefingSearch || {});

  /* Shared with Rust: begin. Each is a constant of the same name and value
     in src/emit/search/, which src/emit/search/js_contract.rs checks by
     reading these lines: one `const NAME = value;` a line, values JSON but
     for 'quotes' and hex numbers. */
  const FORMAT_VERSION = 2;
  const MAX_WORD = 40;
  const GROUP_DIGITS = 3;
  const MIN_PREFIX = 3;
  const MAX_PREFIX_SHARDS = 4;
  const POSITION_COUNTS = 9;
  const VARINT_LAST = '0123456789abcdefghijklmnopqrstuv';
  const VARINT_MORE = 'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  const DOC_ROW_FIELDS = ['url', 'title', 'zone', 'date', 'textLang', 'text'];
  const FULL_WIDTH_RANGES = [[0xff10, 0xff19], [0xff21, 0xff3a], [0xff41, 0xff5a]];
  const FULL_WIDTH_OFFSET = 0xfee0;
  const LETTER_RANGES = [[0x41, 0x5a], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6], [0xf8, 0x24f], [0x370, 0x4ff]];
  const CJK_RANGES = [[0x3005, 0x3007], [0x3040, 0x30fa], [0x30fc, 0x30ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xac00, 0xd7af], [0xf900, 0xfaff], [0x20000, 0x3ffff]];
  /* Shared with Rust: end. */

  /* Code points the tokenizer names. */
  const ASCII_END = 0x80;
  const UPPER_A = 0x41;
  const UPPER_Z = 0x5a;
  const TO_LOWER = 0x20;
  const DIGIT_0 = 0x30;
  const DIGIT_9 = 0x39;
  const COMMA = 0x2c;
  const POINT = 0x2e;
  const LAST_BMP = 0xffff;

  /* Sorts after every token that begins with a given prefix. */
  const PREFIX_END = '\uffff';
  /* Results shown at once: in the header's dropdown, and per page of the search page. */
  const DROPDOWN_RESULTS = 8;
  const PAGE_RESULTS = 10;
  /* Quiet time after a keystroke before the query runs, in ms. */
  const TYPING_PAUSE_MS = 120;
  /* Snippet window in UTF-16 units: narrower for CJK text, which is denser. */
  const SNIPPET_WIDTH = 170;
  const SNIPPET_WIDTH_CJK = 90;
  /* Text that makes a snippet CJK, looked for in its first CJK_SNIFF units. */
  const CJK_TEXT = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;
  const CJK_SNIFF = 200;
  /* The share of the window shown before the first mark, and how far back
     (in UTF-16 units) the start moves to begin at a word. */
  const SNIPPET_LEAD = 0.25;
  const WORD_START_REACH = 20;
  const ELLIPSIS = '…';

  /* ---------------------------------------------------------------- tokenizer */

  function inRanges(c, ranges) {
    for (const [lo, hi] of ranges) {
      if (c >= lo && c <= hi) {
        return true;
      }
    }
    return false;
  }

  const isDigit = (c) => c >= DIGIT_0 && c <= DIGIT_9;
  const isLetter = (c) => inRanges(c, LETTER_RANGES);
  const isCjk = (c) => inRanges(c, CJK_RANGES);

  /* Rule 1: full-width forms to ASCII, then lower case. */
  function fold(c) {
    if (inRanges(c, FULL_WIDTH_RANGES)) {
      c -= FULL_WIDTH_OFFSET;
    }
    if (c < ASCII_END) {
      return c >= UPPER_A && c <= UPPER_Z ? c + TO_LOWER : c;
    }
    if (isLetter(c)) {
      const lower = String.fromCodePoint(c).toLowerCase();
      const l = lower.codePointAt(0);
      if (lower.length === (l > LAST_BMP ? 2 : 1)) {
        return l;
      }
    }
    return c;
  }

  /*
   * One text's tokens, mode 'index' or 'query': {text, pos: position,
   * kind: 'word'|'number'|'char'|'pair', start, end: UTF-16 offsets in the text}.
   * The rules' numbers are those of src/emit/search/tokenize.rs.
   */
  class Tokenizer {
    constructor(text, mode) {
      this.mode = mode;
      this.cps = []; // the text's code points, folded
      this.offsets = []; // where each begins in the text, then the text's length
      for (let k = 0; k < text.length; k++) {
        const c = text.codePointAt(k);
        this.offsets.push(k);
        this.cps.push(fold(c));
        if (c > LAST_BMP) {
          k++;
        }
      }
      this.offsets.push(text.length);
      this.tokens = [];
      this.pos = 0;
    }

    run() {
      const cps = this.cps;
      let i = 0;
      while (i < cps.length) {
        if (isDigit(cps[i])) {
          i = this.number(i);
        } else if (isLetter(cps[i])) {
          i = this.word(i);
        } else if (isCjk(cps[i])) {
          i = this.cjk(i);
        } else {
          i++;
        }
      }
      return this.tokens;
    }

    push(text, kind, from, to, pos) {
      this.tokens.push({ text, pos, kind, start: this.offsets[from], end: this.offsets[to] });
    }

    digitAt(i) {
      return i < this.cps.length && isDigit(this.cps[i]);
    }

    digitsFrom(from, to) {
      let digits = '';
      for (let k = from; k < to; k++) {
        digits += String.fromCharCode(this.cps[k]);
      }
      return digits;
    }

    /* Rule 4; returns where the number ends. */
    number(start) {
      const cps = this.cps;
      let i = start;
      while (this.digitAt(i)) {
        i++;
      }
      let text = this.digitsFrom(start, i);
      if (i - start <= GROUP_DIGITS) {
        while (cps[i] === COMMA && this.isGroup(i + 1)) {
          text += this.digitsFrom(i + 1, i + 1 + GROUP_DIGITS);
          i += 1 + GROUP_DIGITS;
        }
      }
      if (cps[i] === POINT && this.digitAt(i + 1)) {
        const from = ++i;
        while (this.digitAt(i)) {
          i++;
        }
        text += '.' + this.digitsFrom(from, i);
      }
      this.push(text.slice(0, MAX_WORD), 'number', start, i, this.pos++);
      return i;
    }

    /* Whether a group of exactly GROUP_DIGITS digits starts at i. */
    isGroup(i) {
      for (let k = i; k < i + GROUP_DIGITS; k++) {
        if (!this.digitAt(k)) {
          return false;
        }
      }
      return !this.digitAt(i + GROUP_DIGITS);
    }

    /* Rule 3; returns where the word ends. */
    word(start) {
      let i = start;
      while (i < this.cps.length && isLetter(this.cps[i])) {
        i++;
      }
      const text = String.fromCodePoint(...this.cps.slice(start, Math.min(i, start + MAX_WORD)));
      this.push(text, 'word', start, i, this.pos++);
      return i;
    }

    /* Rule 5; returns where the CJK run ends. */
    cjk(start) {
      const cps = this.cps;
      let end = start;
      while (end < cps.length && isCjk(cps[end])) {
        end++;
      }
      const len = end - start;
      for (let j = 0; j < len; j++) {
        const at = start + j;
        const char = String.fromCodePoint(cps[at]);
        if (len === 1 || this.mode === 'index') {
          this.push(char, 'char', at, at + 1, this.pos + j);
        }
        if (j + 1 < len) {
          this.push(char + String.fromCodePoint(cps[at + 1]), 'pair', at, at + 2, this.pos + j);
        }
      }
      this.pos += len;
      return end;
    }
  }

  const tokenize = (text, mode) => new Tokenizer(text, mode).run();

  /* ------------------------------------------------------------- index files */

  const scripts = new Map();

  /* Loads a classic script once; a failed load may be tried again. */
  function loadScript(url) {
    if (!scripts.has(url)) {
      scripts.set(url, new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = url;
        s.async = true;
        s.onload = () => resolve();
        s.onerror = () => {
          scripts.delete(url);
          s.remove();
          reject(new Error('cannot load ' + url));
        };
        document.head.appendChild(s);
      }));
    }
    return scripts.get(url);
  }

  /* What the loaded index files registered. A document chunk's rows are read
     into objects with the fields DOC_ROW_FIELDS names, once. */
  const data = { meta: null, shards: {}, docs: {} };
  const chunkKey = (lang, chunk) => lang + '/' + chunk;

  function namedRow(row) {
    const named = {};
    DOC_ROW_FIELDS.forEach((field, i) => {
      named[field] = row[i];
    });
    return named;
  }

  NS.meta = (meta) => {
    data.meta = meta;
  };
  NS.shard = (i, tokens) => {
    data.shards[i] = tokens;
  };
  NS.docs = (lang, chunk, rows) => {
    data.docs[chunkKey(lang, chunk)] = rows.map(namedRow);
  };

  /* A varint digit's value: 0 to VARINT_BASE - 1 for a last digit, VARINT_BASE
     more for a digit that another follows, -1 for no digit. */
  const VARINT_BASE = VARINT_LAST.length;
  const DIGIT_VALUE = (() => {
    const table = new Int8Array(ASCII_END).fill(-1);
    for (let v = 0; v < VARINT_BASE; v++) {
      table[VARINT_LAST.charCodeAt(v)] = v;
      table[VARINT_MORE.charCodeAt(v)] = VARINT_BASE + v;
    }
    return table;
  })();

  function decodeVarints(str) {
    const values = [];
    let v = 0;
    for (let i = 0; i < str.length; i++) {
      const d = DIGIT_VALUE[str.charCodeAt(i)];
      if (d >= VARINT_BASE) {
        v = v * VARINT_BASE + d - VARINT_BASE;
      } else {
        values.push(v * VARINT_BASE + d);
        v = 0;
      }
    }
    return values;
  }

  /* Whether a token is one CJK character, whose postings have no positions. */
  function isCjkChar(token) {
    const c = token.codePointAt(0);
    return isCjk(c) && String.fromCodePoint(c) === token;
  }

  /* One token's postings: Map(doc -> {score, positions}). Per document: its
     number (the first absolute, the rest as differences), then for a single
     CJK character its score, for other tokens score * POSITION_COUNTS + count
     and `count` positions (the first absolute, the rest as differences). */
  function decodePostings(str, isChar) {
    const v = decodeVarints(str);
    const map = new Map();
    let doc = 0;
    for (let k = 0; k < v.length;) {
      doc = k === 0 ? v[k] : doc + v[k];
      const head = v[k + 1];
      k += 2;
      if (isChar) {
        map.set(doc, { score: head, positions: [] });
        continue;
      }
      const count = head % POSITION_COUNTS;
      const positions = [];
      let at = 0;
      for (let j = 0; j < count; j++) {
        at += v[k + j];
        positions.push(at);
      }
      map.set(doc, { score: Math.floor(head / POSITION_COUNTS), positions });
      k += count;
    }
    return map;
  }

  /* The shard a token is in: the last one whose first token is <= it. */
  function shardOf(bounds, token) {
    let lo = 0;
    let hi = bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bounds[mid] <= token) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /* ---------------------------------------------------------- the search core */

  /* The distinct terms of a query's tokens, in order: {text, kind, prefix}. */
  function queryTerms(tokens) {
    const seen = new Set();
    const terms = [];
    for (const { text, kind } of tokens) {
      if (!seen.has(text)) {
        seen.add(text);
        terms.push({ text, kind, prefix: kind === 'word' && text.length >= MIN_PREFIX });
      }
    }
    return terms;
  }

  /* The shards a term needs, [first, last]. */
  function termShards(meta, term) {
    const first = shardOf(meta.shards, term.text);
    if (!term.prefix) {
      return [first, first];
    }
    const last = shardOf(meta.shards, term.text + PREFIX_END);
    return [first, Math.min(last, first + MAX_PREFIX_SHARDS - 1)];
  }

  /* A word that a query term begins weighs 0.5 to 1: the more of it the term covers, the more. */
  const prefixWeight = (term, token) => (token === term ? 1 : 0.5 + 0.5 * term.length / token.length);

  /* The index of one site (one root): loads its files and answers queries. */
  class Index {
    constructor(root) {
      this.root = root;
      this.http = /^https?:$/.test(location.protocol);
      this.decoded = new Map(); // "shard token" -> postings
      this.metaPromise = null;
    }

    url(path) {
      const v = this.http && data.meta ? '?v=' + data.meta.build : '';
      return this.root + 'search/' + path + v;
    }

    meta() {
      if (!this.metaPromise) {
        this.metaPromise = this.loadMeta();
        this.metaPromise.catch(() => {
          this.metaPromise = null;
        });
      }
      return this.metaPromise;
    }

    async loadMeta() {
      // meta.js names the build whose files the others are; over HTTP it is
      // asked for afresh (it is small) so a cached copy never outlives a rebuild.
      const fresh = this.http ? '?t=' + Date.now() : '';
      await loadScript(this.root + 'search/meta.js' + fresh);
      if (!data.meta || data.meta.v !== FORMAT_VERSION) {
        throw new Error('search index missing or of another version');
      }
      return data.meta;
    }

    postings(shard, token) {
      const key = shard + ' ' + token;
      let map = this.decoded.get(key);
      if (!map) {
        // Own properties only: a token such as "constructor" is not the
        // shard object's inherited method.
        const tokens = data.shards[shard];
        const str = Object.prototype.hasOwnProperty.call(tokens, token) ? tokens[token] : undefined;
        map = str === undefined ? new Map() : decodePostings(str, isCjkChar(token));
        this.decoded.set(key, map);
      }
      return map;
    }

    /* Map(doc -> {score, positions}) for one query term, prefix matches weighted down. */
    termMatches(term) {
      const [first, last] = term.shards;
      if (!term.prefix) {
        return this.postings(first, term.text);
      }
      const out = new Map();
      const end = term.text + PREFIX_END;
      for (let s = first; s <= last; s++) {
        for (const token in data.shards[s]) {
          if (token < term.text || token >= end) {
            continue;
          }
          const weight = prefixWeight(term.text, token);
          this.postings(s, token).forEach((m, doc) => {
            const prev = out.get(doc);
            const score = m.score * weight;
            if (!prev) {
              out.set(doc, { score, positions: m.positions.slice() });
            } else {
              prev.score = Math.max(prev.score, score);
              prev.positions = prev.positions.concat(m.positions);
            }
          });
        }
      }
      return out;
    }

    /* Runs a query: {terms, hits: [{doc, score}] best first}. */
    async search(query) {
      const tokens = tokenize(query, 'query');
      if (!tokens.length) {
        return { terms: [], hits: [] };
      }
      const meta = await this.meta();
      const terms = queryTerms(tokens);
      const need = new Set();
      for (const term of terms) {
        term.shards = termShards(meta, term);
        for (let s = term.shards[0]; s <= term.shards[1]; s++) {
          if (meta.shards.length && !data.shards[s]) {
            need.add(s);
          }
        }
      }
      await Promise.all(Array.from(need, (s) => loadScript(this.url('t/' + s + '.js'))));
      if (!meta.shards.length) {
        return { terms, hits: [] };
      }
      for (const term of terms) {
        term.matches = this.termMatches(term);
      }
      return { terms, hits: rank(meta, terms, tokens) };
    }

    /* The row {url, title, zone, date, textLang, text} of doc in lang. */
    async row(lang, doc) {
      const meta = await this.meta();
      const chunk = Math.floor(doc / meta.chunk);
      const key = chunkKey(lang, chunk);
      if (!data.docs[key]) {
        await loadScript(this.url(lang + '/d' + chunk + '.js'));
      }
      return data.docs[key][doc % meta.chunk];
    }
  }

  /*
   * The documents every term matches, best first. The score sums field scores
   * weighted by rarity and grows with the share of query neighbours that are
   * neighbours in the text; ties rank the newer document (higher number) first.
   */
  function rank(meta, terms, tokens) {
    const rarest = terms.slice().sort((a, b) => a.matches.size - b.matches.size);
    if (!rarest[0].matches.size) {
      return [];
    }
    for (const term of terms) {
      term.idf = Math.log(1 + meta.docs / Math.max(1, term.matches.size));
    }
    const byText = new Map(terms.map((term) => [term.text, term]));
    const hits = [];
    rarest[0].matches.forEach((_, doc) => {
      let score = 0;
      for (const term of rarest) {
        const m = term.matches.get(doc);
        if (!m) {
          return;
        }
        score += m.score * term.idf;
      }
      hits.push({ doc, score: score * (1 + adjacency(doc, tokens, byText)) });
    });
    hits.sort((x, y) => y.score - x.score || y.doc - x.doc);
    return hits;
  }

  /* The share (0 to 1) of neighbouring query tokens that are neighbours in doc. */
  function adjacency(doc, tokens, byText) {
    let pairs = 0;
    let adjacent = 0;
    for (let k = 1; k < tokens.length; k++) {
      const a = byText.get(tokens[k - 1].text).matches.get(doc);
      const b = byText.get(tokens[k].text).matches.get(doc);
      const gap = tokens[k].pos - tokens[k - 1].pos;
      if (!a.positions.length || !b.positions.length || gap <= 0) {
        continue;
      }
      pairs++;
      if (a.positions.some((p) => b.positions.indexOf(p + gap) >= 0)) {
        adjacent++;
      }
    }
    return pairs ? adjacent / pairs : 0;
  }

  /* The query term a text's token matches, or null. */
  function matchedTerm(token, terms) {
    const term = terms.find((t) => token.text === t.text ||
      (t.prefix && token.kind === 'word' && token.text.startsWith(t.text)));
    return term ? term.text : null;
  }

  /* Matched ranges of text: [{start, end, terms: Set}] merged where they touch. */
  function highlights(text, terms) {
    const out = [];
    for (const token of tokenize(text, 'index')) {
      const term = matchedTerm(token, terms);
      if (term === null) {
        continue;
      }
      const last = out[out.length - 1];
      if (last && token.start <= last.end) {
        last.end = Math.max(last.end, token.end);
        last.terms.add(term);
      } else {
        out.push({ start: token.start, end: token.end, terms: new Set([term]) });
      }
    }
    return out;
  }

  /* The first mark that begins a window of `width` with the most distinct terms. */
  function densestMark(marks, width) {
    let best = 0;
    let bestCount = -1;
    for (let i = 0; i < marks.length; i++) {
      const seen = new Set();
      for (let j = i; j < marks.length && marks[j].end <= marks[i].start + width; j++) {
        marks[j].terms.forEach((t) => seen.add(t));
      }
      if (seen.size > bestCount) {
        best = i;
        bestCount = seen.size;
      }
    }
    return best;
  }

  /* The window of text with the most distinct matched terms:
     {text, lang, marks, cutStart, cutEnd, matched}. */
  function snippet(text, lang, terms) {
    const marks = highlights(text, terms);
    const width = CJK_TEXT.test(text.slice(0, CJK_SNIFF)) ? SNIPPET_WIDTH_CJK : SNIPPET_WIDTH;
    let from = 0;
    if (marks.length) {
      const first = marks[densestMark(marks, width)].start;
      from = Math.max(0, first - Math.floor(width * SNIPPET_LEAD));
      if (from > 0) {
        const space = text.lastIndexOf(' ', first);
        if (space >= from - WORD_START_REACH && space < first) {
          from = space + 1;
        }
      }
    }
    const to = Math.min(text.length, from + width);
    return {
      text: text.slice(from, to),
      lang,
      marks: marks.filter((m) => m.start >= from && m.end <= to)
        .map((m) => ({ start: m.start - from, end: m.end - from })),
      cutStart: from > 0,
      cutEnd: to < text.length,
      matched: marks.length > 0
    };
  }

  /* A snippet from the row's text, or else from another language's text that matched. */
  async function snippetFor(index, lang, doc, row, terms) {
    const own = snippet(row.text, row.textLang, terms);
    if (own.matched || !data.meta) {
      return own;
    }
    const otherLang = data.meta.langs.find((l) => l !== lang && l !== row.textLang);
    if (!otherLang) {
      return own;
    }
    let other;
    try {
      other = await index.row(otherLang, doc);
    } catch (err) {
      return own;
    }
    if (other.textLang === row.textLang) {
      return own;
    }
    const s = snippet(other.text, other.textLang, terms);
    return s.matched ? s : own;
  }

  /* What a widget shows of hits in lang: [{row, snippet}], their rows loaded. */
  async function loadResults(index, lang, hits, terms) {
    const rows = await Promise.all(hits.map((h) => index.row(lang, h.doc)));
    const snippets = await Promise.all(rows.map((row, i) => snippetFor(index, lang, hits[i].doc, row, terms)));
    return rows.map((row, i) => ({ row, snippet: snippets[i] }));
  }

  /* ------------------------------------------------------------------ widgets */

  /* Appends text to el with the given ranges wrapped in <mark>. */
  function appendMarked(el, text, marks) {
    let at = 0;
    for (const m of marks) {
      el.appendChild(document.createTextNode(text.slice(at, m.start)));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(m.start, m.end);
      el.appendChild(mark);
      at = m.end;
    }
    el.appendChild(document.createTextNode(text.slice(at)));
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  /* A result's snippet, with an ellipsis where the text was cut. */
  function snippetElement(snip, pageLang) {
    const el = element('span', 'bsearch-snippet');
    if (snip.lang !== pageLang) {
      el.lang = snip.lang;
    }
    const shift = snip.cutStart ? ELLIPSIS.length : 0;
    appendMarked(el, (snip.cutStart ? ELLIPSIS : '') + snip.text + (snip.cutEnd ? ELLIPSIS : ''),
      snip.marks.map((m) => ({ start: m.start + shift, end: m.end + shift })));
    return el;
  }

  function debounce(fn, ms) {
    let timer = null;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  const indexes = new Map();

  function indexFor(root) {
    if (!indexes.has(root)) {
      indexes.set(root, new Index(root));
    }
    return indexes.get(root);
  }

  let formCount = 0;

  /*
   * What both widgets share: a form whose input runs the search core as one
   * types, a status that announces the count, a no-results message and a list
   * of results. HeaderBox and SearchPage decide how the list opens, what a
   * result is (an option or a link) and what the keys do, by overriding the
   * hooks at the end.
   */
  class SearchForm {
    constructor(form, limit) {
      // The page's search settings (#bsearch-config), then the form's own.
      const config = document.getElementById('bsearch-config');
      const ds = Object.assign({}, config ? config.dataset : {}, form.dataset);
      this.form = form;
      this.limit = limit;
      this.lang = ds.lang;
      this.root = ds.root || './';
      this.index = indexFor(this.root);
      this.input = form.querySelector('.bsearch-input');
      this.list = form.querySelector('.bsearch-list, .bsearch-results');
      this.status = form.querySelector('[role=status]');
      this.empty = form.querySelector('.bsearch-empty');
      this.texts = { none: ds.tNone, count: ds.tCount, one: ds.tOne, all: ds.tAll, error: ds.tError };
      this.hits = [];
      this.terms = [];
      this.shown = 0;
      this.seq = 0;
      this.done = false;
      this.id = 'bsearch' + formCount++;
      if (!this.list.id) {
        this.list.id = this.id + '-list';
      }
      form.hidden = false;
      this.input.addEventListener('input', debounce(() => this.run(), TYPING_PAUSE_MS));
      this.input.addEventListener('keydown', (e) => this.onKey(e));
      form.addEventListener('submit', (e) => this.onSubmit(e));
    }

    /* Runs the query in the input and shows its results; resolves once shown. */
    async run() {
      const q = this.input.value.trim();
      const seq = ++this.seq;
      this.queryChanged(q);
      this.done = false;
      if (!q) {
        this.reset();
        return;
      }
      this.form.setAttribute('aria-busy', 'true');
      try {
        const started = performance.now();
        const found = await this.index.search(q);
        if (seq !== this.seq) {
          return;
        }
        this.hits = found.hits;
        this.terms = found.terms;
        this.lastQueryMs = performance.now() - started;
        await this.render(this.limit);
        if (seq === this.seq) {
          this.finish();
        }
      } catch (err) {
        if (seq === this.seq) {
          this.fail();
        }
        if (window.console) {
          console.error(err);
        }
      }
    }

    reset() {
      this.hits = [];
      this.terms = [];
      this.clear();
      this.say('');
      if (this.empty) {
        this.empty.hidden = true;
      }
      this.open(false);
    }

    finish() {
      const n = this.hits.length;
      this.done = true;
      this.say(this.countText(n), n === 0 && this.echoesEmpty() && !!this.empty);
      if (this.empty) {
        this.empty.textContent = this.texts.none;
        this.empty.hidden = n > 0;
      }
      this.open(document.activeElement === this.input);
      this.form.removeAttribute('aria-busy');
      this.form.setAttribute('data-state', 'done');
    }

    fail() {
      this.clear();
      this.say(this.texts.error);
      this.form.removeAttribute('aria-busy');
      this.form.setAttribute('data-state', 'error');
    }

    clear() {
      this.form.removeAttribute('data-state');
      this.list.textContent = '';
      this.shown = 0;
      this.cleared();
    }

    /* Announces `text`; `echoed`: a message on the page already shows the
       same words, so the status is announced but not shown. */
    say(text, echoed) {
      this.status.textContent = text;
      this.status.toggleAttribute('data-echoed', !!echoed);
    }

    countText(n) {
      if (n === 0) {
        return this.texts.none;
      }
      return n === 1 ? this.texts.one : this.texts.count.replace('{n}', String(n));
    }

    /* Shows the first `upto` hits (loading their rows), replacing what was shown. */
    async render(upto) {
      const seq = this.seq;
      const hits = this.hits.slice(0, upto);
      const results = await loadResults(this.index, this.lang, hits, this.terms);
      if (seq !== this.seq) {
        return;
      }
      this.list.textContent = '';
      results.forEach((r, i) => this.list.appendChild(this.resultItem(i, r.row, r.snippet)));
      this.shown = hits.length;
      this.rendered();
    }

    /* One result: its title (highlighted), zone and date, and snippet. */
    resultItem(i, row, snip) {
      const li = element('li', 'bsearch-hit');
      const title = this.resultTitle(li, i, this.root + row.url);
      if (row.textLang !== this.lang) {
        title.lang = row.textLang;
      }
      appendMarked(title, row.title, highlights(row.title, this.terms));
      li.appendChild(title);
      li.appendChild(element('span', 'bsearch-meta', [row.zone, row.date].filter(Boolean).join(' · ')));
      li.appendChild(snippetElement(snip, this.lang));
      return li;
    }

    /* Hooks the widgets override: a key in the input, the form's submit, a
       new query, opening or closing the list, the list emptied or filled,
       and whether the no-results message stands in for the shown status.
       Each widget also says what a result's title is: resultTitle(li, i, href). */
    onKey() {}
    onSubmit() {}
    queryChanged() {}
    open() {}
    cleared() {}
    rendered() {}
    echoesEmpty() {
      return false;
    }
  }

  /*
   * The header's box, a combobox: results drop down as one types, arrows
   * choose one, Enter opens it (or, with none chosen, submits to the search
   * page), Escape closes the list and then empties the box.
   */
  class HeaderBox extends SearchForm {
    constructor(form) {
      super(form, DROPDOWN_RESULTS);
      this.active = -1;
      this.input.setAttribute('aria-controls', this.list.id);
      this.input.addEventListener('focus', () => {
        if (this.hits.length || this.input.value.trim()) {
          this.open(true);
        }
      });
      form.addEventListener('focusout', (e) => {
        if (!form.contains(e.relatedTarget)) {
          this.open(false);
        }
      });
      // Keep the focus in the input while an option is clicked.
      this.list.addEventListener('mousedown', (e) => e.preventDefault());
    }

    options() {
      return this.list.querySelectorAll('[role=option]');
    }

    onSubmit(e) {
      if (!this.input.value.trim()) {
        e.preventDefault();
      }
    }

    onKey(e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        this.arrow(e, e.key === 'ArrowDown' ? 1 : -1);
      } else if (e.key === 'Enter') {
        const chosen = this.options()[this.active];
        if (this.active >= 0 && chosen) {
          e.preventDefault();
          location.href = chosen.getAttribute('data-href');
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
    }

    /* Moves the choice by `step`, round the list. */
    arrow(e, step) {
      const count = this.options().length;
      if (!count) {
        return;
      }
      e.preventDefault();
      this.open(true);
      let next = this.active + step;
      if (next < 0) {
        next = count - 1;
      } else if (next >= count) {
        next = 0;
      }
      this.activate(next);
    }

    activate(i) {
      const opts = this.options();
      opts.forEach((opt, k) => opt.setAttribute('aria-selected', k === i ? 'true' : 'false'));
      this.active = i;
      if (i >= 0 && opts[i]) {
        this.input.setAttribute('aria-activedescendant', opts[i].id);
        if (opts[i].scrollIntoView) {
          opts[i].scrollIntoView({ block: 'nearest' });
        }
      } else {
        this.input.removeAttribute('aria-activedescendant');
      }
    }

    open(on) {
      const show = on && this.list.children.length > 0;
      this.list.hidden = !show;
      if (show) {
        // Open towards the side with room: a box near the right edge opens leftwards.
        const box = this.form.getBoundingClientRect();
        this.list.classList.toggle('bsearch-end', box.left + this.list.offsetWidth > document.documentElement.clientWidth);
      }
      this.input.setAttribute('aria-expanded', show ? 'true' : 'false');
      if (this.empty) {
        this.empty.hidden = !(on && this.hits.length === 0 && this.input.value.trim() !== '' && this.done);
      }
      if (!on) {
        this.activate(-1);
      }
    }

    cleared() {
      this.activate(-1);
    }

    /* A result is an option (no link inside: the option itself opens the page). */
    resultTitle(li, i, href) {
      this.asOption(li, i, href);
      return element('span', 'bsearch-title');
    }

    rendered() {
      if (this.hits.length > this.shown) {
        this.list.appendChild(this.allOption(this.shown));
      }
      this.activate(this.active < this.list.children.length ? this.active : -1);
    }

    /* Makes li the i-th option, opening href when chosen. */
    asOption(li, i, href) {
      li.id = this.id + '-opt-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.setAttribute('data-href', href);
      li.addEventListener('click', () => {
        this.activate(i);
        location.href = href;
      });
    }

    /* The last option: every result on the search page. */
    allOption(i) {
      const li = element('li', 'bsearch-all');
      const q = encodeURIComponent(this.input.value.trim());
      this.asOption(li, i, this.form.getAttribute('action') + '?q=' + q);
      li.textContent = this.texts.all.replace('{n}', String(this.hits.length));
      return li;
    }
  }

  /*
   * The search page's form: results are links, PAGE_RESULTS at a time with a
   * button for more; ?q= in the URL runs a query and follows what is typed.
   * Arrows move the focus from the input through the links, Escape goes back
   * to the input (or, in it, empties it), Enter follows the focused link.
   */
  class SearchPage extends SearchForm {
    constructor(form) {
      super(form, PAGE_RESULTS);
      this.more = form.querySelector('.bsearch-more');
      this.list.addEventListener('keydown', (e) => {
        const at = this.links().indexOf(e.target);
        if (at >= 0) {
          this.keyAt(e, at);
        }
      });
      if (this.more) {
        this.more.addEventListener('click', () => this.render(this.shown + this.limit));
      }
      const q = new URLSearchParams(location.search).get('q');
      if (q) {
        this.input.value = q;
        this.run();
      }
    }

    links() {
      return Array.from(this.list.querySelectorAll('.bsearch-title'));
    }

    onSubmit(e) {
      e.preventDefault();
      this.run();
    }

    onKey(e) {
      this.keyAt(e, -1);
    }

    /* A key on the input (at = -1) or on the at-th result's link. */
    keyAt(e, at) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const links = this.links();
        const next = at + (e.key === 'ArrowDown' ? 1 : -1);
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
    }

    /* The address follows the query, so it can be shared or reloaded. */
    queryChanged(q) {
      try {
        const url = location.pathname + (q ? '?q=' + encodeURIComponent(q) : '') + location.hash;
        history.replaceState(null, '', url);
      } catch (err) {
        // Some browsers refuse replaceState on file:// pages; the deep link is optional there.
      }
    }

    /* The no-results message on the page says what the status would. */
    echoesEmpty() {
      return true;
    }

    cleared() {
      if (this.more) {
        this.more.hidden = true;
      }
    }

    resultTitle(li, i, href) {
      const a = element('a', 'bsearch-title');
      a.href = href;
      return a;
    }

    rendered() {
      if (this.more) {
        this.more.hidden = this.hits.length <= this.shown;
      }
    }
  }

  /* "/" focuses the search box (the page's own box on the search page). */
  function slashFocus(widgets) {
    document.addEventListener('keydown', (e) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) {
        return;
      }
      const el = document.activeElement;
      if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) {
        return;
      }
      const target = widgets.find((w) => w instanceof SearchPage) || widgets[0];
      e.preventDefault();
      target.input.focus();
      target.input.select();
    });
  }

  function init() {
    const forms = Array.from(document.querySelectorAll('form[data-bsearch]'));
    const pages = forms.filter((f) => f.getAttribute('data-mode') === 'page');
    // On the search page its own box replaces the header's (one search landmark).
    const widgets = pages.length ? pages.map((f) => new SearchPage(f)) : forms.map((f) => new HeaderBox(f));
    NS.widgets = widgets;
    if (widgets.length) {
      slashFocus(widgets);
    }
  }

  NS.tokenize = tokenize;
  NS.search = (root, query) => indexFor(root).search(query);
  NS.highlights = highlights;
  NS.data = data; // what the loaded index files registered (tests, debugging)

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
