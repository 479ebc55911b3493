// The browser half of the parity test: reads {lookup, errors, names, decide, smi, pastes, carriers} as JSON
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
out.decide = input.decide.map(([name, driver, platform, python, jetpack]) => {
  const gpu = L.resolveGpu(T, name).gpu;
  const ctx = { gpu, driver, platform, os: L.DRIVER_OS[platform], python, jetpack };
  const r = L.decide(T, gpu, driver, platform, python, jetpack);
  const b = (x) => [T.builds[x.build].torch, T.builds[x.build].variant];
  return {
    mismatch: r.mismatch ? L.mismatchText(T, ctx, r.mismatch) : null,
    options: r.options.map((o) => [...b(o), o.code, o.driver_via, T.builds[o.build].install,
      L.condaCommand(T, T.builds[o.build], python), T.builds[o.build].docker, L.notes(T, ctx, o)]),
    rejected: r.rejected.map((x) => {
      const t = L.rejection(T, ctx, x);
      return [...b(x), x.reason, x.reasons.map((q) => q.reason), t.detail, t.fix];
    }),
    unknown: r.unknown.map((x) => [...b(x), L.say(T, "unknown.no-arch-data", { torch: T.builds[x.build].torch,
      variant: T.builds[x.build].variant, platform: T.builds[x.build].platform })]),
    groups: L.groups(T, ctx, r),
    fixes: L.fixLines(T, L.fixes(T, r)),
  };
});
out.smi = input.smi.map((t) => L.parseSmi(t));
out.pastes = input.pastes.map((t) => M.match(E, t).map((m) => [m.id, m.score, m.strength, m.params]));
out.carriers = input.carriers.map(([cc, named, platform]) => {
  const gpu = L.gpuFor(T, cc, named);
  return gpu ? L.carrierLines(T, L.carriers(T, gpu, platform), L.sm(cc), platform) : null;
});
process.stdout.write(JSON.stringify(out));
