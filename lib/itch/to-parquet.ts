/**
 * itchToParquet: rebuilds the books of an ITCH 5.0 file (or buffer) and writes its stocks, orders, trades, bbo
 * and l2 tables as Parquet files through DuckDB, in bounded memory: rows stream from the native builder into
 * DuckDB staging tables (a temporary database file next to the output), then one COPY per table writes
 * `<dir>/<table>.parquet`.
 *
 * Parquet columns (snake_case): `message` (index in the stream), `timestamp_ns` (ns since midnight), `locate`,
 * `symbol`, prices as Price(4) integers (`price`, `bid_price`, ...: 1e-4 dollars), `side` +1 buy / -1 sell,
 * `kind` the ITCH message type letter. A corrupt or truncated stream still writes every row before the bad
 * message, then throws the ItchStreamError (with `written` on `err.partial`).
 *
 * @duckdb/node-api is used directly (lib/data's wrapper has no appenders).
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DuckDBDataChunk, DuckDBInstance, DuckDBTypeId, type DuckDBAppender, type DuckDBType, type DuckDBVector } from "@duckdb/node-api";
import { contextError } from "../util/errors.js";
import { ItchBookBuilder, type ItchBookBatch } from "./book-builder.js";
import type { ColumnArray, TableName } from "./columns.js";
import type { ItchCounts } from "./decoder.js";
import type { ItchProgress } from "./decode-itch.js";
import { checkOptions } from "./options.js";
import { checkReadable, itchChunks, sourceName, type ItchInput } from "./source.js";
import { ItchStreamError } from "./stream-error.js";

export interface ItchToParquetOptions {
  symbols?: readonly string[];
  /** Top-N levels the l2 table follows (0 or absent: every level). */
  levels?: number;
  /** Tables to write (default all); `stocks` is always written. */
  tables?: readonly TableName[];
  onProgress?: (p: ItchProgress) => void;
  chunkSize?: number;
}

export interface ItchParquetFile {
  table: "stocks" | TableName;
  path: string;
  rows: number;
}

export interface ItchToParquetResult {
  files: ItchParquetFile[];
  counts: ItchCounts;
  notices: string[];
}

// Staging columns: the builder's typed arrays map one to one onto DuckDB fixed-width types.
const STAGING: Record<TableName, [string, string][]> = {
  orders: [["message", "DOUBLE"], ["timestamp", "DOUBLE"], ["locate", "USMALLINT"], ["kind", "UTINYINT"], ["orderRef", "UBIGINT"], ["newOrderRef", "UBIGINT"], ["side", "TINYINT"], ["shares", "UINTEGER"], ["price", "UINTEGER"], ["remaining", "UINTEGER"]],
  trades: [["message", "DOUBLE"], ["timestamp", "DOUBLE"], ["locate", "USMALLINT"], ["kind", "UTINYINT"], ["side", "TINYINT"], ["price", "UINTEGER"], ["shares", "DOUBLE"], ["matchNumber", "UBIGINT"], ["orderRef", "UBIGINT"], ["printable", "UTINYINT"]],
  bbo: [["message", "DOUBLE"], ["timestamp", "DOUBLE"], ["locate", "USMALLINT"], ["bidPrice", "UINTEGER"], ["bidShares", "DOUBLE"], ["askPrice", "UINTEGER"], ["askShares", "DOUBLE"]],
  l2: [["message", "DOUBLE"], ["timestamp", "DOUBLE"], ["locate", "USMALLINT"], ["side", "TINYINT"], ["price", "UINTEGER"], ["shares", "DOUBLE"], ["orders", "UINTEGER"]],
};

// What each Parquet file holds, from its staging table (`SYM` is replaced by the locate -> symbol list).
const OUTPUT: Record<TableName, string> = {
  orders:
    "CAST(message AS BIGINT) AS message, CAST(timestamp AS BIGINT) AS timestamp_ns, locate, SYM AS symbol, chr(kind) AS kind, orderRef AS order_ref, newOrderRef AS new_order_ref, side, shares, price, remaining",
  trades:
    "CAST(message AS BIGINT) AS message, CAST(timestamp AS BIGINT) AS timestamp_ns, locate, SYM AS symbol, chr(kind) AS kind, side, price, CAST(shares AS BIGINT) AS shares, matchNumber AS match_number, orderRef AS order_ref, printable = 1 AS printable",
  bbo: "CAST(message AS BIGINT) AS message, CAST(timestamp AS BIGINT) AS timestamp_ns, locate, SYM AS symbol, bidPrice AS bid_price, CAST(bidShares AS BIGINT) AS bid_shares, askPrice AS ask_price, CAST(askShares AS BIGINT) AS ask_shares",
  l2: "CAST(message AS BIGINT) AS message, CAST(timestamp AS BIGINT) AS timestamp_ns, locate, SYM AS symbol, side, price, CAST(shares AS BIGINT) AS shares, orders",
};

const ALL_TABLES: readonly TableName[] = ["orders", "trades", "bbo", "l2"];

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Converts `input` into `<dir>/{stocks,orders,trades,bbo,l2}.parquet`. */
export async function itchToParquet(input: ItchInput, dir: string, opts: ItchToParquetOptions = {}): Promise<ItchToParquetResult> {
  const o = checkOptions<ItchToParquetOptions>(opts, ["symbols", "levels", "tables", "onProgress", "chunkSize"], "itchToParquet");
  const tables = o.tables ?? ALL_TABLES;
  for (const t of tables) {
    if (!ALL_TABLES.includes(t)) throw contextError({ where: "itchToParquet", what: `there is no table '${t}'`, expected: ALL_TABLES.join(", ") });
  }
  const source = sourceName(input);
  if (typeof input === "string") await checkReadable(input); // before anything is created
  mkdirSync(dir, { recursive: true });
  const staging = path.join(dir, `.itch-staging-${process.pid}-${Date.now()}.duckdb`);

  const instance = await DuckDBInstance.create(staging);
  const con = await instance.connect();
  try {
    const appenders = new Map<TableName, TableWriter>();
    for (const t of tables) {
      await con.run(`CREATE TABLE ${t} (${STAGING[t].map(([c, ty]) => `"${c}" ${ty}`).join(", ")})`);
      appenders.set(t, new TableWriter(await con.createAppender(t), STAGING[t].map(([c]) => c)));
    }

    const book = new ItchBookBuilder({
      source,
      tables: { orders: tables.includes("orders"), l2: tables.includes("l2"), bbo: tables.includes("bbo"), trades: tables.includes("trades") },
      ...(o.symbols !== undefined ? { symbols: o.symbols } : {}),
      ...(o.levels !== undefined ? { levels: o.levels } : {}),
    });
    const take = (b: ItchBookBatch) => {
      for (const [t, w] of appenders) {
        const cols = b[t];
        if (cols) w.append(cols as unknown as Record<string, ColumnArray>);
      }
    };

    let failure: unknown;
    let progress = { bytesRead: 0, totalBytes: 0 };
    try {
      for await (const chunk of itchChunks(input, { chunkSize: o.chunkSize, onRead: (p) => (progress = p) })) {
        book.pushViews(chunk, take);
        o.onProgress?.({ ...progress, messages: book.messages });
      }
      book.endViews(take);
    } catch (err) {
      if (!(err instanceof ItchStreamError)) throw err;
      err.messagesBefore = book.messages;
      failure = err;
    }
    for (const w of appenders.values()) w.close();

    // The directory, and the locate -> symbol list the COPYs use.
    const stocks = book.stocks();
    await con.run(
      "CREATE TABLE stocks (locate USMALLINT, symbol VARCHAR, market_category VARCHAR, financial_status VARCHAR, round_lot_size UINTEGER, timestamp_ns BIGINT, selected BOOLEAN)",
    );
    for (let i = 0; i < stocks.locate.length; i += 500) {
      const rows = [];
      for (let j = i; j < Math.min(i + 500, stocks.locate.length); j++) {
        rows.push(
          `(${stocks.locate[j]}, ${sqlString(stocks.symbol[j]!)}, ${sqlString(stocks.marketCategory[j]!)}, ${sqlString(stocks.financialStatus[j]!)}, ${stocks.roundLotSize[j]}, ${stocks.timestamp[j]}, ${stocks.active[j] === 1})`,
        );
      }
      await con.run(`INSERT INTO stocks VALUES ${rows.join(", ")}`);
    }
    const maxLocate = stocks.locate.reduce((m, l) => Math.max(m, l), 0);
    const names: string[] = new Array(maxLocate + 1).fill("NULL");
    stocks.locate.forEach((l, i) => (names[l] = sqlString(stocks.symbol[i]!)));
    const sym = `([${names.join(", ")}]::VARCHAR[])[locate + 1]`;

    const files: ItchParquetFile[] = [];
    const copy = async (table: "stocks" | TableName, select: string) => {
      const file = path.join(dir, `${table}.parquet`);
      await con.run(`COPY (SELECT ${select} FROM ${table}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
      const rows = Number((await con.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0]![0]);
      files.push({ table, path: file, rows });
    };
    await copy("stocks", "*");
    for (const t of tables) await copy(t, OUTPUT[t].replace("SYM", sym));

    const stats = book.stats();
    const result: ItchToParquetResult = { files, counts: stats.counts, notices: book.notices() };
    if (failure instanceof ItchStreamError) {
      failure.partial = result;
      throw failure;
    }
    return result;
  } finally {
    con.closeSync();
    instance.closeSync();
    rmSync(staging, { force: true });
    rmSync(`${staging}.wal`, { force: true });
  }
}

/**
 * Appends typed-array columns to a DuckDB table in data chunks of DuckDB's vector size, copying each column
 * into the chunk's vector in one `set` where the vector exposes its typed array, value by value otherwise.
 */
class TableWriter {
  private readonly types: DuckDBType[];
  private readonly size = 2048;

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: string[],
  ) {
    this.types = columns.map((_, i) => appender.columnType(i));
  }

  append(cols: Record<string, ColumnArray>): void {
    const n = cols[this.columns[0]!]!.length;
    for (let at = 0; at < n; at += this.size) {
      const rows = Math.min(this.size, n - at);
      const chunk = DuckDBDataChunk.create(this.types, rows);
      this.columns.forEach((name, c) => fill(chunk.getColumnVector(c), cols[name]!.subarray(at, at + rows), this.types[c]!));
      this.appender.appendDataChunk(chunk);
    }
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

function fill(vector: DuckDBVector, src: ColumnArray, type: DuckDBType): void {
  // @duckdb/node-api 1.5's numeric vectors keep their values in a typed array `items`, copied to DuckDB by flush().
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof (src.constructor as typeof Uint8Array) && (items as Uint8Array).length >= src.length) {
    (items as Uint8Array).set(src as Uint8Array);
  } else {
    const v = vector as unknown as { setItem(i: number, value: unknown): void };
    const big = type.typeId === DuckDBTypeId.UBIGINT || type.typeId === DuckDBTypeId.BIGINT;
    for (let i = 0; i < src.length; i++) v.setItem(i, big ? BigInt(src[i]!) : Number(src[i]!));
  }
  vector.flush();
}

