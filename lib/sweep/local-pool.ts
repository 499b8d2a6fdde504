/**
 * Runs sweep jobs on a pool of worker threads in this process (default: one per available core). Each thread
 * imports the target module once; jobs are handed out one at a time so that slow parameter sets do not hold up
 * a whole chunk. Results come back keyed by job index, so the order never depends on scheduling.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { packageRoot } from "../util/package-root.js";
import { contextError } from "../util/errors.js";
import type { PoolJob, PoolReply } from "./pool-worker.js";

/** The compiled worker script (next to this file when running from .build, else from the package's build). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".js")) return join(here, "..", "pool-worker.js");
  const built = join(packageRoot(), ".build", "lib", "sweep", "pool-worker.js");
  if (!existsSync(built)) throw contextError({ what: "the sweep worker is not compiled", found: `no ${built}`, hint: "Run npm run build" });
  return built;
}

export interface PoolOptions {
  /** Worker threads (default: availableParallelism()). */
  workers?: number;
  onResult?: (reply: PoolReply, done: number, total: number) => void;
}

export async function runOnLocalPool(jobs: PoolJob[], opts: PoolOptions = {}): Promise<PoolReply[]> {
  const n = Math.max(1, Math.min(opts.workers ?? availableParallelism(), jobs.length));
  const replies: PoolReply[] = new Array(jobs.length);
  if (jobs.length === 0) return replies;
  const script = workerScript();
  const position = new Map(jobs.map((j, i) => [j.index, i]));
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next < jobs.length) w.postMessage(jobs[next++]);
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(script);
        workers.push(w);
        w.on("message", (r: PoolReply) => {
          replies[position.get(r.index)!] = r;
          done++;
          opts.onResult?.(r, done, jobs.length);
          if (done === jobs.length) resolve();
          else feed(w);
        });
        w.on("error", (err) => reject(contextError({ what: "a sweep worker thread crashed", cause: err, hint: err.message })));
        w.on("exit", (code) => {
          if (done < jobs.length && code !== 0) reject(contextError({ what: `a sweep worker thread exited with code ${code}` }));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return replies;
}
