/**
 * A local data catalog: imported CSV/Parquet files stored as Parquet in one directory, described in a DuckDB file.
 *
 *   <dir>/catalog.duckdb             one row per dataset (table `datasets`): name, Parquet file, source path,
 *                                    source sha256 and size, rows, columns with types, min/max of the time column,
 *                                    import time, user metadata
 *   <dir>/data/<name>-<stamp>.parquet   the data (zstd-compressed Parquet), one file per import
 *
 * The directory is `openCatalog(dir)`'s argument, else `$OMQ_CATALOG`, else `~/.omniquant/catalog`.
 *
 * Crash safety: an import writes a temporary Parquet file, fsyncs it and renames it to a name no other import
 * uses, then records it in one catalog transaction; only after the commit is a replaced dataset's old file
 * deleted. A crash at any point leaves the catalog pointing at complete files; files it left behind that the
 * catalog does not reference are removed by a later import once they are an hour old.
 *
 * Concurrency: the catalog file is opened for each operation and closed after it, so a notebook holding a
 * `Catalog` does not lock out `omq data import` in a terminal. DuckDB lets one process write at a time: an
 * operation waits (up to `lockTimeoutMs`, 10 s by default) for another process's operation to finish.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, fsyncSync, mkdirSync, openSync, closeSync, readdirSync, renameSync, statSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { ColumnTable } from "arquero";
import { contextError, OmniQuantError } from "../util/errors.js";
import { connect, type Database, type QueryParams, type Row } from "./duckdb.js";
import { openSource, quoteIdent, quoteString, type FileFormat, type ReadFileOptions } from "./read-file.js";

/** One dataset of the catalog. */
export interface CatalogEntry {
  name: string;
  /** Absolute path of the dataset's Parquet file. */
  path: string;
  /** Absolute path of the file it was imported from. */
  source: string;
  /** SHA-256 of the source file's bytes (hex), as read during the import. */
  sourceSha256: string;
  sourceBytes: number;
  sourceFormat: FileFormat;
  rows: number;
  /** Columns in order with their DuckDB types as stored in the Parquet file. */
  columns: { name: string; type: string }[];
  /** The time column (given, or the first DATE/TIMESTAMP column) and its min/max as DuckDB prints them; null without one. */
  time: { column: string; min: string | null; max: string | null } | null;
  parquetBytes: number;
  importedAt: Date;
  /** User metadata (`--meta key=value`). */
  meta: Record<string, string>;
}

export interface ImportProgress {
  /** DuckDB's estimate of the fraction converted (0..1). */
  fraction: number;
  /** Size of the source file in bytes. */
  totalBytes: number;
}

export interface ImportOptions extends Pick<ReadFileOptions, "format" | "types" | "delimiter" | "header"> {
  /** Dataset name: letters, digits and _, not starting with a digit (usable unquoted in SQL). Default: from the file name. */
  name?: string;
  /** User metadata stored with the dataset (string values). */
  meta?: Readonly<Record<string, string>>;
  /** The column whose min/max are recorded. Default: the first DATE or TIMESTAMP column, if any. */
  timeColumn?: string;
  /** Replace a dataset of the same name (default: an existing name is an error). */
  replace?: boolean;
  /** Progress of the conversion, about ten times a second (not called for quick imports). */
  onProgress?: (p: ImportProgress) => void;
}

export interface CatalogOptions {
  /** How long an operation waits for another process's lock on catalog.duckdb (default 10000 ms). */
  lockTimeoutMs?: number;
}

/** A catalog directory; see the module comment. */
export interface Catalog {
  readonly dir: string;
  /** Converts a CSV (plain, .gz, .zst) or Parquet file into a Parquet dataset and records it. */
  import(file: string, opts?: ImportOptions): Promise<CatalogEntry>;
  /** Every dataset, by name. */
  list(): Promise<CatalogEntry[]>;
  /** One dataset; throws naming the ones there are when there is no such name. */
  get(name: string): Promise<CatalogEntry>;
  has(name: string): Promise<boolean>;
  /** A dataset as an Arquero table (optionally only some columns, in that order). */
  load(name: string, opts?: { columns?: readonly string[] }): Promise<ColumnTable>;
  /** SQL over the datasets, each visible as a view named after it; the result as an Arquero table. */
  query(sql: string, params?: QueryParams): Promise<ColumnTable>;
  /** Deletes a dataset and its Parquet file. */
  remove(name: string): Promise<CatalogEntry>;
  /** Releases the in-memory DuckDB used by load/query. */
  close(): void;
}

/** `$OMQ_CATALOG`, else `~/.omniquant/catalog`. */
export function defaultCatalogDir(): string {
  const env = process.env["OMQ_CATALOG"];
  return env && env.length > 0 ? path.resolve(env) : path.join(homedir(), ".omniquant", "catalog");
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A dataset name from a file name: "stock_prices.csv.gz" -> "stock_prices", "2020 bars.csv" -> "_2020_bars". */
export function datasetNameFor(file: string): string {
  let base = path.basename(file).replace(/\.(gz|gzip|zst)$/i, "").replace(/\.(csv|tsv|txt|tab|parquet|pq)$/i, "");
  base = base.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "dataset";
  if (/^[0-9]/.test(base)) base = `_${base}`;
  return base.slice(0, 64);
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw contextError({
      where,
      what: "the dataset name is not valid",
      expected: "1-64 letters, digits or _, not starting with a digit",
      found: typeof name === "string" ? `'${name}'` : String(name),
    });
  }
  return name;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
  name VARCHAR PRIMARY KEY,
  file VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  source_sha256 VARCHAR NOT NULL,
  source_bytes BIGINT NOT NULL,
  source_format VARCHAR NOT NULL,
  rows BIGINT NOT NULL,
  columns VARCHAR NOT NULL,
  time_column VARCHAR,
  time_min VARCHAR,
  time_max VARCHAR,
  parquet_bytes BIGINT NOT NULL,
  imported_at TIMESTAMP NOT NULL,
  meta VARCHAR NOT NULL
);
INSERT INTO catalog_version SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM catalog_version);
`;

/** Operations on one catalog file within this process run one at a time (DuckDB would let two instances write it). */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/** Opens (creating if needed) the catalog in `dir`. */
export async function openCatalog(dir: string = defaultCatalogDir(), opts: CatalogOptions = {}): Promise<Catalog> {
  const abs = path.resolve(dir);
  try {
    mkdirSync(path.join(abs, "data"), { recursive: true });
  } catch (cause) {
    throw contextError({ where: `catalog ${abs}`, what: "the catalog directory could not be created", cause });
  }
  const catalog = new DirCatalog(abs, opts.lockTimeoutMs ?? 10_000);
  await catalog.init();
  return catalog;
}

class DirCatalog implements Catalog {
  private memory: Promise<Database> | undefined;
  private views = new Set<string>();
  private closed = false;
  private readonly file: string;

  constructor(
    readonly dir: string,
    private readonly lockTimeoutMs: number,
  ) {
    this.file = path.join(dir, "catalog.duckdb");
  }

  async init(): Promise<void> {
    await this.withCatalog(false, (db) => db.exec(SCHEMA));
  }

  /** Runs `fn` with catalog.duckdb open, waiting out another process's lock. */
  private withCatalog<T>(readOnly: boolean, fn: (db: Database) => Promise<T>): Promise<T> {
    return serialized(this.file, async () => {
      const deadline = Date.now() + this.lockTimeoutMs;
      let db: Database | undefined;
      for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
        try {
          db = await connect(this.file, { readOnly: readOnly && existsSync(this.file) });
          break;
        } catch (error) {
          const msg = String((error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : error);
          if (!/Could not set lock|Conflicting lock/i.test(msg)) throw error;
          if (Date.now() > deadline) {
            const pid = /PID (\d+)/.exec(msg)?.[1];
            throw contextError({
              where: `catalog ${this.dir}`,
              what: `catalog.duckdb is locked by another process${pid ? ` (PID ${pid})` : ""}`,
              hint: `Waited ${this.lockTimeoutMs} ms; try again when that process is done with the catalog`,
              cause: error,
            });
          }
          await new Promise((r) => setTimeout(r, wait));
        }
      }
      try {
        return await fn(db);
      } finally {
        db.close();
      }
    });
  }

  private memoryDb(): Promise<Database> {
    if (this.closed) throw contextError({ where: `catalog ${this.dir}`, what: "the catalog is closed", hint: "Open it again with openCatalog()" });
    this.memory ??= connect();
    return this.memory;
  }

  async list(): Promise<CatalogEntry[]> {
    const rows = await this.withCatalog(true, (db) => db.query("SELECT * FROM datasets ORDER BY name"));
    return rows.map((r) => this.entry(r));
  }

  async has(name: string): Promise<boolean> {
    const rows = await this.withCatalog(true, (db) => db.query("SELECT 1 FROM datasets WHERE name = $1", [name]));
    return rows.length > 0;
  }

  async get(name: string): Promise<CatalogEntry> {
    const rows = await this.withCatalog(true, (db) => db.query("SELECT * FROM datasets WHERE name = $1", [name]));
    if (rows.length === 0) throw await this.unknown(name);
    return this.entry(rows[0]!);
  }

  private async unknown(name: string): Promise<OmniQuantError> {
    const names = (await this.list()).map((e) => e.name);
    return contextError({
      where: `catalog ${this.dir}`,
      what: `there is no dataset named '${name}'`,
      expected: names.length > 0 ? `one of ${names.join(", ")}` : "a dataset imported first (the catalog is empty)",
      hint: names.length === 0 ? "Import one with omq data import FILE or catalog.import(file)" : undefined,
    });
  }

  private entry(r: Row): CatalogEntry {
    return {
      name: String(r.name),
      path: path.join(this.dir, String(r.file)),
      source: String(r.source),
      sourceSha256: String(r.source_sha256),
      sourceBytes: Number(r.source_bytes),
      sourceFormat: String(r.source_format) as FileFormat,
      rows: Number(r.rows),
      columns: JSON.parse(String(r.columns)) as { name: string; type: string }[],
      time: r.time_column === null ? null : { column: String(r.time_column), min: (r.time_min as string | null) ?? null, max: (r.time_max as string | null) ?? null },
      parquetBytes: Number(r.parquet_bytes),
      importedAt: r.imported_at as Date,
      meta: JSON.parse(String(r.meta)) as Record<string, string>,
    };
  }

  async import(file: string, opts: ImportOptions = {}): Promise<CatalogEntry> {
    const source = path.resolve(file);
    const name = checkName(opts.name ?? datasetNameFor(source), `catalog import ${source}`);
    const meta = checkMeta(opts.meta);
    if (!opts.replace && (await this.has(name))) {
      throw contextError({ where: `catalog ${this.dir}`, what: `a dataset named '${name}' exists`, hint: "Pass replace: true (omq data import --replace) to replace it, or choose another name" });
    }
    const db = await this.memoryDb();
    const readOpts: ReadFileOptions = {};
    for (const k of ["format", "types", "delimiter", "header"] as const) if (opts[k] !== undefined) (readOpts as Record<string, unknown>)[k] = opts[k];
    const src = await openSource(db, source, readOpts);
    const totalBytes = statSync(source).size;

    const stamp = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
    const dataDir = path.join(this.dir, "data");
    const tmp = path.join(dataDir, `.tmp-${name}-${stamp}.parquet`);
    const finalName = `${name}-${stamp}.parquet`;
    const final = path.join(dataDir, finalName);
    let renamed = false;
    try {
      const copy = `COPY (${src.select()}) TO ${quoteString(tmp)} (FORMAT parquet, COMPRESSION zstd)`;
      const [sha256] = await Promise.all([
        sha256File(source),
        db.exec(copy, undefined, opts.onProgress ? { onProgress: (fraction) => opts.onProgress!({ fraction, totalBytes }) } : {}).catch(async (cause: unknown) => {
          await src.check(); // a rejected row explains the failure best
          throw await src.explain(cause);
        }),
      ]);
      await src.check();

      // what the Parquet file holds
      const p = quoteString(tmp);
      const columns = (await db.query(`DESCRIBE SELECT * FROM read_parquet(${p})`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
      const [{ n }] = (await db.query(`SELECT count(*) AS n FROM read_parquet(${p})`)) as [{ n: number | bigint }];
      const timeColumn = pickTimeColumn(columns, opts.timeColumn, source);
      let time: CatalogEntry["time"] = null;
      if (timeColumn) {
        const c = quoteIdent(timeColumn);
        const [mm] = await db.query(`SELECT CAST(min(${c}) AS VARCHAR) AS lo, CAST(max(${c}) AS VARCHAR) AS hi FROM read_parquet(${p})`);
        time = { column: timeColumn, min: (mm?.lo as string | null) ?? null, max: (mm?.hi as string | null) ?? null };
      }

      fsyncFile(tmp);
      renameSync(tmp, final);
      renamed = true;
      fsyncFile(dataDir);

      const importedAt = new Date();
      const entry: CatalogEntry = {
        name,
        path: final,
        source,
        sourceSha256: sha256,
        sourceBytes: totalBytes,
        sourceFormat: src.format,
        rows: Number(n),
        columns,
        time,
        parquetBytes: statSync(final).size,
        importedAt,
        meta,
      };
      const replacedFile = await this.withCatalog(false, async (cdb) => {
        await cdb.exec("BEGIN TRANSACTION");
        try {
          const [old] = await cdb.query("SELECT file FROM datasets WHERE name = $1", [name]);
          if (old && !opts.replace) {
            throw contextError({ where: `catalog ${this.dir}`, what: `a dataset named '${name}' exists (imported meanwhile)`, hint: "Pass replace: true to replace it" });
          }
          await cdb.exec("DELETE FROM datasets WHERE name = $1", [name]);
          await cdb.exec(
            "INSERT INTO datasets VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            [
              name,
              `data/${finalName}`,
              source,
              sha256,
              totalBytes,
              src.format,
              entry.rows,
              JSON.stringify(columns),
              time?.column ?? null,
              time?.min ?? null,
              time?.max ?? null,
              entry.parquetBytes,
              importedAt,
              JSON.stringify(meta),
            ],
          );
          await cdb.exec("COMMIT");
          return old ? String(old.file) : undefined;
        } catch (error) {
          await cdb.exec("ROLLBACK").catch(() => undefined);
          throw error;
        }
      });
      if (replacedFile) removeQuietly(path.join(this.dir, replacedFile));
      await this.sweep().catch(() => undefined);
      return entry;
    } catch (error) {
      removeQuietly(tmp);
      if (renamed) removeQuietly(final);
      throw error;
    }
  }

  /** Removes files under data/ that no dataset references and that are over an hour old (left by crashes). */
  private async sweep(): Promise<void> {
    const referenced = new Set((await this.list()).map((e) => path.basename(e.path)));
    const dataDir = path.join(this.dir, "data");
    const cutoff = Date.now() - 3600_000;
    for (const f of readdirSync(dataDir)) {
      if (referenced.has(f) || !f.endsWith(".parquet")) continue;
      const full = path.join(dataDir, f);
      if (statSync(full).mtimeMs < cutoff) removeQuietly(full);
    }
  }

  async load(name: string, opts: { columns?: readonly string[] } = {}): Promise<ColumnTable> {
    const entry = await this.get(name);
    if (!existsSync(entry.path)) {
      throw contextError({ where: `catalog ${this.dir} dataset '${name}'`, what: `its Parquet file ${entry.path} is missing`, hint: `Import the source again (omq data import ${entry.source} --name ${name} --replace)` });
    }
    const cols = opts.columns ?? entry.columns.map((c) => c.name);
    for (const c of cols) {
      if (!entry.columns.some((e) => e.name === c)) {
        throw contextError({ where: `catalog dataset '${name}'`, what: `column '${c}' is missing`, expected: `one of ${entry.columns.map((e) => e.name).join(", ")}` });
      }
    }
    const db = await this.memoryDb();
    return db.queryTable(`SELECT ${cols.map(quoteIdent).join(", ")} FROM read_parquet(${quoteString(entry.path)})`);
  }

  async query(sql: string, params?: QueryParams): Promise<ColumnTable> {
    const entries = await this.list();
    const db = await this.memoryDb();
    const now = new Set(entries.map((e) => e.name));
    for (const old of this.views) if (!now.has(old)) await db.exec(`DROP VIEW IF EXISTS ${quoteIdent(old)}`);
    for (const e of entries) await db.exec(`CREATE OR REPLACE VIEW ${quoteIdent(e.name)} AS SELECT * FROM read_parquet(${quoteString(e.path)})`);
    this.views = now;
    return db.queryTable(sql, params);
  }

  async remove(name: string): Promise<CatalogEntry> {
    const removed = await this.withCatalog(false, async (db) => {
      const [row] = await db.query("SELECT * FROM datasets WHERE name = $1", [name]);
      if (!row) return undefined;
      await db.exec("DELETE FROM datasets WHERE name = $1", [name]);
      return this.entry(row);
    });
    if (!removed) throw await this.unknown(name);
    removeQuietly(removed.path);
    return removed;
  }

  close(): void {
    this.closed = true;
    const memory = this.memory;
    this.memory = undefined;
    void memory?.then((db) => db.close());
  }
}

function pickTimeColumn(columns: readonly { name: string; type: string }[], given: string | undefined, source: string): string | undefined {
  if (given !== undefined) {
    if (!columns.some((c) => c.name === given)) {
      throw contextError({ where: `catalog import ${source}`, what: `the time column '${given}' is missing`, expected: `one of ${columns.map((c) => c.name).join(", ")}` });
    }
    return given;
  }
  return columns.find((c) => c.type === "DATE" || c.type.startsWith("TIMESTAMP"))?.name;
}

function checkMeta(meta: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (meta === undefined) return {};
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) {
    throw contextError({ where: "catalog import", what: "option 'meta' must be an object of strings", found: JSON.stringify(meta) });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== "string") throw contextError({ where: "catalog import", what: `meta '${k}' is not a string`, found: JSON.stringify(v) });
    out[k] = v;
  }
  return out;
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (b) => hash.update(b))
      .on("error", (cause) => reject(contextError({ where: file, what: "the file could not be read", cause })))
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** fsync a file or a directory (so a rename in it is durable). */
function fsyncFile(p: string): void {
  const fd = openSync(p, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // already gone
  }
}
