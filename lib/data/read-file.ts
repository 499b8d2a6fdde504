/**
 * Reading any CSV (plain or compressed) or Parquet file through DuckDB, with errors that name the file, the row,
 * the column, and what was expected and found.
 *
 * Rows are numbered from 1 for the first data row; for CSV the error also gives the file's physical line
 * (the header is line 1), which is what an editor shows. A CSV row that does not parse (a cell that does not
 * convert to its column's type, a row with too many or too few fields, a stray quote) is an error: nothing is
 * skipped or padded silently.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { ColumnTable } from "arquero";
import { checkKeys, contextError, type OmniQuantError } from "../util/errors.js";
import type { Database } from "./duckdb.js";
import { connect } from "./duckdb.js";

export type FileFormat = "csv" | "parquet";

export interface ReadFileOptions {
  /** "csv" or "parquet". Default: from the extension (.parquet/.pq; .csv, .tsv, .txt, optionally .gz/.zst). */
  format?: FileFormat;
  /**
   * Expected DuckDB types by column name, e.g. `{ date: "DATE", close: "DOUBLE" }`. Each named column must exist,
   * and every cell must convert (empty cells are NULL). Columns not named keep the type DuckDB detects from the
   * first 20,480 rows of a CSV, or the Parquet file's own type.
   */
  types?: Readonly<Record<string, string>>;
  /** Columns to keep, in this order; each must exist. Default: every column, in the file's order. */
  columns?: readonly string[];
  /** CSV only: the field delimiter. Default: detected by DuckDB. */
  delimiter?: string;
  /** CSV only: whether the first line names the columns (default true). Without one, columns are column0, column1... */
  header?: boolean;
  /** CSV only: read every column as text (VARCHAR), to convert it yourself; `types` still applies to the columns it names. */
  allVarchar?: boolean;
}

const OPTION_KEYS = new Set(["format", "types", "columns", "delimiter", "header", "allVarchar"]);

/**
 * Loads a CSV or Parquet file into an Arquero table (DuckDB reads it; types convert as in `connect().queryTable`:
 * floating columns are Float64Array with NULL as NaN, DATE/TIMESTAMP are Dates, safe BIGINTs numbers).
 *
 * Throws, naming the file, row, column, expected and found, on the first bad row: a cell that does not convert
 * to its column's type (given in `types`, or detected), a ragged row, a column named in `types`/`columns` that
 * the file lacks, an empty file.
 */
export async function loadTable(file: string, opts: ReadFileOptions = {}): Promise<ColumnTable> {
  const db = await connect();
  try {
    const source = await openSource(db, file, opts);
    let t: ColumnTable;
    try {
      t = await db.queryTable(source.select());
    } catch (cause) {
      await source.check().catch(() => undefined);
      throw await source.explain(cause);
    }
    await source.check();
    return t;
  } finally {
    db.close();
  }
}

/** A file opened for reading: its columns, a SELECT over it, and the check that turns rejected rows into an error. */
export interface FileSource {
  readonly file: string;
  readonly format: FileFormat;
  /** Every column of the file, with the type it is read as (after `types`). */
  readonly columns: readonly { name: string; type: string }[];
  /** `SELECT <kept columns> FROM <the file>`; run it on the database the source was opened on. */
  select(): string;
  /**
   * After the SELECT ran: throws the error for the first rejected row, if any (CSV), and drops the bookkeeping
   * tables. Call it exactly once, also when the SELECT itself failed (its error then comes from `explain`).
   */
  check(): Promise<void>;
  /** The error to throw when the SELECT failed: DuckDB's message wrapped with file, row and column when known. */
  explain(cause: unknown): Promise<OmniQuantError>;
}

let sourceCounter = 0;

/** Opens `file` on `db` (see `loadTable` for the options and the errors). */
export async function openSource(db: Database, file: string, opts: ReadFileOptions = {}): Promise<FileSource> {
  checkOptions(opts);
  const abs = path.resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw contextError({ where: abs, what: "the file does not exist", expected: "a CSV or Parquet file" });
  }
  const format = opts.format ?? formatOf(abs);
  if (statSync(abs).size === 0) {
    throw contextError({ where: abs, what: "the file is empty", expected: format === "csv" ? "a header line and rows" : "a Parquet file" });
  }
  return format === "csv" ? openCsv(db, abs, opts) : openParquet(db, abs, opts);
}

/** "csv" or "parquet" from a file name; throws for other extensions. */
export function formatOf(file: string): FileFormat {
  const name = path.basename(file).toLowerCase().replace(/\.(gz|gzip|zst)$/, "");
  if (/\.(parquet|pq)$/.test(name)) return "parquet";
  if (/\.(csv|tsv|txt|tab)$/.test(name)) return "csv";
  throw contextError({
    where: file,
    what: "the file format is not known from its name",
    expected: "a name ending in .csv, .tsv, .txt (optionally .gz or .zst) or .parquet",
    hint: "Pass format: 'csv' or 'parquet' (omq data import --format)",
  });
}

function checkOptions(opts: ReadFileOptions): void {
  checkKeys(opts, [...OPTION_KEYS], "loadTable");
  if (opts.format !== undefined && opts.format !== "csv" && opts.format !== "parquet") {
    throw contextError({ where: "loadTable", what: "option 'format' is not a known format", expected: "'csv' or 'parquet'", found: JSON.stringify(opts.format) });
  }
  if (opts.types !== undefined) {
    if (opts.types === null || typeof opts.types !== "object" || Array.isArray(opts.types)) {
      throw contextError({ where: "loadTable", what: "option 'types' must map column names to DuckDB types", found: JSON.stringify(opts.types) });
    }
    for (const [name, type] of Object.entries(opts.types)) {
      if (typeof type !== "string" || !/^[A-Za-z][A-Za-z0-9_ ,()]*$/.test(type)) {
        throw contextError({ where: "loadTable", what: `option 'types' gives column '${name}' a type that is not a DuckDB type name`, expected: "e.g. DOUBLE, BIGINT, DATE, TIMESTAMP, VARCHAR, BOOLEAN, DECIMAL(18,4)", found: JSON.stringify(type) });
      }
    }
  }
  if (opts.columns !== undefined && (!Array.isArray(opts.columns) || opts.columns.some((c) => typeof c !== "string"))) {
    throw contextError({ where: "loadTable", what: "option 'columns' must be an array of column names", found: JSON.stringify(opts.columns) });
  }
  if (opts.delimiter !== undefined && (typeof opts.delimiter !== "string" || opts.delimiter.length === 0)) {
    throw contextError({ where: "loadTable", what: "option 'delimiter' must be a non-empty string", found: JSON.stringify(opts.delimiter) });
  }
  for (const key of ["header", "allVarchar"] as const) {
    if (opts[key] !== undefined && typeof opts[key] !== "boolean") {
      throw contextError({ where: "loadTable", what: `option '${key}' must be true or false`, found: JSON.stringify(opts[key]) });
    }
  }
}

interface Described {
  name: string;
  type: string;
}

/** The column list after checking that every name in `types` and `columns` exists. */
function keptColumns(where: string, described: readonly Described[], opts: ReadFileOptions): string[] {
  const have = described.map((c) => c.name);
  const missing = [...Object.keys(opts.types ?? {}), ...(opts.columns ?? [])].filter((n) => !have.includes(n));
  if (missing.length > 0) {
    const first = missing[0]!;
    const close = have.find((h) => h.toLowerCase() === first.toLowerCase());
    throw contextError({
      where,
      what: `column '${first}' is missing`,
      expected: `a column named '${first}'`,
      found: `columns ${have.map((h) => `'${h}'`).join(", ")}`,
      hint: close ? `Column names are case-sensitive: did you mean '${close}'?` : undefined,
    });
  }
  return opts.columns ? [...new Set(opts.columns)] : have;
}

// ---------------------------------------------------------------------------------------------------------- CSV

async function openCsv(db: Database, file: string, opts: ReadFileOptions): Promise<FileSource> {
  const id = ++sourceCounter;
  const rejects = `omq_rejects_${process.pid}_${id}`;
  const scans = `omq_rejects_scan_${process.pid}_${id}`;
  const header = opts.header ?? true;
  const types = opts.types ?? {};
  const args = [
    quoteString(file),
    `header = ${header}`,
    ...(opts.delimiter !== undefined ? [`delim = ${quoteString(opts.delimiter)}`] : []),
    ...(opts.allVarchar ? ["all_varchar = true"] : []),
    ...(Object.keys(types).length > 0
      ? [`types = {${Object.entries(types).map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`).join(", ")}}`]
      : []),
    // rejected rows go to a table we read afterwards (and turn into an error) instead of stopping DuckDB with a
    // message that has no column, or, for a ragged row inside the sniffing sample, no line number at all
    "store_rejects = true",
    `rejects_table = ${quoteString(rejects)}`,
    `rejects_scan = ${quoteString(scans)}`,
    "rejects_limit = 100",
  ];
  const from = `read_csv(${args.join(", ")})`;
  const cleanup = () => db.query(`DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${scans}`).then(() => undefined, () => undefined);

  let described: Described[];
  try {
    described = (await db.query(`DESCRIBE SELECT * FROM ${from}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (cause) {
    await cleanup();
    throw csvError(file, cause, header, types);
  }
  const headerWhere = header ? `${file} line 1 (the header)` : file;
  let kept: string[];
  try {
    kept = keptColumns(headerWhere, described, opts);
  } catch (e) {
    await cleanup();
    throw e;
  }
  const typeOf = new Map(described.map((c) => [c.name, c.type]));

  return {
    file,
    format: "csv",
    columns: described,
    select: () => `SELECT ${kept.map(quoteIdent).join(", ")} FROM ${from}`,
    explain: async (cause) => csvError(file, cause, header, types),
    async check() {
      let first: Record<string, unknown> | undefined;
      try {
        [first] = await db.query(
          `SELECT line, column_idx, column_name, error_type, csv_line, error_message FROM ${rejects} ORDER BY line, column_idx LIMIT 1`,
        );
      } catch {
        first = undefined; // the table does not exist when the SELECT failed before scanning
      } finally {
        await cleanup();
      }
      if (first) throw rejectError(file, first, header, described, types, typeOf);
    },
  };
}

/** Words for what a cell of a DuckDB type should hold. */
function expectedFor(type: string): string {
  const t = type.toUpperCase();
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)/.test(t)) return "a number";
  if (/^(U?(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT))$/.test(t)) return "a whole number";
  if (t === "DATE") return "a date (YYYY-MM-DD)";
  if (t.startsWith("TIMESTAMP")) return "a timestamp (YYYY-MM-DD HH:MM:SS[.fff])";
  if (t === "TIME") return "a time of day (HH:MM:SS)";
  if (t === "BOOLEAN") return "true or false";
  return `a ${t} value`;
}

/** The error for DuckDB's first rejected CSV row. */
function rejectError(
  file: string,
  reject: Record<string, unknown>,
  header: boolean,
  described: readonly Described[],
  types: Readonly<Record<string, string>>,
  typeOf: ReadonlyMap<string, string>,
): OmniQuantError {
  const line = Number(reject.line);
  const row = header ? line - 1 : line;
  const at = `${file} row ${row} (line ${line})`;
  const kind = String(reject.error_type);
  const message = String(reject.error_message ?? "");
  const text = String(reject.csv_line ?? "");
  const column = reject.column_name === null || reject.column_name === undefined ? undefined : String(reject.column_name);
  const cause = new Error(`DuckDB rejected line ${line}: ${kind}: ${message}`);
  if (kind === "CAST" && column !== undefined) {
    const found = /Could not convert string "(.*)" to '/.exec(message)?.[1];
    const type = typeOf.get(column) ?? /to '([^']+)'/.exec(message)?.[1] ?? "?";
    const given = Object.prototype.hasOwnProperty.call(types, column);
    return contextError({
      where: `${at}, column '${column}'`,
      what: `the cell does not convert to ${type}`,
      expected: expectedFor(type),
      found: found === undefined ? `the line '${text}'` : `'${found}'`,
      hint: given
        ? undefined
        : `DuckDB detected ${type} from the first 20,480 rows; to read the column as text pass types: { ${JSON.stringify(column)}: "VARCHAR" } (omq data import --type ${column}=VARCHAR)`,
      cause,
    });
  }
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (counts) {
    const names = described.map((c) => c.name).join(", ");
    return contextError({
      where: kind === "MISSING COLUMNS" && column !== undefined ? `${at}, column '${column}'` : at,
      what: kind === "MISSING COLUMNS" ? "the row has too few fields" : "the row has too many fields",
      expected: `${counts[1]} fields (${names})`,
      found: `${counts[2]} in '${text}'`,
      cause,
    });
  }
  return contextError({
    where: column !== undefined ? `${at}, column '${column}'` : at,
    what: `the row does not parse (${kind.toLowerCase()}: ${message})`,
    found: `'${text}'`,
    cause,
  });
}

/** A DuckDB error from reading a CSV, with the line, column, expected and found pulled out of its message. */
function csvError(file: string, cause: unknown, header: boolean, types: Readonly<Record<string, string>>): OmniQuantError {
  const msg = rootMessage(cause);
  const lineMatch = /CSV Error on Line: (\d+)/.exec(msg);
  const convert = /Error when converting column "(.+?)"\. Could not convert string "(.*)" to '([^']+)'/.exec(msg);
  if (lineMatch) {
    const line = Number(lineMatch[1]);
    const at = `${file} row ${header ? line - 1 : line} (line ${line})`;
    if (convert) {
      return contextError({ where: `${at}, column '${convert[1]}'`, what: `the cell does not convert to ${convert[3]}`, expected: expectedFor(convert[3]!), found: `'${convert[2]}'`, cause });
    }
    const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
    const original = /Original Line: (.*)/.exec(msg)?.[1];
    if (counts) {
      return contextError({ where: at, what: "the row has the wrong number of fields", expected: `${counts[1]} fields`, found: `${counts[2]}${original ? ` in '${original}'` : ""}`, cause });
    }
    return contextError({ where: at, what: `the row does not parse (${firstLine(msg.split("\n").slice(2).join("\n") || msg)})`, cause });
  }
  const missing = /Columns with names: (.*) do not exist in the CSV File/.exec(msg);
  if (missing) {
    return contextError({ where: file, what: `the columns ${missing[1]} given in types are not in the header`, expected: `the columns ${Object.keys(types).join(", ")}`, cause });
  }
  return contextError({ where: file, what: `DuckDB could not read the file as CSV (${firstLine(msg)})`, hint: "Check the delimiter, the quoting and the encoding (UTF-8)", cause });
}

// ------------------------------------------------------------------------------------------------------ Parquet

async function openParquet(db: Database, file: string, opts: ReadFileOptions): Promise<FileSource> {
  if (opts.delimiter !== undefined || opts.header !== undefined || opts.allVarchar !== undefined) {
    throw contextError({ where: file, what: "options 'delimiter', 'header' and 'allVarchar' apply to CSV files only", expected: "no CSV options for a Parquet file" });
  }
  const from = `read_parquet(${quoteString(file)})`;
  let described: Described[];
  try {
    described = (await db.query(`DESCRIBE SELECT * FROM ${from}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (cause) {
    throw contextError({ where: file, what: `DuckDB could not read the file as Parquet (${firstLine(cause)})`, expected: "a Parquet file", cause });
  }
  const kept = keptColumns(file, described, opts);
  const types = opts.types ?? {};
  const cast = (name: string) =>
    Object.prototype.hasOwnProperty.call(types, name) ? `CAST(${quoteIdent(name)} AS ${types[name]}) AS ${quoteIdent(name)}` : quoteIdent(name);
  const fileType = new Map(described.map((c) => [c.name, c.type]));
  return {
    file,
    format: "parquet",
    columns: described.map((c) => ({ name: c.name, type: types[c.name] ?? c.type })),
    select: () => `SELECT ${kept.map(cast).join(", ")} FROM ${from}`,
    async check() {},
    async explain(cause) {
      const located = await findParquetCastError(db, file, types, fileType, cause).catch(() => undefined);
      return located ?? contextError({ where: file, what: `DuckDB could not read the file (${firstLine(cause)})`, cause });
    },
  };
}

/** The first (row, column) of a Parquet file whose value does not cast to its type in `types`. */
async function findParquetCastError(
  db: Database,
  file: string,
  types: Readonly<Record<string, string>>,
  fileType: ReadonlyMap<string, string>,
  cause: unknown,
): Promise<OmniQuantError | undefined> {
  for (const [name, type] of Object.entries(types)) {
    const c = quoteIdent(name);
    const [bad] = await db.query(
      `SELECT file_row_number AS r, CAST(${c} AS VARCHAR) AS v FROM read_parquet(${quoteString(file)}, file_row_number = true) ` +
        `WHERE ${c} IS NOT NULL AND TRY_CAST(${c} AS ${type}) IS NULL ORDER BY file_row_number LIMIT 1`,
    );
    if (bad) {
      return contextError({
        where: `${file} row ${Number(bad.r) + 1}, column '${name}'`,
        what: `the ${fileType.get(name)} value does not convert to ${type}`,
        expected: expectedFor(type),
        found: `'${String(bad.v)}'`,
        cause,
      });
    }
  }
  return undefined;
}

/** The message of the innermost cause: DuckDB's own, under our "the query failed" wrapper. */
function rootMessage(e: unknown): string {
  let inner = e;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return inner instanceof Error ? inner.message : String(inner);
}

function firstLine(e: unknown): string {
  return rootMessage(e).split("\n")[0]!.trim();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
