/**
 * Distributed sweeps over BullMQ (Redis). The submitting process adds one job per parameter set to a queue
 * (default `omq-sweep`) and collects results through QueueEvents; any number of `omq worker --redis URL`
 * processes, on any machines that can import the target module, evaluate them. Jobs carry the sweep id and the
 * parameter-set index, so results are put back in grid order and a distributed sweep returns exactly what the
 * local pool returns.
 */
import { randomUUID } from "node:crypto";
import { Queue, QueueEvents, Worker, type ConnectionOptions } from "bullmq";
import { contextError } from "../util/errors.js";
import { evaluate, loadTarget, type Metrics } from "./target.js";
import type { PoolJob, PoolReply } from "./pool-worker.js";

export const DEFAULT_QUEUE = "omq-sweep";

interface JobData extends PoolJob {
  sweepId: string;
}

/** `redis://host:port/db` -> BullMQ connection options (ioredis). */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    throw contextError({ what: "the Redis URL is not valid", expected: "redis://host:port", found: url, cause });
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw contextError({ what: "the Redis URL has the wrong scheme", expected: "redis:// or rediss://", found: url });
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    db: Number.isInteger(db) ? db : 0,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export interface DistributedOptions {
  redis: string;
  queue?: string;
  onResult?: (reply: PoolReply, done: number, total: number) => void;
  /** Give up when no result arrives for this long (default 10 minutes). */
  idleTimeoutMs?: number;
}

/** Submits the jobs and waits for every result. */
export async function runDistributed(jobs: PoolJob[], opts: DistributedOptions): Promise<PoolReply[]> {
  const connection = redisConnection(opts.redis);
  const name = opts.queue ?? DEFAULT_QUEUE;
  const sweepId = randomUUID();
  const queue = new Queue<JobData, Metrics>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const position = new Map(jobs.map((j, i) => [`${sweepId}_${j.index}`, i]));
  const replies: PoolReply[] = new Array(jobs.length);
  let done = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    await events.waitUntilReady();
    await queue.waitUntilReady();
    const finished = new Promise<void>((resolve, reject) => {
      const idle = opts.idleTimeoutMs ?? 600_000;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => reject(contextError({ what: `no sweep result arrived for ${idle} ms`, found: `${done} of ${jobs.length} done`, hint: `Is an omq worker running on queue '${name}' at ${opts.redis}?` })), idle);
      };
      const settle = (jobId: string, reply: (index: number) => PoolReply): void => {
        const pos = position.get(jobId);
        if (pos === undefined || replies[pos]) return;
        replies[pos] = reply(jobs[pos]!.index);
        done++;
        opts.onResult?.(replies[pos]!, done, jobs.length);
        arm();
        if (done === jobs.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      events.on("completed", ({ jobId, returnvalue }) => {
        const v = typeof returnvalue === "string" ? (JSON.parse(returnvalue) as Metrics) : (returnvalue as unknown as Metrics);
        settle(jobId, (index) => ({ index, ok: true, metrics: v, ms: NaN }));
      });
      events.on("failed", ({ jobId, failedReason }) => settle(jobId, (index) => ({ index, ok: false, error: failedReason, ms: NaN })));
      events.on("error", (err) => reject(contextError({ what: "lost the Redis event stream", cause: err, hint: err.message })));
      arm();
      if (jobs.length === 0) {
        clearTimeout(timer);
        resolve();
      }
    });
    finished.catch(() => undefined); // observed below; a failure while adding jobs must not leave it unhandled
    await queue.addBulk(
      jobs.map((j) => ({
        name: "evaluate",
        data: { ...j, sweepId },
        opts: { jobId: `${sweepId}_${j.index}`, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } },
      })),
    );
    await finished;
  } finally {
    clearTimeout(timer);
    await events.close();
    await queue.close();
  }
  return replies;
}

export interface WorkerHandle {
  close(): Promise<void>;
  /** Resolves when the worker is connected and taking jobs. */
  ready: Promise<void>;
}

/** Starts a BullMQ worker that evaluates sweep jobs; `concurrency` jobs at a time (default 1). */
export function startSweepWorker(opts: { redis: string; queue?: string; concurrency?: number; onJob?: (index: number, ok: boolean) => void }): WorkerHandle {
  const connection = redisConnection(opts.redis);
  const worker = new Worker<JobData, Metrics>(
    opts.queue ?? DEFAULT_QUEUE,
    async (job) => {
      try {
        const fn = await loadTarget(job.data.target);
        const m = await evaluate(fn, job.data.params, `parameter set ${job.data.index} ${JSON.stringify(job.data.params)}`);
        opts.onJob?.(job.data.index, true);
        return m;
      } catch (err) {
        opts.onJob?.(job.data.index, false);
        throw err;
      }
    },
    { connection, concurrency: opts.concurrency ?? 1, autorun: true },
  );
  return { ready: worker.waitUntilReady().then(() => undefined), close: () => worker.close() };
}
