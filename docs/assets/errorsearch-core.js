/* The catalogue matcher of the site search: the browser half of cudacompat.answers.matcher (words,
 * features, build, rank) and of the facts cudacompat.answers.explain reads from a paste (paramsOf),
 * over errors-data.js. Pure functions, no DOM; loaded by the page and by node in the parity test,
 * which holds every ranking equal to Python's. Maps, never plain objects, hold words: a pasted
 * "constructor" or "__proto__" is a word like any other. */
(function (root) {
  "use strict";
  var MAX_LINE = 1000, MAX_LINES = 400, WINDOW = 3, WHOLE = 12, LIST_OF_SM = 3;

  function pasteLines(text) {
    var seen = new Set(), out = [];
    String(text).split(/\r\n|\r|\n/).forEach(function (l) {
      if (/^[ \t\f\v]*$/.test(l)) return;
      var k = l.slice(0, MAX_LINE);
      if (seen.has(k)) return;
      seen.add(k);
      out.push(k);
    });
    if (out.length > MAX_LINES) out = out.slice(0, MAX_LINES / 2).concat(out.slice(-MAX_LINES / 2));
    return out;
  }

  // cudacompat.answers.matcher.words: printable ASCII, no hex, paths cut to their file name, camelCase
  // and snake_case apart, lower case, letters and digits apart, numbers of 4+ digits as "#"
  function words(text) {
    var t = String(text).replace(/[^\x20-\x7e\n]/g, " ").replace(/0[xX][0-9a-fA-F]+/g, " ");
    t = t.replace(/[A-Za-z0-9_.~+\-:\\/]+/g, function (s) {
      var parts = s.split(/[\\/]/);
      return parts.length > 2 ? " " + parts[parts.length - 1] : s;
    });
    t = t.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/([A-Z])([A-Z][a-z])/g, "$1 $2").toLowerCase();
    return (t.match(/[a-z]+|[0-9]+/g) || []).map(function (w) { return w.length < 4 || !/^[0-9]+$/.test(w) ? w : "#"; });
  }

  function features(text) {
    var ws = words(text), seen = new Set(), out = [];
    var add = function (f) { if (!seen.has(f)) { seen.add(f); out.push(f); } };
    ws.forEach(add);
    for (var i = 0; i + 1 < ws.length; i++) add(ws[i] + " " + ws[i + 1]);
    return out;
  }

  function build(data) {
    var feats = data.variants.map(function (v) { return features(v[1]); });
    var owners = new Map();
    data.variants.forEach(function (v, j) {
      feats[j].forEach(function (f) {
        if (!owners.has(f)) owners.set(f, new Set());
        owners.get(f).add(v[0]);
      });
    });
    var weights = new Map();
    owners.forEach(function (es, f) {
      var w = (f.indexOf(" ") >= 0 ? data.pair : data.word)[es.size];
      if (w > 0) weights.set(f, w);
    });
    var rows = [], post = new Map();
    data.variants.forEach(function (v, j) {
      var kept = feats[j].filter(function (f) { return weights.has(f); }), norm = 0;
      kept.forEach(function (f) {
        var w = weights.get(f);
        norm += w * w;
        if (!post.has(f)) post.set(f, []);
        post.get(f).push(j);
      });
      rows.push([v[0], norm]);
    });
    return { weights: weights, rows: rows, post: post, unknown: data.unknown, min_score: data.min_score };
  }

  function windows(lines) {
    var out = [];
    for (var i = 0; i < lines.length; i++) {
      for (var k = 1; k <= WINDOW; k++) if (i + k <= lines.length) out.push(lines.slice(i, i + k).join("\n"));
    }
    if (lines.length > WINDOW && lines.length <= WHOLE) out.push(lines.join("\n"));
    return out;
  }

  // -> [[entry index, score, window]], best first (catalogue order on a tie)
  function rank(B, text) {
    var best = new Map();
    windows(pasteLines(text)).forEach(function (w) {
      var dots = new Map(), norm = 0;
      features(w).forEach(function (f) {
        var x = B.weights.get(f);
        if (x === undefined) { norm += B.unknown * B.unknown; return; }
        norm += x * x;
        (B.post.get(f) || []).forEach(function (j) { dots.set(j, (dots.get(j) || 0) + x * x); });
      });
      if (!dots.size) return;
      var root = Math.sqrt(norm);
      dots.forEach(function (dot, j) {
        var e = B.rows[j][0], s = dot / (root * Math.sqrt(B.rows[j][1]));
        if (s > (best.has(e) ? best.get(e)[0] : 0)) best.set(e, [s, w]);
      });
    });
    var found = [];
    best.forEach(function (v, e) { if (v[0] >= B.min_score) found.push([e, v[0], v[1]]); });
    found.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return found;
  }

  // --- facts (cudacompat.answers.explain.message_facts, params_of) ------------------------------
  var FACTS = {
    sm: /(?<![A-Za-z0-9])(?:sm|compute)_([0-9]{2,3}[af]?)(?![A-Za-z0-9])/gi,
    cc: /(?:cuda|compute) capability:? ?([0-9]{1,2}\.[0-9])(?![0-9])/i,
    found_version: /found version ([0-9]{4,6})(?![0-9])/i,
    driver: /driver(?: version)?[ :=]{1,3}([0-9]{3}\.[0-9]{1,3}(?:\.[0-9]{1,3})?)(?![0-9.])/i,
    windows: /[A-Za-z]:\\|WinError|\.dll(?![A-Za-z0-9])/
  };

  function messageFacts(lines, relevant) {
    var text = lines.join("\n"), out = {}, sms = new Set(), m;
    FACTS.sm.lastIndex = 0;
    while ((m = FACTS.sm.exec(text)) !== null) sms.add(m[1].toLowerCase());
    ["sm", "cc", "found_version", "driver"].forEach(function (key) {
      var f = null;
      if (key === "sm") { FACTS.sm.lastIndex = 0; if (sms.size < LIST_OF_SM) f = FACTS.sm.exec(text); }
      else f = FACTS[key].exec(text);
      if (f) out[key] = key === "sm" ? "sm_" + f[1].toLowerCase() : f[1];
    });
    if (FACTS.windows.test(text)) out.os = "windows";
    return out;
  }

  function compile(errs) {
    errs.forEach(function (e) {
      if (e.rx !== undefined) return;
      try { e.rx = new RegExp(e.pattern, "i"); } catch (x) { e.rx = null; }
    });
  }

  function paramsOf(D, e, lines, found) {
    var out = {}, m = null;
    for (var i = 0; e.rx && i < lines.length && !m; i++) m = e.rx.exec(lines[i]);
    if (m && m.groups) {
      Object.keys(m.groups).forEach(function (k) {
        var v = m.groups[k];
        var t = v ? v.replace(/^[ \t\r\n\f\v]+|[ \t\r\n\f\v]+$/g, "") : "";
        if (t) out[k] = t;
      });
    }
    Object.keys(found).forEach(function (k) {
      if (!Object.prototype.hasOwnProperty.call(out, k) && (k === "os" || D.relevant[k].indexOf(e.family) >= 0)) {
        out[k] = found[k];
      }
    });
    return out;
  }

  // the entries a paste shows, best first: {entry, score, strength, params}
  function match(D, text) {
    if (!D.built) D.built = build(D.matcher);
    compile(D.entries);
    var lines = pasteLines(text), found = messageFacts(lines);
    return rank(D.built, text).map(function (r) {
      var e = D.entries[r[0]];
      return { entry: e, id: e.id, score: r[1], strength: r[1] >= D.strong ? "match" : "similar",
        params: paramsOf(D, e, lines, found) };
    });
  }

  var api = { match: match, rank: rank, build: build, words: words, features: features, pasteLines: pasteLines,
    messageFacts: messageFacts };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.cudacompatErrorMatch = api;
})(this);
