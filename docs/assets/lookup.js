/* "Will it run?" — the page. Every answer comes from lookup-core.js (window.cudacompatLookup) over
 * lookup-data.js (window.cudacompatTable); every sentence from the table's templates. Every data
 * string reaches the page through textContent. */
(function () {
  "use strict";
  var L = window.cudacompatLookup;
  var form = document.getElementById("wir-form");
  if (!form || !L) return;
  var $ = function (id) { return document.getElementById(id); };
  var T = null, blocks = 0;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // Material gives each code block the id "__code_" + its closest ancestor's id, and its copy
  // button copies that id's text: a wrapper with an id of its own per block keeps them apart
  function codeBlock(text) {
    var wrap = el("div", null, "wir-cmd"), pre = el("pre"), code = el("code", text);
    wrap.id = "wir-cmd-" + (++blocks);
    pre.appendChild(code);
    wrap.appendChild(pre);
    return wrap;
  }

  function say(key, params) { return L.say(T, key, params || {}); }

  function render() {
    var res = $("wir-result");
    res.textContent = "";
    blocks = 0;
    var gpuText = $("wir-gpu").value, driver = $("wir-driver").value.trim();
    var python = $("wir-python").value, method = $("wir-method").value;
    var chosen = $("wir-platform").value, jetpack = $("wir-jetpack").value;
    var params = new URLSearchParams();
    if (gpuText) params.set("gpu", gpuText);
    if (driver) params.set("driver", driver);
    if (chosen) params.set("platform", chosen);
    if (jetpack) params.set("jetpack", jetpack);
    if (python) params.set("python", python);
    params.set("method", method);
    history.replaceState(null, "", "?" + params.toString());

    var found = gpuText ? L.resolveGpu(T, gpuText) : { gpu: null, suggestions: [] }, gpu = found.gpu;
    $("wir-gpu").setAttribute("aria-invalid", gpuText && !gpu ? "true" : "false");
    var gmsg = $("wir-gpu-msg");
    gmsg.className = "wir-msg";
    if (gpuText && !gpu) {
      gmsg.textContent = say("page.unknown-gpu") + (found.suggestions.length
        ? say("page.did-you-mean", { names: found.suggestions.join("; ") }) : say("page.pick-one"));
      gmsg.className = "wir-msg wir-error";
    } else gmsg.textContent = gpu ? say("page.gpu", { name: gpu.name, cc: gpu.cc, sm: gpu.sm, arch: gpu.arch }) : "";
    var dok = !driver || L.parseDriver(driver);
    $("wir-driver").setAttribute("aria-invalid", dok ? "false" : "true");
    var dmsg = $("wir-driver-msg");
    dmsg.textContent = dok ? "" : say("page.bad-driver", { driver: driver });
    dmsg.className = dok ? "wir-msg" : "wir-msg wir-error";
    if (!gpu || !dok) return;
    var platform = chosen || (gpu.tegra ? "jetson" : "linux-x86_64");
    if (!driver && platform !== "jetson") return;
    var ctx = { gpu: gpu, driver: driver || null, platform: platform, os: L.DRIVER_OS[platform],
      python: python || null, jetpack: platform === "jetson" && jetpack ? jetpack : null };

    var r = L.decide(T, gpu, ctx.driver, platform, ctx.python, ctx.jetpack);
    var frag = document.createDocumentFragment(); // one insertion: one style and layout pass
    if (r.mismatch) {
      var hm = el("h2", say("page.none"));
      hm.id = "wir-answer";
      frag.appendChild(hm);
      frag.appendChild(el("p", L.mismatchText(T, ctx, r.mismatch) + ".", "wir-mismatch"));
      res.appendChild(frag);
      return;
    }
    var h = el("h2", r.options.length ? say("page.count", { n: r.options.length }) : say("page.none"));
    h.id = "wir-answer";
    frag.appendChild(h);
    r.options.forEach(function (o) {
      var b = T.builds[o.build], box = el("div", null, "wir-option");
      var title = el("p");
      title.appendChild(el("strong", b.kind === "pip" ? "torch " + b.torch + " + " + b.variant : "torch " + b.torch));
      title.appendChild(document.createTextNode(b.cuda ? " (CUDA " + b.cuda + ")" : ""));
      if (b.default && method !== "docker") title.appendChild(el("span", say("badge.default"), "wir-badge"));
      if (b.kind !== "pip") title.appendChild(el("span", say("badge.jetson"), "wir-badge"));
      if (o.driver_via === "minor-version") title.appendChild(el("span", say("badge.minor-version"), "wir-badge"));
      if (o.code === "ptx") title.appendChild(el("span", say("badge.ptx"), "wir-badge"));
      box.appendChild(title);
      if (b.kind !== "pip") box.appendChild(codeBlock(b.install));
      else if (method === "docker") {
        if (b.docker.length) b.docker.forEach(function (cmd) { box.appendChild(codeBlock(cmd)); });
        else box.appendChild(el("p", say("page.no-image")));
      } else box.appendChild(codeBlock(method === "conda" ? L.condaCommand(T, b, python) : b.install));
      L.notes(T, ctx, o).forEach(function (n) { box.appendChild(el("p", n)); });
      frag.appendChild(box);
    });
    var fx = L.fixLines(T, L.fixes(T, r));
    if (fx.length) {
      var fl = el("ul", null, "wir-fixes");
      fx.forEach(function (f) { fl.appendChild(el("li", f)); });
      frag.appendChild(fl);
    }
    if (r.rejected.length) {
      frag.appendChild(el("h3", say("page.why-not")));
      var ul = el("ul", null, "wir-rejected wir-groups");
      L.groups(T, ctx, r).forEach(function (g) {
        var first = r.rejected.filter(function (x) { return x.reason === g.reason; })[0];
        var t = L.rejection(T, ctx, first), li = el("li");
        li.appendChild(el("strong", g.heading + " (" + g.count + "): "));
        li.appendChild(document.createTextNode(g.builds.slice(0, 6).join(", ") + (g.count > 6 ? ", …" : "")
          + ". E.g. " + t.detail + ". Fix: " + t.fix + "."));
        ul.appendChild(li);
      });
      frag.appendChild(ul);
      var det = el("details"), sum = el("summary", say("page.all-rejected", { n: r.rejected.length }));
      det.appendChild(sum);
      var all = el("ul", null, "wir-rejected wir-all");
      r.rejected.forEach(function (x) {
        var b = T.builds[x.build], t = L.rejection(T, ctx, x);
        all.appendChild(el("li", (b.kind === "pip" ? "torch " + b.torch + " + " + b.variant : "torch " + b.torch) + ": " + t.detail + "."));
      });
      det.appendChild(all);
      frag.appendChild(det);
    }
    if (r.unknown.length) {
      frag.appendChild(el("p", say("page.unknown", { n: r.unknown.length })));
      var uk = el("ul", null, "wir-unknown");
      r.unknown.forEach(function (u) {
        var b = T.builds[u.build];
        uk.appendChild(el("li", "torch " + b.torch + " + " + b.variant + ": " + say("unknown.no-arch-data", {
          torch: b.torch, variant: b.variant, platform: b.platform })));
      });
      frag.appendChild(uk);
    }
    res.appendChild(frag);
  }

  function fillFromSmi() {
    var p = L.parseSmi($("wir-smi").value), msg = $("wir-smi-msg");
    if (p.gpu) {
      var g = L.resolveGpu(T, p.gpu).gpu;
      $("wir-gpu").value = g ? g.name : p.gpu;
    }
    if (p.driver) $("wir-driver").value = p.driver;
    msg.textContent = p.gpu || p.driver ? say("page.smi-filled", { what: [p.gpu, p.driver].filter(Boolean).join(", ") })
      : say("page.smi-nothing");
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
      var lo = L.minor(b.python[0]), hi = L.minor(b.python[1]);
      for (var m = lo[1]; m <= hi[1]; m++) pys["3." + m] = true;
    });
    Object.keys(pys).sort(function (a, b) { return L.cmp(L.minor(b), L.minor(a)); }).forEach(function (v) {
      var o = document.createElement("option"); o.value = v; o.textContent = v; $("wir-python").appendChild(o);
    });
    T.jetpacks.forEach(function (j) {
      var o = document.createElement("option"); o.value = j.version; o.textContent = j.version + " (L4T " + j.l4t + ")";
      $("wir-jetpack").appendChild(o);
    });
    var q = new URLSearchParams(location.search);
    if (q.get("gpu")) $("wir-gpu").value = q.get("gpu");
    if (q.get("driver")) $("wir-driver").value = q.get("driver");
    if (!q.get("platform") && q.get("os")) q.set("platform", q.get("os") === "windows" ? "windows-x86_64" : "linux-x86_64");
    ["platform", "jetpack", "python", "method"].forEach(function (k) {
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
