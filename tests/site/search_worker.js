// Run the site's own search worker (Material's, with its lunr) under node over the site's own
// index: node search_worker.js WORKER INDEX QUERY... prints one JSON line per query,
// {"query": q, "error": text or null, "results": [location, ...]}.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [workerPath, indexPath, ...queries] = process.argv.slice(2);
const errors = [];
let onMessage;
const replies = [];
const context = {
  console: { log: () => {}, warn: (...a) => errors.push(a.join(" ")), error: (...a) => errors.push(a.join(" ")) },
  setTimeout, URL, TextDecoder, TextEncoder,
  addEventListener: (type, handler) => { onMessage = handler; },
  postMessage: (message) => replies.push(message),
  importScripts: () => {},
  location: { href: "http://localhost/" },
};
context.self = context;
vm.createContext(context);
vm.runInContext(fs.readFileSync(workerPath, "utf8"), context);

const index = JSON.parse(fs.readFileSync(indexPath, "utf8"));
index.options = { suggest: false };
const SETUP = 0, QUERY = 2;

(async () => {
  await onMessage({ data: { type: SETUP, data: index } });
  for (const query of queries) {
    replies.length = 0;
    errors.length = 0;
    await onMessage({ data: { type: QUERY, data: query } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const items = replies.length ? replies[replies.length - 1].data.items : [];
    const results = items.map((group) => group[0].location);
    console.log(JSON.stringify({ query, error: errors.length ? errors.join(" | ") : null, results }));
  }
})();
