// The browser half of the parity test: reads {lookup, errors, names, decide, smi, pastes} as JSON
// on stdin (paths of the generated data scripts and the inputs), answers each input with the very
// scripts the site ships (docs/assets/*-core.js), and prints the answers as JSON.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const ctx = { window: {} };
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(input.lookup, "utf8"), ctx);
vm.runInContext(fs.readFileSync(input.errors, "utf8"), ctx);
const T = ctx.window.cudacompatTable, E = ctx.window.cudacompatErrors;
const L = require(path.resolve("docs/assets/lookup-core.js"));
const M = require(path.resolve("docs/assets/errorsearch-core.js"));

const out = {};
out.names = input.names.map((n) => {
  const r = L.resolveGpu(T, n);
  return [r.gpu ? r.gpu.id : null, r.suggestions];
});
out.decide = input.decide.map(([name, driver, os, python]) => {
  const gpu = L.resolveGpu(T, name).gpu;
  const r = L.decide(T, gpu.cc, driver, os, python);
  const b = (x) => [T.builds[x.build].torch, T.builds[x.build].variant];
  return {
    options: r.options.map((o) => [...b(o), o.code, o.driver_via, T.builds[o.build].install,
      L.condaCommand(T, T.builds[o.build], python), T.builds[o.build].docker, L.notes(T, o, gpu, driver, os, python)]),
    rejected: r.rejected.map((x) => { const t = L.rejection(T, x, gpu, driver, os, python); return [...b(x), x.reason, t.detail, t.fix]; }),
    unknown: r.unknown.map((x) => b(x)),
  };
});
out.smi = input.smi.map((t) => L.parseSmi(t));
out.pastes = input.pastes.map((t) => M.match(E, t).map((e) => e.id));
process.stdout.write(JSON.stringify(out));
