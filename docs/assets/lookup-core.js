/* "Will it run?" — the browser half of cudacompat.answers (names.resolve, will_it_run.decide) and
 * cudacompat.text.templates.fill, over the data cudacompat.site.browser.lookup_data() writes
 * (lookup-data.js). Pure functions only: no DOM. Loaded by the page and by node in the parity test
 * (tests/browser/test_parity.py), which holds every answer equal to Python's.
 */
(function (root) {
  "use strict";

  var MAX_INPUT = 200;

  // --- GPU names (cudacompat.answers.names) ---------------------------------------------------
  function normalise(T, text) {
    var words = String(text).slice(0, MAX_INPUT).toLowerCase().match(/[a-z]+|[0-9]+/g) || [];
    var noise = T.names.noise;
    return words.filter(function (w) { return noise.indexOf(w) < 0; }).join(" ");
  }

  function truncated(text) { return /(\.\.\.|…)\s*$/.test(String(text).slice(0, MAX_INPUT)); }

  function bigrams(t) {
    t = t.replace(/ /g, "");
    var out = [];
    for (var i = 0; i < t.length - 1; i++) out.push(t.slice(i, i + 2));
    return out;
  }

  function similarity(a, b) {
    var x = bigrams(a), y = bigrams(b);
    if (!x.length || !y.length) return 0;
    var pool = {}, hits = 0;
    y.forEach(function (g) { pool[g] = (pool[g] || 0) + 1; });
    x.forEach(function (g) { if (pool[g] > 0) { pool[g]--; hits++; } });
    return 2.0 * hits / (x.length + y.length);
  }

  function subset(a, b) { // every word of a is in b
    for (var i = 0; i < a.length; i++) if (b.indexOf(a[i]) < 0) return false;
    return true;
  }

  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function uniq(xs) {
    var seen = {}, out = [];
    xs.forEach(function (x) { if (!seen[x]) { seen[x] = true; out.push(x); } });
    return out;
  }

  // -> {gpu: the gpu object or null, suggestions: [names]}
  function resolveGpu(T, text) {
    var q = normalise(T, text), idx = T.index, gpus = T.gpus, keys = Object.keys(idx);
    if (!q) return { gpu: null, suggestions: [] };
    if (Object.prototype.hasOwnProperty.call(idx, q)) return { gpu: gpus[idx[q]], suggestions: [] };
    var qt = q.split(" ");
    var inside = [], best = 0;
    keys.forEach(function (n) {
      var w = n.split(" ");
      if (subset(w, qt)) { inside.push([w.length, n]); if (w.length > best) best = w.length; }
    });
    if (inside.length) {
      var ids = uniq(inside.filter(function (t) { return t[0] === best; }).map(function (t) { return idx[t[1]]; }));
      if (ids.length === 1) return { gpu: gpus[ids[0]], suggestions: [] };
    }
    var cut = truncated(text), around = [];
    keys.forEach(function (n) {
      var words = n.split(" "), hit;
      if (cut) {
        var last = qt[qt.length - 1];
        hit = subset(qt.slice(0, -1), words) && words.some(function (w) { return w.indexOf(last) === 0; });
      } else hit = subset(qt, words);
      if (hit && around.indexOf(idx[n]) < 0) around.push(idx[n]);
    });
    var ccs = uniq(around.map(function (i) { return gpus[i].cc; }));
    if (around.length === 1 || (around.length && around.length <= T.names.max_around && ccs.length === 1)) {
      around.sort(function (a, b) {
        return (gpus[a].name.length - gpus[b].name.length) || cmpStr(gpus[a].name, gpus[b].name);
      });
      return { gpu: gpus[around[0]], suggestions: [] };
    }
    if (around.length) {
      return { gpu: null, suggestions: uniq(around.map(function (i) { return gpus[i].name; })).sort(cmpStr)
        .slice(0, T.names.max_suggestions) };
    }
    var scored = keys.map(function (n) { return [similarity(q, n), n]; });
    scored.sort(function (a, b) { return (b[0] - a[0]) || cmpStr(a[1], b[1]); });
    var near = [];
    for (var i = 0; i < scored.length; i++) {
      if (scored[i][0] < T.names.min_similarity || near.length >= T.names.max_suggestions) break;
      var name = gpus[idx[scored[i][1]]].name;
      if (near.indexOf(name) < 0) near.push(name);
    }
    return { gpu: null, suggestions: near.sort(cmpStr) };
  }

  // --- versions and drivers -------------------------------------------------------------------
  var DRIVER = /^\d{3}(\.\d{1,3}){0,2}$/;

  function parseDriver(text) {
    var t = String(text).trim();
    if (!DRIVER.test(t)) return null;
    return t.split(".").map(Number);
  }

  function cmp(a, b) { // compare number arrays, missing parts are 0 (packaging.version semantics)
    for (var i = 0; i < Math.max(a.length, b.length); i++) {
      var x = a[i] || 0, y = b[i] || 0;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }

  function minor(text) {
    var p = String(text).split(".").map(Number);
    return [p[0] || 0, p[1] || 0];
  }

  // cudacompat.answers.cuda.driver_via
  function driverVia(d, need, mvc) {
    if (need && cmp(d, parseDriver(need)) >= 0) return "toolkit";
    if (mvc && cmp(d, parseDriver(mvc)) >= 0) return "minor-version";
    if (!need && !mvc) return "unknown";
    return null;
  }

  // --- will it run? (cudacompat.answers.will_it_run.decide) -----------------------------------
  function decide(T, cc, driver, os, python) {
    var d = parseDriver(driver);
    if (!d) throw new Error("not a driver version");
    var plat = os === "windows" ? "windows-x86_64" : "linux-x86_64";
    var codes = T.codes[cc];
    var out = { options: [], rejected: [], unknown: [] };
    T.builds.forEach(function (b, i) {
      if (b.platform !== plat) return;
      var item = { build: i, torch: b.torch, variant: b.variant, cuda: b.cuda };
      if (python && b.python) {
        var lo = b.python[0], hi = b.python[1];
        if (cmp(minor(python), minor(lo)) < 0 || (hi && cmp(minor(python), minor(hi)) > 0)) {
          out.rejected.push(Object.assign(item, { reason: "python", range: [lo, hi] }));
          return;
        }
      }
      var c = codes.charAt(i);
      if (c === "?") { out.unknown.push(Object.assign(item, { reason: "no-arch-data" })); return; }
      if (c === "-") { out.rejected.push(Object.assign(item, { reason: "arch" })); return; }
      var code = c === "n" ? "native" : "ptx";
      var mins = T.drivers[b.cuda][os], need = mins[0], mvc = mins[1], via = driverVia(d, need, mvc);
      if (via === null) {
        out.rejected.push(Object.assign(item, { reason: "driver", needs: need || mvc, toolkit_min: need, minor_version_min: mvc }));
        return;
      }
      if (code === "ptx" && via === "minor-version") {
        out.rejected.push(Object.assign(item, { reason: "driver-ptx", needs: need, toolkit_min: need, minor_version_min: mvc }));
        return;
      }
      out.options.push(Object.assign(item, { code: code, driver_via: via }));
    });
    return out;
  }

  // --- sentences (cudacompat.text.templates / cudacompat.text.verdicts) -----------------------
  function fill(template, params) {
    return String(template).replace(/\{([a-z_]+)\}/g, function (_, k) {
      if (!Object.prototype.hasOwnProperty.call(params, k)) throw new Error("template parameter " + k);
      return String(params[k]);
    });
  }

  function say(T, key, params) { return fill(T.text[key], params); }

  function params(T, x, gpu, driver, os, python) {
    var b = T.builds[x.build], r = x.range || [null, null];
    return { sm: gpu.sm, torch: b.torch, variant: b.variant, cuda: b.cuda, platform: b.platform,
      driver: driver, python: python, os: os, lo: r[0], hi: r[1] || "…",
      have: (b.sm || []).join(", ") || "none", ptx: (b.ptx && b.ptx.length) ? "; PTX " + b.ptx.join(", ") : "",
      needs: x.needs, toolkit_min: x.toolkit_min, minor_version_min: x.minor_version_min };
  }

  function notes(T, o, gpu, driver, os, python) {
    var p = params(T, o, gpu, driver, os, python), out = [];
    if (o.code === "ptx") out.push(say(T, "note.ptx", p));
    if (o.driver_via === "minor-version") out.push(say(T, "note.minor-version", p));
    if (o.driver_via === "unknown") out.push(say(T, "note.driver-unknown", p));
    return out;
  }

  function rejection(T, x, gpu, driver, os, python) {
    var p = params(T, x, gpu, driver, os, python);
    return { detail: say(T, "reject." + x.reason, p), fix: say(T, "fix." + x.reason, p) };
  }

  function condaCommand(T, b, python) {
    return fill(T.commands.conda, { python: python || b.conda_python, pip: b.install });
  }

  // --- nvidia-smi output (the banner table, or --query-gpu CSV) -> {gpu, driver} --------------
  var MAX_SMI = 64 * 1024;
  function parseSmi(text) {
    var t = String(text).slice(0, MAX_SMI), out = { gpu: null, driver: null };
    var m = t.match(/(?:Driver|KMD) Version:[ \t]*([0-9]{3}(?:\.[0-9]{1,3}){0,2})/);
    if (m) out.driver = m[1];
    var lines = t.split(/\r?\n/);
    for (var i = 0; i < lines.length && !out.gpu; i++) {
      m = lines[i].match(/^[ \t]*\|[ \t]*[0-9]+[ \t]+([^ \t\n\r\u2028\u2029](?:[^\n\r\u2028\u2029]{0,120}?[^ \t\n\r\u2028\u2029])?)[ \t]+(?:On|Off|N\/A|WDDM|TCC)[ \t]*\|/);
      if (m) out.gpu = m[1];
    }
    if (!out.gpu || !out.driver) {
      lines.some(function (line) {
        var f = line.split(",").map(function (s) { return s.replace(/^[ \t]+|[ \t]+$/g, ""); });
        if (f.length >= 2 && f[0].toLowerCase() !== "name") {
          var drv = f.filter(function (x) { return /^[0-9]{3}(?:\.[0-9]{1,3}){0,2}$/.test(x); })[0];
          if (drv) { out.gpu = out.gpu || f[0]; out.driver = out.driver || drv; return true; }
        }
        return false;
      });
    }
    return out;
  }

  var api = { normalise: normalise, resolveGpu: resolveGpu, similarity: similarity, parseDriver: parseDriver,
    decide: decide, fill: fill, say: say, notes: notes, rejection: rejection, condaCommand: condaCommand,
    parseSmi: parseSmi, minor: minor, cmp: cmp };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.cudacompatLookup = api;
})(this);
