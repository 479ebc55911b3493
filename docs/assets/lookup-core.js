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
    var words = String(text).slice(0, MAX_INPUT).normalize("NFKC").toLowerCase().match(/[a-z]+|[0-9]+/g) || [];
    var noise = T.names.noise;
    return words.filter(function (w) { return noise.indexOf(w) < 0; }).join(" ");
  }

  function truncated(text) { return /(\.\.\.|…)[ \t]*$/.test(String(text).slice(0, MAX_INPUT)); }

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
  var DRIVER = /^[0-9]{3}(\.[0-9]{1,3}){0,2}$/;

  function parseDriver(text) {
    var t = String(text).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
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

  function nums(text) { return String(text).split(".").map(Number); }

  function minor(text) {
    var p = nums(text);
    return [p[0] || 0, p[1] || 0];
  }

  function ccKey(text) { var m = String(text).match(/^(\d+)\.(\d)/); return [Number(m[1]), Number(m[2])]; }

  function sm(cc) { var m = String(cc).match(/^(\d+)\.(\d)([af]?)$/); return "sm_" + m[1] + m[2] + m[3]; }

  // cudacompat.answers.cuda.driver_via
  function driverVia(d, need, mvc) {
    if (need && cmp(d, parseDriver(need)) >= 0) return "toolkit";
    if (mvc && cmp(d, parseDriver(mvc)) >= 0) return need ? "minor-version" : "branch";
    if (!need && !mvc) return "unknown";
    return null;
  }

  // --- will it run? (cudacompat.answers.will_it_run) -----------------------------------------
  var BUILD_PLATFORM = { "linux-x86_64": "linux-x86_64", "wsl2": "linux-x86_64", "windows-x86_64": "windows-x86_64",
    "linux-aarch64": "linux-aarch64" };
  var DRIVER_OS = { "linux-x86_64": "linux", "linux-aarch64": "linux", "windows-x86_64": "windows", "wsl2": "windows",
    "jetson": "linux" };
  var REASONS = ["arch", "libraries", "jetpack", "python", "gpu-driver", "driver", "driver-ptx"];
  var DRIVER_REASONS = ["gpu-driver", "driver", "driver-ptx"];
  var CHAR_CODE = { n: "native", p: "ptx", "-": null, "?": "?" };

  function floorNeeds(d, floor, os) {
    if (!floor) return null;
    if (floor[os]) return cmp(d, parseDriver(floor[os])) >= 0 ? null : floor[os];
    var branch = floor.branch || (os === "windows" && floor.linux ? floor.linux.split(".")[0] : null);
    if (branch) return d[0] >= Number(branch) ? null : branch;  // a bare branch: no exact version sourced
    return null;
  }

  // cudacompat.answers.will_it_run.least_driver / floor_driver
  function leastDriver(code, need, mvc) { return code === "native" && mvc ? mvc : (need || mvc); }

  function floorDriver(floor, os) {
    if (!floor) return null;
    return floor[os] || floor.branch || (os === "windows" && floor.linux ? floor.linux.split(".")[0] : null);
  }

  function applies(b, platform, jp, jetpacks, cc) {
    if (platform === "jetson") {
      if (b.platform === "jetson") return true;
      if (b.platform !== "linux-aarch64") return false;
      if (jp) return !!jp.sbsa;
      return jetpacks.some(function (j) { return j.sbsa && j.ccs.indexOf(cc) >= 0; });
    }
    return b.platform === BUILD_PLATFORM[platform];
  }

  function decide(T, gpu, driver, platform, python, jetpack) {
    var cc = gpu.cc, out = { options: [], rejected: [], unknown: [], mismatch: null };
    if (gpu.tegra !== (platform === "jetson")) {
      out.mismatch = gpu.tegra ? "tegra-not-jetson" : "jetson-not-tegra";
      return out;
    }
    var d = driver ? parseDriver(driver) : null;
    if (driver && !d) throw new Error("not a driver version");
    var jp = null;
    if (jetpack) T.jetpacks.forEach(function (j) { if (j.version === jetpack) jp = j; });
    var os = DRIVER_OS[platform], codes = T.codes[cc];
    T.builds.forEach(function (b, i) {
      if (!applies(b, platform, jp, T.jetpacks, cc)) return;
      var code = CHAR_CODE[codes.charAt(i)], reasons = [];
      if (code === null) reasons.push({ reason: "arch" });
      else if (code === "ptx" && (b.toolkit_max && cmp(ccKey(cc), ccKey(b.toolkit_max)) > 0
        || b.cudnn_max && cmp(ccKey(cc), ccKey(b.cudnn_max)) > 0)) {
        reasons.push({ reason: "libraries", toolkit_max: b.toolkit_max, cudnn: b.cudnn, cudnn_max: b.cudnn_max });
      }
      if (jetpack && b.jetpack !== null && b.jetpack.indexOf(jetpack) < 0) reasons.push({ reason: "jetpack", built_for: b.jetpack });
      if (python && b.python) {
        var lo = b.python[0], hi = b.python[1];
        if (cmp(minor(python), minor(lo)) < 0 || (hi && cmp(minor(python), minor(hi)) > 0)) {
          reasons.push({ reason: "python", range: [lo, hi] });
        }
      }
      var via = null, need = null, mvc = null;
      if (d && b.platform !== "jetson") {
        var nf = floorNeeds(d, gpu.floor, os);
        if (nf) reasons.push({ reason: "gpu-driver", needs: nf, family: gpu.floor.name });
        var mins = T.drivers[b.release][os];
        need = mins[0]; mvc = mins[1];
        via = driverVia(d, need, mvc);
        if (via === null) {
          reasons.push({ reason: "driver", needs: leastDriver(code, need, mvc), toolkit_min: need, minor_version_min: mvc });
        } else if (code === "ptx" && (via === "minor-version" || via === "branch")) {
          reasons.push({ reason: "driver-ptx", needs: need || mvc, toolkit_min: need, minor_version_min: mvc });
        }
      }
      var item = { build: i, torch: b.torch, variant: b.variant, cuda: b.cuda };
      if (reasons.length) out.rejected.push(Object.assign(item, { reason: reasons[0].reason, reasons: reasons }));
      else if (code === "?") out.unknown.push(Object.assign(item, { reason: "no-arch-data", driver_via: via }));
      else out.options.push(Object.assign(item, { code: code, driver_via: via || "not-checked", toolkit_min: need,
        minor_version_min: mvc }));
    });
    return out;
  }

  function maxVersion(xs) {
    return xs.reduce(function (a, b) { return cmp(nums(a), nums(b)) >= 0 ? a : b; });
  }

  function fixes(T, r) {
    var out = [];
    function entry(kind, x, extra) {
      var b = T.builds[x.build];
      return Object.assign({ kind: kind, build: x.build, torch: b.torch, variant: b.variant }, extra);
    }
    var byDriver = r.rejected.filter(function (x) {
      return x.reasons.every(function (q) { return DRIVER_REASONS.indexOf(q.reason) >= 0; });
    }).map(function (x) { return [maxVersion(x.reasons.map(function (q) { return q.needs; })), x]; });
    if (byDriver.length) {
      var least = byDriver.map(function (p) { return p[0]; }).reduce(function (a, b) { return cmp(nums(a), nums(b)) <= 0 ? a : b; });
      var first = byDriver.filter(function (p) { return p[0] === least; })[0][1];
      out.push(entry("driver", first, { needs: least }));
      if (first !== byDriver[0][1]) out.push(entry("driver", byDriver[0][1], { needs: byDriver[0][0] }));
    }
    [["python", "range"], ["jetpack", "built_for"]].forEach(function (k) {
      var x = r.rejected.filter(function (x) { return x.reasons.every(function (q) { return q.reason === k[0]; }); })[0];
      if (x) {
        var extra = {};
        extra[k[0] === "python" ? "range" : "jetpack"] = x.reasons[0][k[1]];
        out.push(entry(k[0], x, extra));
      }
    });
    return out;
  }

  // --- the builds that carry a GPU's code, by driver (will_it_run.carriers, explain.gpu_for) -----
  function carriers(T, gpu, platform) {
    var os = DRIVER_OS[platform], floor = floorDriver(gpu.floor, os), groups = new Map();
    decide(T, gpu, null, platform, null, null).options.forEach(function (o) {  // newest first
      var b = T.builds[o.build], key = b.variant + " " + o.code, g = groups.get(key);
      if (g) { g.oldest = b.torch; return; }
      var mins = b.release ? T.drivers[b.release][os] : [null, null];
      var d = leastDriver(o.code, mins[0], mins[1]);
      if (floor && (d === null || cmp(nums(floor), nums(d)) > 0)) d = floor;
      groups.set(key, { variant: b.variant, cuda: b.cuda, code: o.code, newest: b.torch, oldest: b.torch,
        install: b.install, driver: d });
    });
    var order = { native: 0, ptx: 1 };
    return Array.from(groups.values()).sort(function (a, b) {
      return order[a.code] - order[b.code] || cmp(nums(a.driver || "0"), nums(b.driver || "0"))
        || cmp(nums(a.cuda || "0"), nums(b.cuda || "0")) || cmpStr(a.variant, b.variant);
    });
  }

  function floorKey(g) { var f = g.floor || {}; return nums(f.linux || f.branch || "0"); }

  function gpuFor(T, cc, named) {
    var same = T.gpus.filter(function (g) { return g.cc === cc; });
    var hit = named ? same.filter(function (g) { return g.id === named; })[0] : null;
    if (hit) return hit;
    return same.reduce(function (a, g) { return a === null || cmp(floorKey(g), floorKey(a)) < 0 ? g : a; }, null);
  }

  // cudacompat.text.explain.carrier_lines
  function carrierLines(T, groups, smName, platform) {
    var title = say(T, "explain.platform." + platform), lines = [];
    ["native", "ptx"].forEach(function (code) {
      var gs = groups.filter(function (g) { return g.code === code; });
      if (!gs.length) return;
      lines.push(say(T, "explain.builds-" + code, { sm: smName, platform: title }));
      var ranges = [];
      gs.forEach(function (g) {
        if (ranges.length && ranges[ranges.length - 1][0] === g.driver) ranges[ranges.length - 1][1].push(g);
        else ranges.push([g.driver, [g]]);
      });
      ranges.forEach(function (r, k) {
        var names = r[1].map(function (g) { return say(T, g.oldest === g.newest ? "explain.variant-one" : "explain.variant", g); }).join(", ");
        var head = r[0] === null ? say(T, "explain.range-any", { variants: names })
          : k + 1 < ranges.length ? say(T, "explain.range", { driver: r[0], below: ranges[k + 1][0], variants: names })
            : say(T, "explain.range-last", { driver: r[0], variants: names });
        var newest = r[1].reduce(function (a, g) { return cmp(nums(g.newest), nums(a.newest)) > 0 ? g : a; });
        lines.push("  " + head, "    " + newest.install);
      });
    });
    if (!lines.length) lines.push(say(T, "explain.no-builds", { sm: smName, platform: title }));
    return lines;
  }

  // --- sentences (cudacompat.text.templates / cudacompat.text.verdicts) -----------------------
  function fill(template, params) {
    return String(template).replace(/\{([a-z_]+)\}/g, function (_, k) {
      if (!Object.prototype.hasOwnProperty.call(params, k)) throw new Error("template parameter " + k);
      return String(params[k]);
    });
  }

  function say(T, key, params) { return fill(T.text[key], params || {}); }

  function str(v) { return v === null || v === undefined ? "None" : v; }

  // the answer's context: {gpu, driver, platform, os, python, jetpack}
  function params(T, ctx, x) {
    var b = T.builds[x.build], r = x.range || [null, null], cuda = b.cuda || "?";
    var libs = [];
    if (x.reason === "libraries" && x.toolkit_max) libs.push(say(T, "lib.toolkit", { cuda: cuda, toolkit_max_sm: sm(x.toolkit_max) }));
    if (x.reason === "libraries" && x.cudnn_max) libs.push(say(T, "lib.cudnn", { cudnn: str(x.cudnn), cudnn_max_sm: sm(x.cudnn_max) }));
    return { sm: ctx.gpu.sm, torch: b.torch, variant: b.variant, cuda: cuda, major: cuda.split(".")[0],
      platform: b.platform, driver: str(ctx.driver), python: str(ctx.python), os: ctx.os, os_name: ctx.os.charAt(0).toUpperCase() + ctx.os.slice(1), jetpack: str(ctx.jetpack),
      lo: str(r[0]), hi: r[1] || "…", have: (b.sm || []).join(", ") || "none",
      ptx: (b.ptx && b.ptx.length) ? "; PTX " + b.ptx.join(", ") : "",
      needs: str(x.needs), toolkit_min: str(x.toolkit_min), minor_version_min: str(x.minor_version_min),
      jetpacks: (b.jetpack || []).join(", "), built_for: (x.built_for || []).join(", "), ccs: (b.ccs || []).join(", "),
      floor_needs: str(x.needs), family: str(x.family), libraries: libs.join("; ") };
  }

  function notes(T, ctx, o) {
    var b = T.builds[o.build], p = params(T, ctx, o), out = [];
    if (b.kind === "wheel") out.push(say(T, "note.jetson-wheel", p));
    if (b.kind === "container") out.push(say(T, "note.jetson-container", p));
    if (b.platform === "linux-aarch64" && ctx.platform === "jetson") out.push(say(T, "note.sbsa", Object.assign({}, p, { sbsa: ctx.jetpack || "7" })));
    if (o.code === "ptx") out.push(say(T, "note.ptx", p));
    if (o.driver_via === "minor-version") out.push(say(T, "note.minor-version", p));
    if (o.driver_via === "branch") out.push(say(T, "note.branch", Object.assign({}, p, { minor_version_min: o.minor_version_min || "" })));
    if (o.driver_via === "unknown") out.push(say(T, "note.driver-unknown", p));
    if (o.driver_via === "not-checked" && b.kind === "pip") out.push(say(T, "note.not-checked", p));
    return out;
  }

  function rejection(T, ctx, x) {
    var b = T.builds[x.build], details = [], fixesOut = [];
    x.reasons.forEach(function (q) {
      var merged = Object.assign({}, x, q), p = params(T, ctx, merged);
      var key = q.reason === "arch" && b.kind !== "pip" ? "arch-jetson" : q.reason;
      details.push(say(T, "reject." + key, p));
      var f = say(T, "fix." + key, p);
      if (fixesOut.indexOf(f) < 0) fixesOut.push(f);
    });
    return { detail: details.join("; "), fix: fixesOut.join("; ") };
  }

  function groups(T, ctx, r) {
    var out = [];
    REASONS.forEach(function (reason) {
      var xs = r.rejected.filter(function (x) { return x.reason === reason; });
      if (xs.length) {
        out.push({ reason: reason, count: xs.length, heading: say(T, "group." + reason, { sm: ctx.gpu.sm }),
          builds: xs.map(function (x) { var b = T.builds[x.build]; return b.kind === "pip" ? b.torch + "+" + b.variant : b.torch; }) });
      }
    });
    return out;
  }

  function fixLines(T, fx) {
    return fx.map(function (f) {
      if (f.kind === "driver") return say(T, "fixrun.driver", f);
      if (f.kind === "python") return say(T, "fixrun.python", Object.assign({}, f, { lo: f.range[0], hi: f.range[1] || "…" }));
      return say(T, "fixrun.jetpack", Object.assign({}, f, { jetpack: f.jetpack.join(", ") }));
    });
  }

  function mismatchText(T, ctx, code) { return say(T, "mismatch." + code, { name: ctx.gpu.name, platform: ctx.platform }); }

  function condaCommand(T, b, python) {
    return fill(T.commands.conda, { python: python || b.conda_python, pip: b.install });
  }

  // --- nvidia-smi output (the banner table, or --query-gpu CSV) -> {gpu, driver} --------------
  var MAX_SMI = 64 * 1024, MAX_LINE = 400;  // a row of nvidia-smi's table is about 90 characters
  // " \t" stripped from both ends in one pass each (a regex /[ \t]+$/ is quadratic on long blank runs)
  function trimBlanks(s) {
    var a = 0, b = s.length;
    while (a < b && (s.charAt(a) === " " || s.charAt(a) === "\t")) a++;
    while (b > a && (s.charAt(b - 1) === " " || s.charAt(b - 1) === "\t")) b--;
    return s.slice(a, b);
  }

  function parseSmi(text) {
    var t = String(text).slice(0, MAX_SMI), out = { gpu: null, driver: null };
    var m = t.match(/(?:Driver|KMD) Version:[ \t]*([0-9]{3}(?:\.[0-9]{1,3}){0,2})/);
    if (m) out.driver = m[1];
    var lines = t.split(/\r?\n/);
    for (var i = 0; i < lines.length && !out.gpu; i++) {
      m = lines[i].length > MAX_LINE ? null : lines[i].match(/^[ \t]{0,16}\|[ \t]{0,16}[0-9]{1,3}[ \t]{1,16}([^ \t\n\r\u2028\u2029](?:[^\n\r\u2028\u2029]{0,120}?[^ \t\n\r\u2028\u2029])?)[ \t]{1,16}(?:On|Off|N\/A|WDDM|TCC)[ \t]{0,16}\|/);
      if (m) out.gpu = m[1];
    }
    if (!out.gpu || !out.driver) {
      lines.some(function (line) {
        var f = line.split(",").map(trimBlanks);
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
    decide: decide, fixes: fixes, fill: fill, say: say, notes: notes, rejection: rejection, groups: groups,
    fixLines: fixLines, mismatchText: mismatchText, condaCommand: condaCommand, parseSmi: parseSmi, minor: minor,
    cmp: cmp, DRIVER_OS: DRIVER_OS, carriers: carriers, gpuFor: gpuFor, carrierLines: carrierLines, sm: sm };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.cudacompatLookup = api;
})(this);
