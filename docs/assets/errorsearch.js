/* The site search and pasted error text.
 *
 * 1. The query Material's search worker gets is the typed text with lunr's query syntax taken out
 *    (+ - : ~ ^ * and quotes mean "required", "prohibited", "field", "fuzzy", "boost", "wildcard" and
 *    "phrase" to lunr, and pasted paths, flags and messages are full of them): every character that is
 *    not a letter, a digit, a dot or white space becomes a space. The index is made of the same words:
 *    mkdocs.yml splits the text at those characters and keeps every word as it is written (no
 *    stemming), and Material appends a wildcard to each query word, so "capab" finds "capability".
 * 2. Catalogue hits: the entries errorsearch-core.js ranks for the text (as `cudacompat explain` does)
 *    go to the top of the results, labelled with the templates' words; an entry's link carries what the
 *    paste says about the GPU (?sm=, ?gpu=, ?os=) so its page lists the builds for it. A page already
 *    among the hits is taken out of Material's list below them: no page is listed twice.
 * The catalogue (errors-data.js, errorsearch-core.js: 27 kB compressed) loads when the reader first
 * focuses or types into the search box, not with every page; window.cudacompatErrorsReady() loads it
 * and resolves once it is there.
 * Every data string reaches the page through textContent. */
(function () {
  "use strict";
  var QUERY = 2; // Material's SearchMessageType.QUERY
  var W = window.Worker;
  if (W && W.prototype && !W.prototype.cudacompatQuery) {
    var post = W.prototype.postMessage;
    W.prototype.postMessage = function (message) {
      if (message && message.type === QUERY && typeof message.data === "string") {
        var q = message.data.replace(/[^\p{L}\p{N}.\s]+/gu, " ").replace(/\s+/g, " ").trim();
        arguments[0] = { type: QUERY, data: q };
      }
      return post.apply(this, arguments);
    };
    W.prototype.cudacompatQuery = true;
  }

  var SHOWN = 3, MIN_QUERY = 8, LINKED = ["gpu", "sm", "cc", "os"];
  var CATALOGUE = ["errors-data.js", "assets/errorsearch-core.js"];
  var D = null, M = null, loading = null;

  var input = document.querySelector("input.md-search__input");
  var list = document.querySelector(".md-search-result__list");
  var cfg = document.getElementById("__config");
  if (!input || !list || !cfg) return;
  var b = String(JSON.parse(cfg.textContent).base || ".");
  var base = new URL(b.charAt(b.length - 1) === "/" ? b : b + "/", location.href);

  // the catalogue's two scripts, in order (async = false), once per page
  function load() {
    if (!loading) {
      loading = Promise.all(CATALOGUE.map(function (path) {
        return new Promise(function (resolve, reject) {
          var s = document.createElement("script");
          s.src = new URL(path, base).href;
          s.async = false;
          s.onload = resolve;
          s.onerror = function () { reject(new Error("could not load " + s.src)); };
          document.head.appendChild(s);
        });
      })).then(function () {
        D = window.cudacompatErrors;
        M = window.cudacompatErrorMatch;
        if (!D || !M) throw new Error("the error catalogue did not load");
        inject();
      });
    }
    return loading;
  }
  window.cudacompatErrorsReady = load;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function say(key, params) {
    return String(D.text[key]).replace(/\{([a-z_]+)\}/g, function (_, k) { return String(params[k]); });
  }

  function pageOf(href) {
    var u = new URL(href, location.href);
    return u.pathname.replace(/index\.html$/, "");
  }

  function link(m) {
    var u = new URL(m.entry.url, base);
    LINKED.forEach(function (k) { if (m.params[k]) u.searchParams.set(k, m.params[k]); });
    return u.href;
  }

  // Material's results for a page the hits already show are taken out
  function dedupe() {
    var hits = {};
    Array.prototype.forEach.call(list.querySelectorAll(".compat-hit a"), function (a) { hits[pageOf(a.href)] = true; });
    Array.prototype.forEach.call(list.children, function (li) {
      if (li.classList.contains("compat-hit")) return;
      var a = li.querySelector("a");
      if (a && hits[pageOf(a.href)]) li.remove();
    });
  }

  function inject() {
    if (!M) return;
    var q = input.value;
    var first = list.firstElementChild;
    if (first && first.classList.contains("compat-hit") && first.getAttribute("data-q") === q) { dedupe(); return; }
    Array.prototype.forEach.call(list.querySelectorAll(".compat-hit"), function (n) { n.remove(); });
    if (q.replace(/\s+/g, " ").trim().length < MIN_QUERY) return;
    M.match(D, q).slice(0, SHOWN).reverse().forEach(function (m) {
      var li = el("li", "md-search-result__item compat-hit");
      li.setAttribute("data-q", q);
      var a = el("a", "md-search-result__link");
      a.href = link(m);
      a.tabIndex = -1;
      var art = el("article", "md-search-result__article md-typeset");
      art.appendChild(el("div", "md-search-result__icon md-icon"));
      art.appendChild(el("h1", null, m.entry.heading));
      art.appendChild(el("p", "compat-hit__label", say("explain.label-" + m.strength, { family: m.entry.family })));
      art.appendChild(el("p", null, m.entry.cause));
      a.appendChild(art);
      li.appendChild(a);
      list.insertBefore(li, list.firstChild);
    });
    dedupe();
  }

  function start() { load().catch(function (e) { console.error(e.message); }); }
  new MutationObserver(inject).observe(list, { childList: true });
  input.addEventListener("focus", start);
  input.addEventListener("input", function () { start(); inject(); });
  input.addEventListener("keyup", inject);
})();
