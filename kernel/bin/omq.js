#!/usr/bin/env node
// The `omq` command. The CLI is TypeScript compiled into .build/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const entry = fileURLToPath(new URL("../../.build/kernel/cli/index.js", import.meta.url));

if (!existsSync(entry)) {
  process.stderr.write(
    `omq: the compiled CLI is missing (${entry}). Run \`npm install\` (or \`npm run build\`) in ${root} and try again.\n`,
  );
  process.exit(1);
}

const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv);
