// `omq serve`: runs the stored schedules in this process with croner. Two runs of one schedule never overlap:
// croner's `protect` blocks a trigger while the previous run is busy, and an in-memory running set guards the same
// across reloads; either way a `skipped-overlap` event is recorded. Stopping waits for the running jobs.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Cron } from "croner";
import { runNotebook } from "../runner/run-notebook.js";
import { withStore, type RunStatus, type Schedule } from "./store.js";

export interface SchedulerOptions {
  home: string;
  /** The kernel's argv for every run (tests); default our kernel. */
  kernelArgv?: string[];
  interruptMode?: "message" | "signal";
  /** Per-cell timeout in seconds for scheduled runs. */
  timeoutS?: number;
  log?: (line: string) => void;
}

export interface JobOutcome {
  schedule: string;
  status: RunStatus;
  runId: number;
  outputIpynb: string | null;
  error: string | null;
}

/** `2024-05-01T09-30-00Z`: a UTC instant that is safe in file names and sorts in time order. */
export function runStamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}

function scheduleKey(s: Schedule): string {
  return JSON.stringify([s.cron, s.tz, s.notebook, s.outDir, s.params]);
}

export class Scheduler {
  private readonly jobs = new Map<string, { cron: Cron; key: string }>();
  private readonly running = new Map<string, Promise<JobOutcome>>();
  private readonly abort = new AbortController();
  private stopped = false;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: SchedulerOptions) {
    this.log = opts.log ?? ((line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
  }

  /** Names of the schedules with a run in progress. */
  get busy(): string[] {
    return [...this.running.keys()];
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Reads the schedules and starts, restarts (when changed) or stops their cron jobs. */
  async reload(): Promise<number> {
    if (this.stopped) return this.jobs.size;
    const schedules = await withStore(this.opts.home, (s) => s.list());
    const seen = new Set<string>();
    for (const s of schedules) {
      seen.add(s.name);
      const key = scheduleKey(s);
      const old = this.jobs.get(s.name);
      if (old?.key === key) continue;
      old?.cron.stop();
      const cron = new Cron(
        s.cron,
        {
          timezone: s.tz ?? undefined,
          // A trigger while this job's previous run is still busy: record it instead of starting a second run.
          protect: () => void this.recordOverlap(s.name),
          catch: (err) => this.log(`[${s.name}] ${(err as Error).message}`),
        },
        // Returning the run's promise is what keeps croner's job busy (and `protect` effective) until it ends.
        async () => {
          await this.trigger(s);
        },
      );
      this.jobs.set(s.name, { cron, key });
      this.log(`[${s.name}] scheduled "${s.cron}"${s.tz ? ` (${s.tz})` : ""}, next run ${cron.nextRun()?.toISOString() ?? "never"}`);
    }
    for (const [name, job] of this.jobs) {
      if (seen.has(name)) continue;
      job.cron.stop();
      this.jobs.delete(name);
      this.log(`[${name}] removed`);
    }
    return this.jobs.size;
  }

  /** Starts a run of `s` unless one is in progress (then records `skipped-overlap`). */
  trigger(s: Schedule): Promise<JobOutcome> | undefined {
    if (this.stopped) return undefined;
    if (this.running.has(s.name)) {
      void this.recordOverlap(s.name);
      return undefined;
    }
    const p = this.runJob(s).finally(() => this.running.delete(s.name));
    this.running.set(s.name, p);
    return p;
  }

  private async recordOverlap(name: string): Promise<void> {
    this.log(`[${name}] skipped: the previous run is still going`);
    try {
      await withStore(this.opts.home, (st) => st.recordEvent(name, new Date(), "skipped-overlap", `the previous run of ${name} was still running`));
    } catch (err) {
      this.log(`[${name}] cannot record the skipped run: ${(err as Error).message}`);
    }
  }

  /** One run of a schedule, recorded in the runs table; never throws. */
  async runJob(s: Schedule): Promise<JobOutcome> {
    const started = new Date();
    const dir = join(s.outDir, s.name);
    let base = join(dir, runStamp(started));
    for (let k = 2; existsSync(`${base}.ipynb`); k++) base = join(dir, `${runStamp(started)}-${k}`);
    const ipynb = `${base}.ipynb`;
    const html = `${base}.html`;
    let runId = -1;
    let status: RunStatus = "error";
    let error: string | null = null;
    try {
      runId = await withStore(this.opts.home, (st) => st.startRun({ schedule: s.name, started, outputIpynb: ipynb, outputHtml: html, parameters: s.params }));
      this.log(`[${s.name}] run ${runId} started`);
      const res = await runNotebook({
        input: s.notebook,
        output: ipynb,
        html,
        parameters: s.params,
        kernelArgv: this.opts.kernelArgv,
        interruptMode: this.opts.interruptMode,
        timeoutS: this.opts.timeoutS,
        title: `${s.name} ${started.toISOString()}`,
        warn: (m) => this.log(`[${s.name}] ${m}`),
        signal: this.abort.signal,
      });
      status = res.status;
      if (res.failed) error = `cell ${res.failed.index} (id ${res.failed.id}) ${res.failed.status === "timeout" ? "timed out" : "failed"}: ${res.failed.ename}: ${res.failed.evalue}`;
    } catch (err) {
      status = "error";
      error = (err as Error).message;
    }
    const ended = new Date();
    const outputIpynb = existsSync(ipynb) ? ipynb : null;
    const outputHtml = existsSync(html) ? html : null;
    try {
      if (runId >= 0) await withStore(this.opts.home, (st) => st.finishRun(runId, { ended, status, error, outputIpynb, outputHtml }));
      else runId = await withStore(this.opts.home, (st) => st.recordEvent(s.name, started, status, error ?? "the run could not start"));
    } catch (err) {
      this.log(`[${s.name}] cannot record the run: ${(err as Error).message}`);
    }
    const took = ((ended.getTime() - started.getTime()) / 1000).toFixed(1);
    this.log(`[${s.name}] run ${runId} ${status} in ${took}s${error ? `: ${error}` : ""}${outputIpynb ? ` -> ${outputIpynb}` : ""}`);
    return { schedule: s.name, status, runId, outputIpynb, error };
  }

  /** Stops triggering; resolves when the running jobs have finished. With `abortRunning`, stops them too. */
  async stop(opts: { abortRunning?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs.values()) job.cron.stop();
    this.jobs.clear();
    if (opts.abortRunning) this.abort.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Aborts the running jobs (their kernels are shut down, their notebooks written as failed). */
  abortRunning(): void {
    this.abort.abort();
  }
}

export interface ServeOptions extends SchedulerOptions {
  /** Run every schedule once, now, one after the other, and return. */
  once?: boolean;
  /** Re-read the schedules every this many seconds (picks up `schedule add/remove` without a restart). */
  pollS?: number;
  /** Aborting stops serving: no new runs; resolves after the running ones finish. */
  signal?: AbortSignal;
  /** Aborting stops the running jobs too (a second Ctrl-C). */
  forceSignal?: AbortSignal;
}

/** Serves until `signal` aborts (or, with `once`, after one run of each schedule). Returns the outcomes of `once`. */
export async function serve(opts: ServeOptions): Promise<JobOutcome[]> {
  const scheduler = new Scheduler(opts);
  const log = opts.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
  if (opts.once) {
    const schedules = await withStore(opts.home, (s) => s.list());
    const outcomes: JobOutcome[] = [];
    for (const s of schedules) {
      if (opts.signal?.aborted) break;
      outcomes.push(await scheduler.runJob(s));
    }
    return outcomes;
  }
  const n = await scheduler.reload();
  if (n === 0 && !opts.pollS) {
    log("no schedules: add one with `omq schedule add`, or serve with --poll to wait for them");
    return [];
  }
  if (n === 0) log("no schedules yet; waiting for `omq schedule add`");
  const force = (): void => scheduler.abortRunning();
  opts.forceSignal?.addEventListener("abort", force, { once: true });
  let poll: NodeJS.Timeout | undefined;
  if (opts.pollS && opts.pollS > 0) {
    poll = setInterval(() => {
      scheduler.reload().catch((err: unknown) => log(`cannot reload the schedules: ${(err as Error).message}`));
    }, opts.pollS * 1000);
  }
  await new Promise<void>((resolve) => {
    if (opts.signal?.aborted) resolve();
    opts.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  clearInterval(poll);
  const busy = scheduler.busy;
  if (busy.length) log(`stopping after the running job(s) finish: ${busy.join(", ")}`);
  await scheduler.stop({ abortRunning: opts.forceSignal?.aborted === true });
  opts.forceSignal?.removeEventListener("abort", force);
  return [];
}

export type { Schedule };
