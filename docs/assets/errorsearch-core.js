/* The catalogue matcher of the site search: the browser half of cudacompat.answers.explain over
 * errors-data.js. Pure functions, no DOM; loaded by the page and by node in the parity test. */
(function (root) {
  "use strict";
  var MAX_LINE = 1000, MAX_LINES = 400, MIN_FRAGMENT_WORDS = 3;

  function norm(s) { return String(s).toLowerCase().replace(/[ \t\r\n\f\v]+/g, " ").replace(/^ +| +$/g, ""); }

  function pasteLines(text) {
    var seen = {}, out = [];
    String(text).split(/\r\n|\r|\n/).forEach(function (l) {
      if (/^[ \t\f\v]*$/.test(l)) return;
      var k = l.slice(0, MAX_LINE);
      if (Object.prototype.hasOwnProperty.call(seen, k)) return;
      seen[k] = true;
      out.push(k);
    });
    if (out.length > MAX_LINES) out = out.slice(0, MAX_LINES / 2).concat(out.slice(-MAX_LINES / 2));
    return out;
  }

  function compile(errs) {
    errs.forEach(function (e) {
      if (e.rx !== undefined) return;
      try { e.rx = new RegExp(e.pattern, "i"); } catch (x) { e.rx = null; }
    });
  }

  // entries whose pattern matches a line, the longest match first (then catalogue order)
  function match(errs, text) {
    compile(errs);
    var lines = pasteLines(text), found = [];
    errs.forEach(function (e, i) {
      if (!e.rx) return;
      for (var j = 0; j < lines.length; j++) {
        var m = e.rx.exec(lines[j]);
        if (m) { found.push([-m[0].length, i, e]); return; }
      }
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var out = found.map(function (f) { return f[2]; });
    // a fragment of a catalogued message (three words or more) finds its entry too, after the matches
    var q = norm(text);
    if (q.split(" ").length >= MIN_FRAGMENT_WORDS) {
      errs.forEach(function (e) {
        if (out.indexOf(e) < 0 && e.messages.some(function (m) { return norm(m).indexOf(q) >= 0; })) out.push(e);
      });
    }
    return out;
  }

  var api = { match: match, pasteLines: pasteLines };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.cudacompatErrorMatch = api;
})(this);
