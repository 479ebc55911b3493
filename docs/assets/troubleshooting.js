/* The builds for the reader's GPU on a troubleshooting entry page: the list `cudacompat explain`
 * prints for the same message (lookup-core.js carriers + carrierLines over lookup-data.js, the same
 * sentences), from what the site search's link carries (?gpu=, ?sm=, ?cc=, ?os=) or what the reader
 * types (a GPU name or sm_XY). Every string reaches the page through textContent. */
(function () {
  "use strict";
  var T = window.cudacompatTable, L = window.cudacompatLookup;
  var box = document.querySelector(".compat-personal");
  if (!T || !L || !box) return;
  var input = box.querySelector("input"), out = box.querySelector(".compat-personal__out");
  var form = box.querySelector("form");
  var q = new URL(location.href).searchParams;
  var platform = q.get("os") === "windows" ? "windows-x86_64" : "linux-x86_64";
  var SM = /^(?:sm|compute)_([0-9]{1,2})([0-9])([af]?)$/i, CC = /^([0-9]{1,2})\.([0-9])([af]?)$/;

  function ccOf(text) {
    var t = String(text || "").trim(), m = SM.exec(t) || CC.exec(t);
    return m ? Number(m[1]) + "." + m[2] + m[3].toLowerCase() : null;
  }

  // as cudacompat.answers.explain.facts_for: the sm (or cc) the message names, else the GPU's; the
  // GPU named, when it has that capability, sets the driver floor
  function answer(gpuText, smText) {
    var cc = ccOf(smText), named = null;
    if (gpuText) {
      var r = L.resolveGpu(T, gpuText);
      if (r.gpu) { named = r.gpu.id; cc = cc || r.gpu.cc; }
    }
    if (!cc || !T.codes[cc]) return null;
    var gpu = L.gpuFor(T, cc, named);
    return gpu ? L.carrierLines(T, L.carriers(T, gpu, platform), L.sm(cc), platform) : null;
  }

  function show(lines, typed) {
    out.hidden = false;
    out.textContent = lines ? lines.join("\n") : L.say(T, "explain.page-unknown", { text: typed });
  }

  var gpu = q.get("gpu"), sm = q.get("sm") || q.get("cc");
  if (gpu || sm) {
    input.value = (gpu || sm).slice(0, 200);
    show(answer(gpu, sm), input.value);
  }
  function typed() {
    var t = input.value.trim().slice(0, 200);
    if (!t) { out.hidden = true; return; }
    show(ccOf(t) ? answer(null, t) : answer(t, null), t);
  }
  input.addEventListener("input", typed);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); typed(); });
})();
