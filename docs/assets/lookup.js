/* "Will it run?" — the browser half of cudacompat.query.will_it_run.
 *
 * lookup.json is cudacompat.query.lookup_table(): the builds, for every compute capability a
 * string with one character per build (n native, p PTX only, - no code, ? not recorded), and the
 * driver minimums per CUDA. decide() below mirrors cudacompat.query.decide(); tests/test_lookup.py
 * holds the two equal on a grid of inputs. Every data string reaches the page through textContent.
 */
(function () {
  "use strict";

  // --- the logic (mirrors cudacompat.query) ---------------------------------------------------
  function norm(text) {
    var t = String(text).toLowerCase().replace(/[-_]/g, " ")
      .replace(/\b(nvidia|geforce|tesla|quadro|gpu)\b/g, " ");
    return (t.match(/[a-z0-9]+/g) || []).join(" ");
  }

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
      var mins = T.drivers[b.cuda][os], need = mins[0], mvc = mins[1], via;
      if (need && cmp(d, parseDriver(need)) >= 0) via = "toolkit";
      else if (mvc && cmp(d, parseDriver(mvc)) >= 0) via = "minor-version";
      else if (!need && !mvc) via = "unknown";
      else {
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

  function findGpu(T, name) {
    var i = T.index[norm(name)];
    return i === undefined ? null : T.gpus[i];
  }

  function suggest(T, name) {
    var q = norm(name);
    if (!q) return [];
    return T.gpus.filter(function (g) {
      return g.names.some(function (n) { return norm(n).indexOf(q) >= 0; });
    }).slice(0, 6).map(function (g) { return g.name; });
  }

  // nvidia-smi output (the banner table, or --query-gpu CSV) -> {gpu, driver}
  function parseSmi(text) {
    var t = String(text), out = { gpu: null, driver: null };
    var m = t.match(/(?:Driver|KMD) Version:\s*(\d{3}(?:\.\d{1,3}){0,2})/);
    if (m) out.driver = m[1];
    m = t.match(/^\|\s*\d+\s+(.+?)\s+(?:On|Off)\s+\|/m);
    if (m) out.gpu = m[1].replace(/\.\.\.$/, "").trim();
    if (!out.gpu || !out.driver) {
      t.split(/\r?\n/).some(function (line) {
        var f = line.split(",").map(function (s) { return s.trim(); });
        if (f.length >= 2 && !/^name$/i.test(f[0])) {
          var drv = f.filter(function (x) { return DRIVER.test(x); })[0];
          if (drv) { out.gpu = out.gpu || f[0]; out.driver = out.driver || drv; return true; }
        }
        return false;
      });
    }
    return out;
  }

  window.cudacompatLookup = { norm: norm, decide: decide, findGpu: findGpu, parseSmi: parseSmi };

  // --- the page ---------------------------------------------------------------------------------
  var form = document.getElementById("wir-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var T = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function codeBlock(text) {
    var pre = el("pre"), code = el("code", text);
    pre.appendChild(code);
    return pre;
  }

  function command(b, method, py) {
    if (method === "conda") {
      return "conda create -n torch python=" + (py || "3.12") + " -y && conda activate torch && " + b.install;
    }
    return b.install;
  }

  function reasonText(x, b, gpu, driver, python) {
    if (x.reason === "python") return ["Python " + python + " is outside torch " + b.torch + "'s range " + x.range[0] + "–" + (x.range[1] || "…"), "use a Python inside that range"];
    if (x.reason === "arch") return ["no native code or PTX for " + gpu.sm + " (this build has " + ((b.sm || []).join(", ") || "none") + ((b.ptx && b.ptx.length) ? "; PTX " + b.ptx.join(", ") : "") + ")", "choose a release or variant that lists " + gpu.sm];
    if (x.reason === "driver") return ["driver " + driver + " is too old for CUDA " + b.cuda + " even under minor-version compatibility (needs ≥ " + x.minor_version_min + "; toolkit minimum " + x.toolkit_min + ")", "upgrade the driver to ≥ " + x.needs];
    return [gpu.sm + " runs this build only by JIT-compiling its PTX, which needs the CUDA " + b.cuda + " driver (≥ " + x.toolkit_min + ")", "upgrade the driver to ≥ " + x.toolkit_min];
  }

  function render() {
    var res = $("wir-result");
    res.textContent = "";
    var gpuText = $("wir-gpu").value, driver = $("wir-driver").value.trim();
    var os = $("wir-os").value, python = $("wir-python").value, method = $("wir-method").value;
    var params = new URLSearchParams();
    if (gpuText) params.set("gpu", gpuText);
    if (driver) params.set("driver", driver);
    params.set("os", os);
    if (python) params.set("python", python);
    params.set("method", method);
    history.replaceState(null, "", "?" + params.toString());

    var gpu = gpuText ? findGpu(T, gpuText) : null;
    $("wir-gpu").setAttribute("aria-invalid", gpuText && !gpu ? "true" : "false");
    var gmsg = $("wir-gpu-msg");
    gmsg.className = "wir-msg";
    if (gpuText && !gpu) {
      var s = suggest(T, gpuText);
      gmsg.textContent = "Unknown GPU." + (s.length ? " Did you mean: " + s.join("; ") + "?" : " Pick one from the list.");
      gmsg.className = "wir-msg wir-error";
    } else gmsg.textContent = gpu ? gpu.name + ": compute capability " + gpu.cc + " (" + gpu.sm + "), " + gpu.arch : "";
    var dok = !driver || parseDriver(driver);
    $("wir-driver").setAttribute("aria-invalid", dok ? "false" : "true");
    var dmsg = $("wir-driver-msg");
    dmsg.textContent = dok ? "" : "“" + driver + "” is not a driver version: type it as nvidia-smi prints it, e.g. 570.86.10 (not the “CUDA Version”).";
    dmsg.className = dok ? "wir-msg" : "wir-msg wir-error";
    if (!gpu || !driver || !dok) return;

    var r = decide(T, gpu.cc, driver, os, python);
    var frag = document.createDocumentFragment(); // one insertion: one style and layout pass
    var h = el("h2", r.options.length ? r.options.length + " builds run on this GPU and driver" : "No recorded build runs on this GPU and driver");
    h.id = "wir-answer";
    frag.appendChild(h);
    r.options.forEach(function (o) {
      var b = T.builds[o.build], box = el("div", null, "wir-option");
      var title = el("p");
      title.appendChild(el("strong", "torch " + b.torch + " + " + b.variant));
      title.appendChild(document.createTextNode(" (CUDA " + b.cuda + ")"));
      if (b.default) title.appendChild(el("span", "PyPI default", "wir-badge"));
      if (o.driver_via === "minor-version") title.appendChild(el("span", "minor-version compatibility", "wir-badge"));
      if (o.code === "ptx") title.appendChild(el("span", "PTX JIT only", "wir-badge"));
      box.appendChild(title);
      if (method === "docker") {
        if (b.images.length) b.images.forEach(function (tag) { box.appendChild(codeBlock("docker run --gpus all --ipc=host --rm -it " + tag)); });
        else box.appendChild(el("p", "No pytorch/pytorch image recorded for this build; use pip inside a CUDA base image."));
      } else box.appendChild(codeBlock(command(b, method, python)));
      if (o.driver_via === "minor-version") box.appendChild(el("p", "Runs through minor-version compatibility: features that need a newer driver are unavailable, and PTX from this CUDA cannot be JIT-compiled."));
      if (o.code === "ptx") box.appendChild(el("p", "No native " + gpu.sm + " code: kernels are JIT-compiled from PTX at first use; libraries without code for this GPU can still fail."));
      frag.appendChild(box);
    });
    if (r.rejected.length) {
      var newest = T.builds.filter(function (b) { return b.platform === (os === "windows" ? "windows-x86_64" : "linux-x86_64"); })[0];
      var expected = r.rejected.filter(function (x) {
        var b = T.builds[x.build];
        return (newest && b.torch === newest.torch) || b.default;
      });
      frag.appendChild(el("h3", "Why not the newest release or the PyPI default?"));
      var ul = el("ul", null, "wir-rejected");
      (expected.length ? expected : r.rejected.slice(0, 5)).forEach(function (x) {
        var b = T.builds[x.build], t = reasonText(x, b, gpu, driver, python), li = el("li");
        li.appendChild(el("strong", "torch " + b.torch + " + " + b.variant + ": "));
        li.appendChild(document.createTextNode(t[0] + ". Fix: " + t[1] + "."));
        ul.appendChild(li);
      });
      frag.appendChild(ul);
      var det = el("details"), sum = el("summary", "All " + r.rejected.length + " builds that do not run, with reasons");
      det.appendChild(sum);
      var all = el("ul", null, "wir-rejected");
      r.rejected.forEach(function (x) {
        var b = T.builds[x.build], t = reasonText(x, b, gpu, driver, python);
        all.appendChild(el("li", "torch " + b.torch + " + " + b.variant + ": " + t[0] + "."));
      });
      det.appendChild(all);
      frag.appendChild(det);
    }
    if (r.unknown.length) frag.appendChild(el("p", r.unknown.length + " builds have no recorded architecture list for this platform (a known gap) and are not judged."));
    res.appendChild(frag);
  }

  function fillFromSmi() {
    var p = parseSmi($("wir-smi").value), msg = $("wir-smi-msg");
    if (p.gpu) {
      var g = findGpu(T, p.gpu) || (suggest(T, p.gpu).length === 1 ? findGpu(T, suggest(T, p.gpu)[0]) : null);
      $("wir-gpu").value = g ? g.name : p.gpu;
    }
    if (p.driver) $("wir-driver").value = p.driver;
    msg.textContent = p.gpu || p.driver ? "Filled: " + [p.gpu, p.driver].filter(Boolean).join(", ") : "No GPU name or driver version found in this text.";
    render();
  }

  function init(table) {
    T = table;
    var dl = $("wir-gpus");
    T.gpus.forEach(function (g) {
      g.names.forEach(function (n) { var o = document.createElement("option"); o.value = n; dl.appendChild(o); });
    });
    var pys = {};
    T.builds.forEach(function (b) {
      if (!b.python || !b.python[1]) return;
      var lo = minor(b.python[0]), hi = minor(b.python[1]);
      for (var m = lo[1]; m <= hi[1]; m++) pys["3." + m] = true;
    });
    Object.keys(pys).sort(function (a, b) { return cmp(minor(b), minor(a)); }).forEach(function (v) {
      var o = document.createElement("option"); o.value = v; o.textContent = v; $("wir-python").appendChild(o);
    });
    var q = new URLSearchParams(location.search);
    if (q.get("gpu")) $("wir-gpu").value = q.get("gpu");
    if (q.get("driver")) $("wir-driver").value = q.get("driver");
    ["os", "python", "method"].forEach(function (k) {
      var v = q.get(k), s = $("wir-" + k);
      if (v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) s.value = v;
    });
    form.addEventListener("input", function (e) { if (e.target.id !== "wir-smi") render(); });
    form.addEventListener("change", function (e) { if (e.target.id !== "wir-smi") render(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
    $("wir-smi-fill").addEventListener("click", fillFromSmi);
    form.setAttribute("data-ready", "true");
    render();
  }

  if (window.cudacompatTable) init(window.cudacompatTable);
  else $("wir-result").textContent = "Could not load the lookup data (lookup-data.js).";
})();
