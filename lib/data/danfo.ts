/**
 * danfojs interop: Arquero tables (or records, or columns) to danfo DataFrames and back.
 *
 * danfojs is loaded on first use with a dynamic import (it pulls in TensorFlow.js: about 3 s), so nothing here
 * costs anything until called, and OmniQuant works without it. Types: OmniQuant does not depend on danfo's type
 * declarations (they would slow every notebook cell's type check); `DanfoDataFrame` is the small part used here.
 * Cast to danfo's own type if you want it: `(await toDanfo(t)) as unknown as import("danfojs").DataFrame`.
 *
 * Conversions:
 * - toDanfo: numbers (typed arrays become plain arrays) get dtype "int32" when every present value is an integer
 *   of 32 bits, else "float32" (danfo's name; the values stay 64-bit JS numbers); strings "string"; booleans
 *   "boolean"; Dates "datetime". Missing values (null, undefined, NaN) become null, which danfo treats as NaN.
 *   Bigints become numbers when safe (|v| <= 2^53 - 1), else the call throws naming the row.
 * - fromDanfo: "float32" columns become Float64Array with missing as NaN (as `queryTable` gives floats), other
 *   columns plain arrays with missing as null; "datetime" values that are strings are parsed into Dates. The
 *   index is dropped (put it in a column first with `df.resetIndex()` if it holds data).
 */
import { table as aqTable, type ColumnTable } from "arquero";
import { contextError } from "../util/errors.js";
import { columnsOf, describe, type Tabular } from "./records.js";

/** The part of a danfojs DataFrame that this module uses. */
export interface DanfoDataFrame {
  readonly columns: string[];
  readonly dtypes: string[];
  readonly shape: number[];
  column(name: string): { readonly values: unknown[] };
}

interface DanfoModule {
  DataFrame: new (data: Record<string, unknown[]>, options?: { columns?: string[]; dtypes?: string[] }) => DanfoDataFrame;
}

let loading: Promise<DanfoModule> | undefined;

/** The danfojs module, imported on first call; a clear error when it is not installed. */
export function loadDanfo(): Promise<DanfoModule> {
  loading ??= (async () => {
    const specifier = "danfojs"; // a variable, so TypeScript does not load danfo's (and TensorFlow's) declarations
    try {
      const mod = (await import(specifier)) as DanfoModule & { default?: DanfoModule };
      const dfd = typeof mod.DataFrame === "function" ? mod : mod.default;
      if (!dfd || typeof dfd.DataFrame !== "function") throw new Error("the module has no DataFrame export");
      return dfd;
    } catch (cause) {
      loading = undefined;
      const missing = (cause as { code?: string }).code === "ERR_MODULE_NOT_FOUND" || /Cannot find (package|module) 'danfojs'/.test(String(cause));
      throw contextError({
        where: "toDanfo/fromDanfo",
        what: missing ? "danfojs is not installed" : `danfojs could not be loaded (${String((cause as Error).message ?? cause).split("\n")[0]})`,
        hint: missing
          ? 'Install it with npm install danfojs@1.2.0 @tensorflow/tfjs@4.22.0 and, in package.json, "overrides": {"xlsx": "0.18.5", "@tensorflow/tfjs": "$@tensorflow/tfjs"}'
          : undefined,
        cause,
      });
    }
  })();
  return loading;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A danfo DataFrame with the columns of an Arquero table, records or columns (see the module comment). */
export async function toDanfo(data: Tabular): Promise<DanfoDataFrame> {
  const { names, columns, rowCount } = columnsOf(data, "toDanfo");
  const out: Record<string, unknown[]> = {};
  const dtypes: string[] = [];
  names.forEach((name, c) => {
    const src = columns[c]!;
    const values: unknown[] = new Array(rowCount);
    let kind: string | undefined;
    let int32 = true;
    for (let r = 0; r < rowCount; r++) {
      let v = src[r];
      if (v === undefined || (typeof v === "number" && Number.isNaN(v))) v = null;
      else if (typeof v === "bigint") {
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
          throw contextError({ where: `toDanfo column '${name}' row ${r}`, what: "the bigint does not fit in a JS number, which danfo needs", expected: "|value| <= 2^53 - 1", found: `${v}n` });
        }
        v = Number(v);
      }
      values[r] = v;
      if (v === null) continue;
      const k = typeof v === "number" ? "number" : typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : v instanceof Date ? "date" : "other";
      if (k === "other") throw contextError({ where: `toDanfo column '${name}' row ${r}`, what: "danfo has no dtype for the value", expected: "a number, string, boolean, Date or null", found: describe(v) });
      if (kind === undefined) kind = k;
      else if (k !== kind) throw contextError({ where: `toDanfo column '${name}' row ${r}`, what: "the column mixes kinds of values", expected: `a ${kind} like the rows before`, found: describe(v) });
      if (k === "number" && (!Number.isInteger(v) || (v as number) < INT32_MIN || (v as number) > INT32_MAX)) int32 = false;
    }
    out[name] = values;
    dtypes.push(kind === "number" ? (int32 && !(src instanceof Float64Array || src instanceof Float32Array) ? "int32" : "float32") : kind === "date" ? "datetime" : kind ?? "float32");
  });
  const dfd = await loadDanfo();
  try {
    return new dfd.DataFrame(out, { columns: names, dtypes });
  } catch (cause) {
    throw contextError({ where: "toDanfo", what: `danfo refused the data (${String((cause as Error).message ?? cause).split("\n")[0]})`, cause });
  }
}

/** An Arquero table with the columns of a danfo DataFrame (see the module comment). */
export function fromDanfo(df: DanfoDataFrame): ColumnTable {
  if (df === null || typeof df !== "object" || !Array.isArray(df.columns) || typeof df.column !== "function") {
    throw contextError({ where: "fromDanfo", what: "the argument is not a danfo DataFrame", expected: "a DataFrame (columns, dtypes, column())", found: describe(df) });
  }
  const data: Record<string, unknown[] | Float64Array> = {};
  df.columns.forEach((name, c) => {
    const dtype = df.dtypes[c];
    const values = df.column(name).values;
    if (dtype === "float32") {
      const col = new Float64Array(values.length);
      for (let r = 0; r < values.length; r++) {
        const v = values[r];
        col[r] = v === null || v === undefined ? NaN : Number(v);
      }
      data[name] = col;
    } else if (dtype === "datetime") {
      data[name] = values.map((v, r) => {
        if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return null;
        const d = v instanceof Date ? v : new Date(v as string | number);
        if (Number.isNaN(d.getTime())) throw contextError({ where: `fromDanfo column '${name}' row ${r}`, what: "the datetime value is not a date", expected: "a Date, an ISO string or epoch milliseconds", found: describe(v) });
        return d;
      });
    } else {
      data[name] = values.map((v) => (v === undefined || (typeof v === "number" && Number.isNaN(v)) ? null : v));
    }
  });
  return aqTable(data, df.columns);
}
