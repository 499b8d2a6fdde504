// The body of one local sweep worker thread: imports the target once, then evaluates parameter sets on request.
import { parentPort } from "node:worker_threads";
import { evaluate, loadTarget, type Metrics, type SweepTarget } from "./target.js";
import type { ParamSet } from "./space.js";

export interface PoolJob {
  index: number;
  target: Required<SweepTarget>;
  params: ParamSet;
}
export type PoolReply = { index: number; ok: true; metrics: Metrics; ms: number } | { index: number; ok: false; error: string; ms: number };

parentPort?.on("message", (job: PoolJob) => void run(job));

/** Evaluates one job; every outcome, a failure included, goes back as a reply (the promise never rejects). */
async function run(job: PoolJob): Promise<void> {
  const t0 = performance.now();
  try {
    const fn = await loadTarget(job.target);
    const metrics = await evaluate(fn, job.params, `parameter set ${job.index} ${JSON.stringify(job.params)}`);
    parentPort!.postMessage({ index: job.index, ok: true, metrics, ms: performance.now() - t0 } satisfies PoolReply);
  } catch (err) {
    parentPort!.postMessage({ index: job.index, ok: false, error: err instanceof Error ? err.message : String(err), ms: performance.now() - t0 } satisfies PoolReply);
  }
}
