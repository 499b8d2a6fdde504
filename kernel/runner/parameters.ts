// Notebook parameters, papermill style: values from `-p name=value` and `-f params.json|.yaml`, turned into a
// cell of typed TypeScript `const` declarations injected after the cell tagged `parameters`.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { contextError } from "../../lib/util/errors.js";
import { cellTags, newCellId, splitLines, type Cell, type CodeCell, type Notebook } from "./nbformat.js";

export type ParamValue = null | boolean | number | string | Date | ParamValue[] | { [key: string]: ParamValue };
export type Parameters = Record<string, ParamValue>;

export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";

// ISO 8601 calendar dates and date-times: 2020-01-31, 2020-01-31T10:00, 2020-01-31T10:00:00.5Z, ...+02:00.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The Date an ISO 8601 string names, or undefined when it is not one. A date or a date-time without a zone is read
 * as UTC (JavaScript would read a zone-less date-time as local time), so results do not depend on the machine.
 */
export function parseIsoDate(s: string): Date | undefined {
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, , zone] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59) return undefined;
  const text = h === undefined ? `${y}-${mo}-${d}T00:00:00Z` : zone === undefined ? `${s.replace(" ", "T")}Z` : s.replace(" ", "T");
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject dates JavaScript silently rolls over (2021-02-30 -> March 2): the day must survive a round trip.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCDate() !== Number(d)) return undefined;
  return date;
}

/** Turns every ISO date string inside a parsed JSON/YAML value into a Date. */
export function revive(value: unknown, where: string): ParamValue {
  if (value === null || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "string") return parseIsoDate(value) ?? value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v, i) => revive(v, `${where}[${i}]`));
  if (typeof value === "object") {
    const out: { [key: string]: ParamValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = revive(v, `${where}.${k}`);
    return out;
  }
  throw contextError({ what: `the value of ${where} cannot be a notebook parameter`, expected: "JSON data (null, boolean, number, string, date, array or object)", found: typeof value });
}

/**
 * The value of `-p name=value`: JSON when it parses (numbers, booleans, null, arrays, objects, quoted strings), else
 * the raw text; ISO dates become Dates. A quoted JSON string stays a string even when it looks like a date.
 */
export function parseParamValue(raw: string, where = "parameter"): ParamValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return parseIsoDate(raw.trim()) ?? raw;
  }
  if (typeof parsed === "string") return parsed;
  return revive(parsed, where);
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await arguments eval undefined"
  ).split(" "),
);
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

export function checkParameterName(name: string, where: string): void {
  if (!isValidIdentifier(name)) {
    throw contextError({
      what: `the parameter name ${JSON.stringify(name)} is not a valid TypeScript identifier`,
      where,
      expected: "a name like `window` or `start_date` (letters, digits, _ or $, not starting with a digit, not a reserved word)",
    });
  }
}

/** Parses `-p name=value` arguments (later ones win). */
export function parseParamArgs(pairs: readonly string[]): Parameters {
  const params: Parameters = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw contextError({ what: `the parameter ${JSON.stringify(pair)} has no name=value form`, where: "-p", expected: "name=value, e.g. -p window=20" });
    const name = pair.slice(0, eq).trim();
    checkParameterName(name, `-p ${pair}`);
    params[name] = parseParamValue(pair.slice(eq + 1), name);
  }
  return params;
}

/** Reads a parameters file: a JSON or YAML mapping of names to values. */
export function readParamsFile(path: string): Parameters {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw contextError({ what: "cannot read the parameters file", where: path, cause, found: (cause as Error).message });
  }
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  try {
    raw = ext === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw contextError({ what: `the parameters file is not valid ${ext === ".json" ? "JSON" : "YAML"} (${(cause as Error).message.split("\n")[0]})`, where: path, cause });
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw contextError({ what: "the parameters file is not a mapping of names to values", where: path, found: Array.isArray(raw) ? "a list" : typeof raw });
  }
  const params: Parameters = {};
  for (const [name, value] of Object.entries(raw)) {
    checkParameterName(name, path);
    params[name] = revive(value, name);
  }
  return params;
}

/** `-f` files in order, then `-p` pairs: later sources override earlier ones. */
export function resolveParameters(opts: { files?: readonly string[]; pairs?: readonly string[] }): Parameters {
  const params: Parameters = {};
  for (const f of opts.files ?? []) Object.assign(params, readParamsFile(f));
  Object.assign(params, parseParamArgs(opts.pairs ?? []));
  return params;
}

// ---- TypeScript source ----

function propertyKey(key: string): string {
  if (key === "__proto__") return '["__proto__"]'; // a plain `__proto__:` key would set the prototype
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

function typeKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** The TypeScript type of a parameter value, inferred recursively (mixed arrays get a union element type). */
export function typeOf(value: ParamValue): string {
  if (value === null) return "null";
  if (value instanceof Date) return "Date";
  if (Array.isArray(value)) {
    if (value.length === 0) return "unknown[]";
    const members = [...new Set(value.map(typeOf))];
    // typeOf never returns a bare union (array unions are parenthesised), so one member needs no parentheses.
    return members.length === 1 ? `${members[0]}[]` : `(${members.join(" | ")})[]`;
  }
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "number":
      return "number";
    case "string":
      return "string";
    default: {
      const entries = Object.entries(value);
      if (entries.length === 0) return "Record<string, never>";
      return `{ ${entries.map(([k, v]) => `${typeKey(k)}: ${typeOf(v)}`).join("; ")} }`;
    }
  }
}

/** A TypeScript expression that evaluates to the value. */
export function literalOf(value: ParamValue): string {
  if (value === null) return "null";
  if (value instanceof Date) return `new Date(${JSON.stringify(value.toISOString())})`;
  if (Array.isArray(value)) return `[${value.map(literalOf).join(", ")}]`;
  switch (typeof value) {
    case "boolean":
      return String(value);
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return JSON.stringify(value);
    default: {
      const entries = Object.entries(value);
      if (entries.length === 0) return "{}";
      return `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${literalOf(v)}`).join(", ")} }`;
    }
  }
}

/** The source of the injected cell: one typed `const` per parameter. */
export function parametersSource(params: Parameters): string {
  const lines = ["// Parameters injected by omq run"];
  for (const [name, value] of Object.entries(params)) {
    checkParameterName(name, "parameters");
    lines.push(`const ${name}: ${typeOf(value)} = ${literalOf(value)};`);
  }
  return lines.join("\n");
}

/** Parameters as JSON-safe data: Dates become `{ "$date": ISO }` so they survive storage. */
export function encodeParameters(params: Parameters): unknown {
  const enc = (v: ParamValue): unknown =>
    v instanceof Date ? { $date: v.toISOString() } : Array.isArray(v) ? v.map(enc) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)])) : v;
  return enc(params as ParamValue);
}

/** The inverse of encodeParameters. */
export function decodeParameters(data: unknown): Parameters {
  const dec = (v: unknown): ParamValue => {
    if (Array.isArray(v)) return v.map(dec);
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      const d = (v as Record<string, unknown>)["$date"];
      if (keys.length === 1 && typeof d === "string") return new Date(d);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dec(x)]));
    }
    return v as ParamValue;
  };
  const out = dec(data);
  if (out === null || typeof out !== "object" || Array.isArray(out) || out instanceof Date) {
    throw contextError({ what: "stored parameters are not a mapping", found: JSON.stringify(data) });
  }
  return out;
}

export interface InjectResult {
  /** Index of the injected cell, or -1 when there were no parameters to inject. */
  index: number;
  warnings: string[];
}

/**
 * Injects the parameters cell (tagged `injected-parameters`) into `nb` in place, as papermill does: right after the
 * first cell tagged `parameters`, replacing any earlier injected cell; first, with a warning, when no cell is tagged
 * `parameters`. With no parameters nothing is injected.
 */
export function injectParameters(nb: Notebook, params: Parameters): InjectResult {
  if (Object.keys(params).length === 0) return { index: -1, warnings: [] };
  const warnings: string[] = [];
  const old = nb.cells.find((c) => cellTags(c).includes(INJECTED_TAG));
  const kept = nb.cells.filter((c) => !cellTags(c).includes(INJECTED_TAG));
  const taken = new Set(kept.map((c) => c.id).filter((id): id is string => typeof id === "string"));
  const id = old?.id && !taken.has(old.id) ? old.id : taken.has(INJECTED_TAG) ? newCellId(taken) : INJECTED_TAG;
  const cell: CodeCell = {
    id,
    cell_type: "code",
    metadata: { tags: [INJECTED_TAG] },
    source: splitLines(parametersSource(params)),
    execution_count: null,
    outputs: [],
  };
  const at = kept.findIndex((c) => cellTags(c).includes(PARAMETERS_TAG));
  let index: number;
  if (at < 0) {
    warnings.push("The notebook has no cell tagged 'parameters'; the injected parameters go in a new first cell.");
    index = 0;
  } else {
    index = at + 1;
  }
  const cells: Cell[] = [...kept.slice(0, index), cell, ...kept.slice(index)];
  nb.cells = cells;
  return { index, warnings };
}
