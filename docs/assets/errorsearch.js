/* Catalogue matches in the site search: when the text typed or pasted into the search box is a
 * catalogued error message (its pattern matches, as `cudacompat explain` does) or part of one,
 * the entry is put at the top of Material's results. errors-data.js is generated from
 * data/compat.yaml; match() mirrors cudacompat.troubleshoot.explain (a test holds them equal).
 * Every data string reaches the page through textContent. */
(function () {
  "use strict";
  var errs = window.cudacompatErrors;
  if (!errs) return;
  var MAX_LINE = 1000;
  errs.forEach(function (e) { try { e.rx = new RegExp(e.pattern, "i"); } catch (x) { e.rx = null; } });

  function norm(s) { return String(s).toLowerCase().replace(/\s+/g, " ").trim(); }

  function match(text) {
    var seen = {}, lines = String(text).split(/\r?\n/).filter(function (l) {
      if (!l.trim() || seen[l.slice(0, MAX_LINE)]) return false;
      seen[l.slice(0, MAX_LINE)] = true;
      return true;
    }).map(function (l) { return l.slice(0, MAX_LINE); });
    if (lines.length > 400) lines = lines.slice(0, 200).concat(lines.slice(-200));
    var found = [];
    errs.forEach(function (e, i) {
      if (!e.rx) return;
      for (var j = 0; j < lines.length; j++) {
        var m = e.rx.exec(lines[j]);
        if (m) { found.push([-m[0].length, i, e]); return; }
      }
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var out = found.map(function (f) { return f[2]; });
    var q = norm(text);
    if (q.split(" ").length >= 3) {
      errs.forEach(function (e) {
        if (out.indexOf(e) < 0 && e.messages.some(function (m) { return norm(m).indexOf(q) >= 0; })) out.push(e);
      });
    }
    return out;
  }
  window.cudacompatErrorSearch = { match: match };

  var input = document.querySelector("input.md-search__input");
  var list = document.querySelector(".md-search-result__list");
  var cfg = document.getElementById("__config");
  if (!input || !list || !cfg) return;
  var b = String(JSON.parse(cfg.textContent).base || ".");
  var base = new URL(b.charAt(b.length - 1) === "/" ? b : b + "/", location.href);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function inject() {
    var q = input.value;
    var first = list.firstElementChild;
    if (first && first.classList.contains("compat-hit") && first.getAttribute("data-q") === q) return;
    Array.prototype.forEach.call(list.querySelectorAll(".compat-hit"), function (n) { n.remove(); });
    if (norm(q).length < 8) return;
    match(q).slice(0, 3).reverse().forEach(function (e) {
      var li = el("li", "md-search-result__item compat-hit");
      li.setAttribute("data-q", q);
      var a = el("a", "md-search-result__link");
      a.href = new URL(e.url, base).href;
      a.tabIndex = -1;
      var art = el("article", "md-search-result__article md-typeset");
      art.appendChild(el("div", "md-search-result__icon md-icon"));
      art.appendChild(el("h1", null, e.heading));
      art.appendChild(el("p", "compat-hit__label", "Catalogued error · " + e.family));
      art.appendChild(el("p", null, e.cause));
      a.appendChild(art);
      li.appendChild(a);
      list.insertBefore(li, list.firstChild);
    });
  }

  new MutationObserver(inject).observe(list, { childList: true });
  input.addEventListener("input", inject);
  input.addEventListener("keyup", inject);
})();
