import { compactText } from "./plain-text.js";

/**
 * A number as a person reads it: integers as they are, others with at most 6 decimals (|x| >= 1) or 6
 * significant digits (|x| < 1), trailing zeros dropped, and exponent form beyond 1e16 or below 1e-6.
 *   0.1 + 0.2 -> "0.3", 123.456789123 -> "123.456789", 0.000123456789 -> "0.000123457", 1e-9 -> "1e-9"
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-6) return trimExponent(x.toPrecision(6));
  if (Number.isInteger(x)) return String(x);
  const s = abs >= 1 ? x.toFixed(6) : x.toPrecision(6);
  const trimmed = trimZeros(s);
  return trimmed === "-0" ? "0" : trimmed;
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

function trimExponent(s: string): string {
  const [mantissa, exponent] = s.split("e");
  return exponent === undefined ? trimZeros(mantissa!) : `${trimZeros(mantissa!)}e${exponent.replace(/^\+/, "")}`;
}

/** ISO 8601, date-only when the time is midnight UTC, without a ".000" millisecond part. */
export function formatDate(d: Date): string {
  const iso = d.toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  return iso.replace(".000Z", "Z");
}

/** The kind of a cell value, as shown under a column name. */
export type ValueKind = "number" | "string" | "date" | "boolean" | "bigint" | "object";

export function kindOf(value: unknown): ValueKind | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case "number":
      return Number.isNaN(value) ? undefined : "number";
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "bigint":
      return "bigint";
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : "date";
  return "object";
}

/** A cell's text, or `undefined` for a missing value (null, undefined, NaN, invalid Date). */
export function formatCell(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case "number":
      return Number.isNaN(value) ? undefined : formatNumber(value);
    case "string":
      return value;
    case "boolean":
    case "bigint":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return `[Function ${value.name || "(anonymous)"}]`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : formatDate(value);
  if (hasOwnToString(value)) return String(value); // DuckDB values (DuckDBTimestampValue...), Decimal-like classes
  return compactText(value);
}

function hasOwnToString(value: object): boolean {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null || proto === Object.prototype) return false;
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === "function" && toString !== Object.prototype.toString;
}

/** Shortens text to at most `max` characters, ending with "…" when cut. */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** "7,126" */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
