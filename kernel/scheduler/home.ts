// Where `omq schedule` and `omq serve` keep their state: $OMQ_HOME, else ./.omq (kept apart from store.ts so that
// finding the directory does not load DuckDB).
import { join, resolve } from "node:path";

/** `$OMQ_HOME`, else `./.omq`, as an absolute path. */
export function omqHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env["OMQ_HOME"] || ".omq");
}

export function databasePath(home: string): string {
  return join(home, "omq.duckdb");
}
