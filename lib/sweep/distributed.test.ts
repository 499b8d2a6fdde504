// A real Redis (Debian's redis-server on 127.0.0.1, a free port) and two real `omq worker` processes: a
// distributed sweep must return exactly the local sweep's rows, with both workers taking jobs.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../util/package-root.js";
import { sweep } from "./index.js";

const root = packageRoot();
const omq = join(root, "kernel", "bin", "omq.js");
const target = { module: join(root, ".build", "lib", "sweep", "targets", "sma-crossover.js"), export: "evaluate" };
const space = { fast: [3, 5, 8, 10, 15, 20], slow: [30, 50, 80, 100, 150, 200], costBps: [0, 10] };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function waitFor(child: ChildProcess, stream: "stdout" | "stderr", pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got: ${text}`)), ms);
    child[stream]!.on("data", (b: Buffer) => {
      text += b.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; got: ${text}`));
    });
  });
}

const redisBin = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
let redis: ChildProcess | undefined;
let url = "";
const workers: ChildProcess[] = [];
const workerLogs: string[] = [];
let dir = "";

beforeAll(async () => {
  if (!redisBin) throw new Error("redis-server is not installed (Debian package redis-server; .ci/run installs it)");
  dir = mkdtempSync(join(tmpdir(), "omq-redis-"));
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = spawn(redisBin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  await waitFor(redis, "stdout", /Ready to accept connections/, 20_000);
  for (let i = 0; i < 2; i++) {
    const w = spawn(process.execPath, [omq, "worker", "--redis", url], { stdio: ["ignore", "pipe", "pipe"] });
    workerLogs.push("");
    w.stderr!.on("data", (b: Buffer) => (workerLogs[i] += b.toString()));
    workers.push(w);
  }
  await Promise.all(workers.map((w) => waitFor(w, "stderr", /serving queue/, 30_000)));
});

afterAll(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exitCode !== null) return resolve();
          w.on("exit", () => resolve());
          w.kill("SIGTERM");
          setTimeout(() => w.kill("SIGKILL"), 10_000);
        }),
    ),
  );
  redis?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("distributed sweeps over BullMQ", () => {
  it("two omq worker processes return exactly the local sweep's rows", async () => {
    const local = await sweep(target, { space, workers: 2 });
    const remote = await sweep(target, { space, redis: url, idleTimeoutMs: 60_000 });
    expect(remote.rows.length).toBe(72);
    expect(remote.rows).toEqual(local.rows);
    expect(remote.failed).toBe(0);
  });

  it("omq sweep --redis prints the same table as the local run, and both workers took jobs", async () => {
    writeFileSync(join(dir, "s.yaml"), `target: { module: ${JSON.stringify(target.module)}, export: evaluate }\nspace: { fast: [5, 10, 20], slow: [50, 100], costBps: [0, 5, 10] }\n`);
    const run = (extra: string[]) => spawnSync(process.execPath, [omq, "sweep", join(dir, "s.yaml"), "--json", "--no-progress", ...extra], { encoding: "utf8" });
    const a = run([]);
    const b = run(["--redis", url]);
    expect(b.stderr).toBe("");
    expect(b.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stdout.trim().split("\n")).toHaveLength(18);
    // Stop the workers and read their job counts.
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => (w.on("exit", () => resolve()), w.kill("SIGTERM")))));
    const counts = workerLogs.map((l) => Number(/stopped after (\d+) jobs/.exec(l)?.[1] ?? "-1"));
    expect(counts[0]! + counts[1]!).toBe(72 + 18);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it("a bad Redis URL is a clear error", async () => {
    await expect(sweep(target, { space, redis: "http://x" })).rejects.toThrow(/Redis URL has the wrong scheme/);
  });
});
