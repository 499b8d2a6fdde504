// Schedules and their run history in a local DuckDB file, `<OMQ_HOME or ./.omq>/omq.duckdb`.
// DuckDB lets one process at a time open a file for writing, so every operation opens the database, does its work
// and closes it again: `omq schedule add` works while `omq serve` is running (both retry briefly on a held lock).
import { mkdirSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { contextError } from "../../lib/util/errors.js";
import { decodeParameters, encodeParameters, type Parameters } from "../runner/parameters.js";
import { databasePath } from "./home.js";

export { databasePath, omqHome } from "./home.js";

export interface Schedule {
  name: string;
  cron: string;
  /** Absolute path of the notebook. */
  notebook: string;
  params: Parameters;
  /** IANA time zone the cron expression is read in; null = the machine's zone. */
  tz: string | null;
  /** Absolute directory; each run writes `<outDir>/<name>/<timestamp>.ipynb|.html`. */
  outDir: string;
  created: Date;
}

export type RunStatus = "running" | "ok" | "error" | "timeout" | "skipped-overlap";

export interface RunRecord {
  id: number;
  schedule: string;
  started: Date;
  ended: Date | null;
  status: RunStatus;
  outputIpynb: string | null;
  outputHtml: string | null;
  parameters: Parameters;
  error: string | null;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS schedules (
     name VARCHAR PRIMARY KEY, cron VARCHAR NOT NULL, notebook VARCHAR NOT NULL, params JSON NOT NULL,
     tz VARCHAR, out_dir VARCHAR NOT NULL, created TIMESTAMPTZ NOT NULL)`,
  `CREATE SEQUENCE IF NOT EXISTS runs_id_seq START 1`,
  `CREATE TABLE IF NOT EXISTS runs (
     id BIGINT PRIMARY KEY DEFAULT nextval('runs_id_seq'), schedule VARCHAR NOT NULL, started TIMESTAMPTZ NOT NULL,
     ended TIMESTAMPTZ, status VARCHAR NOT NULL, output_ipynb VARCHAR, output_html VARCHAR, parameters JSON,
     error VARCHAR)`,
];

function asDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

function parseParams(v: unknown): Parameters {
  if (v === null || v === undefined) return {};
  return decodeParameters(typeof v === "string" ? JSON.parse(v) : v);
}

function toSchedule(r: Record<string, unknown>): Schedule {
  return {
    name: String(r["name"]),
    cron: String(r["cron"]),
    notebook: String(r["notebook"]),
    params: parseParams(r["params"]),
    tz: r["tz"] === null || r["tz"] === undefined ? null : String(r["tz"]),
    outDir: String(r["out_dir"]),
    created: asDate(r["created"]),
  };
}

function toRun(r: Record<string, unknown>): RunRecord {
  const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r["id"]),
    schedule: String(r["schedule"]),
    started: asDate(r["started"]),
    ended: r["ended"] === null || r["ended"] === undefined ? null : asDate(r["ended"]),
    status: String(r["status"]) as RunStatus,
    outputIpynb: str(r["output_ipynb"]),
    outputHtml: str(r["output_html"]),
    parameters: parseParams(r["parameters"]),
    error: str(r["error"]),
  };
}

export class ScheduleStore {
  constructor(private readonly conn: DuckDBConnection) {}

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    const reader = await this.conn.runAndReadAll(sql, values);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  async add(s: Omit<Schedule, "created">): Promise<Schedule> {
    if (await this.get(s.name)) {
      throw contextError({ what: `a schedule named ${JSON.stringify(s.name)} already exists`, hint: "Pick another name with --name, or remove it first with `omq schedule remove`" });
    }
    const created = new Date();
    await this.conn.run("INSERT INTO schedules VALUES ($1, $2, $3, $4, $5, $6, $7)", [
      s.name,
      s.cron,
      s.notebook,
      JSON.stringify(encodeParameters(s.params)),
      s.tz,
      s.outDir,
      created.toISOString(),
    ]);
    return { ...s, created };
  }

  async get(name: string): Promise<Schedule | null> {
    const rows = await this.rows("SELECT * FROM schedules WHERE name = $1", [name]);
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  async list(): Promise<Schedule[]> {
    return (await this.rows("SELECT * FROM schedules ORDER BY name")).map(toSchedule);
  }

  /** Removes the schedule (its run history stays); false when there was none by that name. */
  async remove(name: string): Promise<boolean> {
    const rows = await this.rows("DELETE FROM schedules WHERE name = $1 RETURNING name", [name]);
    return rows.length > 0;
  }

  /** Records a run that has started; returns its id. */
  async startRun(r: { schedule: string; started: Date; outputIpynb: string | null; outputHtml: string | null; parameters: Parameters }): Promise<number> {
    const rows = await this.rows("INSERT INTO runs (schedule, started, status, output_ipynb, output_html, parameters) VALUES ($1, $2, 'running', $3, $4, $5) RETURNING id", [
      r.schedule,
      r.started.toISOString(),
      r.outputIpynb,
      r.outputHtml,
      JSON.stringify(encodeParameters(r.parameters)),
    ]);
    return Number(rows[0]!["id"]);
  }

  async finishRun(id: number, r: { ended: Date; status: RunStatus; error: string | null; outputIpynb?: string | null; outputHtml?: string | null }): Promise<void> {
    await this.conn.run(
      "UPDATE runs SET ended = $2, status = $3, error = $4, output_ipynb = COALESCE($5, output_ipynb), output_html = COALESCE($6, output_html) WHERE id = $1",
      [id, r.ended.toISOString(), r.status, r.error, r.outputIpynb ?? null, r.outputHtml ?? null],
    );
  }

  /** Records an event without a run (e.g. `skipped-overlap`): started = ended = `at`. */
  async recordEvent(schedule: string, at: Date, status: RunStatus, error: string): Promise<number> {
    const rows = await this.rows("INSERT INTO runs (schedule, started, ended, status, error) VALUES ($1, $2, $2, $3, $4) RETURNING id", [schedule, at.toISOString(), status, error]);
    return Number(rows[0]!["id"]);
  }

  /** Runs, newest first; of one schedule when `name` is given. */
  async history(name?: string, limit = 50): Promise<RunRecord[]> {
    const rows = name
      ? await this.rows("SELECT * FROM runs WHERE schedule = $1 ORDER BY started DESC, id DESC LIMIT $2", [name, limit])
      : await this.rows("SELECT * FROM runs ORDER BY started DESC, id DESC LIMIT $1", [limit]);
    return rows.map(toRun);
  }

  /** The status of each schedule's latest run (overlap events aside). */
  async lastStatuses(): Promise<Map<string, RunStatus>> {
    const rows = await this.rows("SELECT schedule, arg_max(status, id) AS status FROM runs WHERE status <> 'skipped-overlap' GROUP BY schedule");
    return new Map(rows.map((r) => [String(r["schedule"]), String(r["status"]) as RunStatus]));
  }
}

// One open database per process at a time: operations on the same file queue up here.
let queue: Promise<unknown> = Promise.resolve();

async function openWithRetry(path: string, timeoutMs: number): Promise<DuckDBInstance> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    try {
      return await DuckDBInstance.create(path);
    } catch (cause) {
      const msg = (cause as Error).message ?? "";
      if (!/lock/i.test(msg) || Date.now() > deadline) {
        throw contextError({ what: "cannot open the schedule database", where: path, found: msg, cause, hint: /lock/i.test(msg) ? "Another omq process holds it; try again" : undefined });
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Opens the store under `home`, runs `fn`, and closes it (the file is locked only meanwhile). */
export async function withStore<T>(home: string, fn: (store: ScheduleStore) => Promise<T>, opts: { lockTimeoutMs?: number } = {}): Promise<T> {
  const run = async (): Promise<T> => {
    mkdirSync(home, { recursive: true });
    const instance = await openWithRetry(databasePath(home), opts.lockTimeoutMs ?? 15_000);
    let conn: DuckDBConnection | undefined;
    try {
      conn = await instance.connect();
      for (const sql of SCHEMA) await conn.run(sql);
      return await fn(new ScheduleStore(conn));
    } finally {
      conn?.closeSync();
      instance.closeSync();
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}
