// What the `omq` subcommands share: exit codes, error printing, option parsers and plain-text tables.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import { contextError } from "../../lib/util/errors.js";

/** 0 ok, 1 a cell failed or timed out (or the kernel could not run), 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliContext {
  exitCode: number;
  out: (text: string) => void;
  err: (text: string) => void;
}

export function defaultContext(): CliContext {
  return {
    exitCode: EXIT_OK,
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  };
}

/** Prints `omq <command>: <message>` (and the causes' messages when they add something). */
export function printError(ctx: CliContext, command: string, err: unknown): void {
  const msg = err instanceof Error ? err.message : String(err);
  ctx.err(`omq ${command}: ${msg}\n`);
  if (process.env["OMQ_DEBUG"] && err instanceof Error && err.stack) ctx.err(`${err.stack}\n`);
}

/** Commander collector for repeatable options (`-p a=1 -p b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number of seconds.");
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive whole number.");
  return n;
}

/** `--kernel-argv '["node", "x.js", "{connection_file}"]'` -> string[]. */
export function parseKernelArgv(json: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (cause) {
    throw contextError({ what: "--kernel-argv is not valid JSON", expected: 'a JSON array of strings such as ["node", "kernel.js", "{connection_file}"]', found: json, cause });
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === "string")) {
    throw contextError({ what: "--kernel-argv is wrong", expected: "a non-empty JSON array of strings", found: json });
  }
  return v as string[];
}

export function existingDir(path: string, option: string): string {
  const abs = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw contextError({ what: "the directory does not exist", where: `${option} ${path}` });
  return abs;
}

/** Left-aligned columns separated by two spaces, with a header row. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n") + "\n";
}
