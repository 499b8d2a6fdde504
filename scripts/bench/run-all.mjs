#!/usr/bin/env node
// Runs every scripts/bench/*.bench.ts, each in its own process (`node --import tsx <file>`), forwarding its
// output, and writes every stdout line that is a JSON object with a "bench" key to bench-results.json at the
// repository root, with machine info. Exits non-zero if any benchmark failed.
//
//   npm run bench               all benchmarks
//   npm run bench -- rolling    only files whose name contains "rolling"
import { spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, "..", "..");
const filter = process.argv[2] ?? "";

const files = readdirSync(benchDir)
  .filter((name) => name.endsWith(".bench.ts") && name.includes(filter))
  .sort();
if (files.length === 0) {
  const all = readdirSync(benchDir).filter((name) => name.endsWith(".bench.ts"));
  console.error(
    `run-all: no benchmark file in scripts/bench matches '${filter}'; the benchmarks are: ${all.join(", ") || "none"}.`,
  );
  process.exit(1);
}

/** Runs one benchmark file; resolves with its JSON result lines and how it ended. */
function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(benchDir, file)], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const results = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      process.stdout.write(`${line}\n`);
      const text = line.trim();
      if (!text.startsWith("{")) return;
      try {
        const value = JSON.parse(text);
        if (value && typeof value === "object" && !Array.isArray(value) && "bench" in value) {
          results.push({ ...value, file: `scripts/bench/${file}` });
        }
      } catch {
        // not JSON: plain output, already forwarded
      }
    });
    child.on("error", (error) => resolve({ file, results, code: null, signal: null, error, ms: Date.now() - started }));
    child.on("close", (code, signal) => resolve({ file, results, code, signal, ms: Date.now() - started }));
  });
}

const results = [];
const failures = [];
for (const file of files) {
  console.error(`run-all: ${file}`);
  const run = await runOne(file);
  results.push(...run.results);
  const how = run.error
    ? `could not start (${run.error.message})`
    : run.code !== 0
      ? run.signal
        ? `was killed by ${run.signal}`
        : `exited with code ${run.code}`
      : run.results.length === 0
        ? "printed no JSON line with a 'bench' key"
        : undefined;
  if (how) failures.push({ file: `scripts/bench/${file}`, reason: `${file} ${how}` });
  console.error(`run-all: ${file} ${how ?? "done"} in ${(run.ms / 1000).toFixed(1)} s`);
}

const cpus = os.cpus();
const out = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory_gb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  },
  filter: filter || null,
  results,
  failures,
};
const target = path.join(root, "bench-results.json");
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.error(`run-all: wrote ${results.length} result(s) to ${path.relative(process.cwd(), target) || target}`);
if (failures.length > 0) {
  for (const f of failures) console.error(`run-all: FAILED: ${f.reason}`);
  console.error("run-all: see the output above for the error; a benchmark needing the native addon needs 'npm run build' first.");
  process.exit(1);
}
