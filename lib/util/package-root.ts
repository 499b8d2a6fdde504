import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { contextError } from "./errors.js";

let cached: string | undefined;

/**
 * The OmniQuant package root: the nearest directory at or above this module that holds a package.json named
 * "omniquant". Works from the TypeScript sources (lib/util/) and from the compiled output (.build/lib/util/),
 * whatever the current working directory.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "omniquant") {
          cached = dir;
          return dir;
        }
      } catch {
        // an unreadable or invalid package.json is not ours: keep walking up
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  throw contextError({
    what: "could not find the OmniQuant package root",
    where: start,
    expected: "a package.json named 'omniquant' in this directory or above it",
    found: "none up to the file-system root",
    hint: "Run OmniQuant from its installed package, not from a copied file",
  });
}
