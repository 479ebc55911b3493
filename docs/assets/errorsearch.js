/* Catalogue matches in the site search: when the text typed or pasted into the search box is a
 * catalogued error message (errorsearch-core.js matches it as `cudacompat explain` does), the
 * entries are put at the top of Material's results. Every data string reaches the page through
 * textContent. */
(function () {
  "use strict";
  var errs = window.cudacompatErrors, M = window.cudacompatErrorMatch;
  if (!errs || !M) return;
  var SHOWN = 3, MIN_QUERY = 8;

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
    if (q.replace(/\s+/g, " ").trim().length < MIN_QUERY) return;
    M.match(errs, q).slice(0, SHOWN).reverse().forEach(function (e) {
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
