/**
 * MarketEvents to and from Parquet, through DuckDB.
 *
 * Columns: exch_ts BIGINT, local_ts BIGINT (ns since the epoch), kind UTINYINT, side TINYINT, price BIGINT
 * (ticks), qty BIGINT (lots), order_id UBIGINT, instrument USMALLINT; zstd-compressed, rows in order. The
 * instruments travel as JSON in the file's key-value metadata (`omniquant.instruments`), so a saved set loads back
 * identical. A Parquet file written elsewhere with these columns loads too when `instruments` is given.
 *
 * The typed arrays go through DuckDB's data-chunk API 2048 rows at a time (no text, no float).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DuckDBDataChunk, DuckDBInstance, DuckDBTypeId, BIGINT, TINYINT, UBIGINT, USMALLINT, UTINYINT, type DuckDBConnection, type DuckDBType, type DuckDBVector } from "@duckdb/node-api";
import { contextError } from "../../util/errors.js";
import { queryError } from "../duckdb.js";
import type { InstrumentSpec, MarketEvents } from "./events.js";
import { allocEvents } from "./slice-events.js";
import { validateEvents } from "./validate-events.js";

const COLUMNS = ["exch_ts", "local_ts", "kind", "side", "price", "qty", "order_id", "instrument"] as const;
const TYPES: DuckDBType[] = [BIGINT, BIGINT, UTINYINT, TINYINT, BIGINT, BIGINT, UBIGINT, USMALLINT];
const SQL_TYPES = ["BIGINT", "BIGINT", "UTINYINT", "TINYINT", "BIGINT", "BIGINT", "UBIGINT", "USMALLINT"];
const META_KEY = "omniquant.instruments";
const CHUNK = 2048;

async function open(): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function run(c: DuckDBConnection, sql: string, params?: string[]) {
  try {
    return await c.run(sql, params);
  } catch (cause) {
    throw queryError(sql, cause);
  }
}

/** Writes `ev` to a Parquet file (directories are created). */
export async function saveEvents(ev: MarketEvents, file: string): Promise<void> {
  validateEvents(ev, "saveEvents");
  const target = path.resolve(file);
  mkdirSync(path.dirname(target), { recursive: true });
  const db = await open();
  try {
    await run(db.connection, `CREATE TABLE ev (${COLUMNS.map((c, k) => `${c} ${SQL_TYPES[k]}`).join(", ")})`);
    const appender = await db.connection.createAppender("ev");
    const n = ev.kind.length;
    const cols = [ev.exchTs, ev.localTs, ev.kind, ev.side, ev.price, ev.qty, ev.orderId, ev.instrument];
    const chunk = DuckDBDataChunk.create(TYPES);
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      chunk.reset();
      chunk.rowCount = end - start;
      for (let c = 0; c < cols.length; c++) {
        const v = chunk.getColumnVector(c) as DuckDBVector<number | bigint>;
        const a = cols[c]!;
        for (let i = start; i < end; i++) v.setItem(i - start, a[i]!);
        v.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    const meta = JSON.stringify(ev.instruments);
    await run(db.connection, `COPY ev TO ${quote(target)} (FORMAT parquet, COMPRESSION zstd, KV_METADATA { ${quote(META_KEY)}: ${quote(meta)} })`);
  } finally {
    db.close();
  }
}

/** Reads a Parquet file written by `saveEvents` (or with the same columns, given `instruments`). */
export async function loadEvents(file: string, opts: { instruments?: InstrumentSpec[] } = {}): Promise<MarketEvents> {
  const source = path.resolve(file);
  const db = await open();
  try {
    const meta = await run(db.connection, "SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata($1)", [source]);
    let instruments = opts.instruments;
    for (const [k, v] of (await meta.getRows()) as [string, string][]) {
      if (k === META_KEY && instruments === undefined) {
        try {
          instruments = JSON.parse(v) as InstrumentSpec[];
        } catch (cause) {
          throw contextError({ where: source, what: `the ${META_KEY} metadata is not JSON`, cause });
        }
      }
    }
    if (instruments === undefined) {
      throw contextError({ where: source, what: `the file has no ${META_KEY} metadata`, hint: "Pass { instruments } to say what the instrument indices mean" });
    }
    const schema = await run(db.connection, "SELECT name, type FROM parquet_schema($1)", [source]);
    const have = new Set(((await schema.getRows()) as [string, string][]).map((r) => r[0]));
    const missing = COLUMNS.filter((c) => !have.has(c));
    if (missing.length > 0) {
      throw contextError({ where: source, what: `the file has no column ${missing.join(", ")}`, expected: `the MarketEvents columns ${COLUMNS.join(", ")}` });
    }
    const count = Number(((await (await run(db.connection, "SELECT count(*) FROM read_parquet($1)", [source])).getRows()) as [bigint][])[0]![0]);
    const out = allocEvents(count, instruments);
    const sql = `SELECT ${COLUMNS.map((c, k) => `CAST(${c} AS ${SQL_TYPES[k]})`).join(", ")} FROM read_parquet($1)`;
    let result;
    try {
      result = await db.connection.stream(sql, [source]);
    } catch (cause) {
      throw queryError(sql, cause);
    }
    const dst = [out.exchTs, out.localTs, out.kind, out.side, out.price, out.qty, out.orderId, out.instrument] as (BigInt64Array | BigUint64Array | Uint8Array | Int8Array | Uint16Array)[];
    let r = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const m = chunk.rowCount;
      for (let c = 0; c < COLUMNS.length; c++) {
        const v = chunk.getColumnVector(c);
        const a = dst[c]!;
        if (v.type.typeId === DuckDBTypeId.BIGINT || v.type.typeId === DuckDBTypeId.UBIGINT) {
          for (let i = 0; i < m; i++) {
            const x = v.getItem(i) as bigint | null;
            if (x === null) throw contextError({ where: `${source} row ${r + i + 1}`, what: `${COLUMNS[c]} is NULL`, expected: "an integer" });
            (a as BigInt64Array)[r + i] = x;
          }
        } else {
          for (let i = 0; i < m; i++) {
            const x = v.getItem(i) as number | null;
            if (x === null) throw contextError({ where: `${source} row ${r + i + 1}`, what: `${COLUMNS[c]} is NULL`, expected: "an integer" });
            (a as Uint8Array)[r + i] = x;
          }
        }
      }
      r += m;
    }
    if (r !== count) throw contextError({ where: source, what: `read ${r} rows`, expected: `${count}` });
    validateEvents(out, source);
    return out;
  } finally {
    db.close();
  }
}
