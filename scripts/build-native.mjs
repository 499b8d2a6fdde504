#!/usr/bin/env node
// Builds the native addon native/build/Release/omniquant.node with node-gyp:
//   node-gyp rebuild --directory native -j 2 [--nodedir=<prefix>]
// Run by `npm install` (the "install" script), `npm run build` and `npm rebuild`.
//
// node-gyp is looked up, in order: on PATH (npm puts its bundled node-gyp-bin there for scripts); next to the
// npm that runs us (<dir of npm_execpath>/../node_modules/node-gyp); the system npm's copy. When this Node's own
// headers are installed (<prefix>/include/node/node_api.h, prefix = <dir of node>/..), --nodedir points at
// them so that node-gyp downloads nothing.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const isWindows = process.platform === "win32";

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** @returns {{ command: string, prefixArgs: string[], shell: boolean, from: string } | undefined} */
function findNodeGyp() {
  const names = isWindows ? ["node-gyp.cmd", "node-gyp.exe", "node-gyp"] : ["node-gyp"];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isFile(candidate)) {
        return { command: candidate, prefixArgs: [], shell: isWindows && candidate.endsWith(".cmd"), from: "PATH" };
      }
    }
  }
  const scripts = [];
  if (process.env.npm_execpath) {
    scripts.push(path.resolve(path.dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  scripts.push("/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js");
  for (const script of scripts) {
    if (isFile(script)) return { command: process.execPath, prefixArgs: [script], shell: false, from: script };
  }
  return undefined;
}

function fail(what, detail) {
  console.error(
    `\nomniquant: ${what}. The native addon (native/build/Release/omniquant.node) was not built, so ` +
      `'omniquant/native' will not load.\n` +
      (detail ? `${detail}\n` : "") +
      `To retry, run 'npm rebuild' (or 'npm run build') in ${root}. ` +
      `Building needs a C++17 compiler, make and python3.\n`,
  );
  process.exit(1);
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) {
  fail(
    "could not find node-gyp",
    "Looked on PATH, next to npm (npm_execpath) and in /usr/lib/node_modules/npm/node_modules/node-gyp; " +
      "install npm (which bundles node-gyp) or put node-gyp on PATH.",
  );
}

const args = [...nodeGyp.prefixArgs, "rebuild", "--directory", "native", "-j", "2"];
const prefix = path.resolve(path.dirname(process.execPath), "..");
if (existsSync(path.join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);

console.log(`omniquant: building the native addon: ${nodeGyp.command} ${args.join(" ")}`);
const result = spawnSync(nodeGyp.command, args, { cwd: root, stdio: "inherit", shell: nodeGyp.shell });
if (result.error) {
  fail(`could not start node-gyp (${nodeGyp.command})`, String(result.error.message ?? result.error));
}
if (result.status !== 0) {
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
  fail(`node-gyp rebuild ${how}`, "See the compiler output above.");
}
if (!isFile(path.join(root, "native", "build", "Release", "omniquant.node"))) {
  fail("node-gyp reported success but native/build/Release/omniquant.node does not exist");
}
console.log("omniquant: native addon built: native/build/Release/omniquant.node");
