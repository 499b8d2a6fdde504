import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../lib/util/package-root.js";
import type { CodeCell, Notebook } from "../runner/nbformat.js";
import { removeTempDirs, tempDir, writeNotebook } from "../runner/test-notebooks.js";
import { validateCron } from "./cron.js";
import { runStamp, Scheduler, serve } from "./scheduler.js";
import { withStore } from "./store.js";

afterAll(removeTempDirs);

const bin = join(packageRoot(), "kernel", "bin", "omq.js");

function omq(
  args: string[],
  home: string,
  onStderr?: (all: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, OMQ_HOME: home, TZ: "UTC" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("validateCron", () => {
  it("accepts 5- and 6-field expressions and nicknames", () => {
    expect(() => validateCron("30 9 * * 1-5")).not.toThrow();
    expect(() => validateCron("*/10 * * * * *")).not.toThrow();
    expect(() => validateCron("@daily", "Europe/London")).not.toThrow();
  });

  it("rejects malformed expressions, unknown zones and dates that never come", () => {
    expect(() => validateCron("every day")).toThrow(/the cron expression "every day" is invalid .*expected 5 fields/);
    expect(() => validateCron("61 * * * *")).toThrow(/is invalid/);
    expect(() => validateCron("* * * * *", "Mars/Olympus")).toThrow(/--tz: the time zone "Mars\/Olympus" is unknown/);
    expect(() => validateCron("0 0 0 30 2 * 2001")).toThrow(/never fires again/);
  });
});

describe("runStamp", () => {
  it("is a UTC instant safe in file names", () => {
    expect(runStamp(new Date("2024-05-01T09:30:05.123Z"))).toBe("2024-05-01T09-30-05Z");
  });
});

describe("omq schedule", () => {
  it("adds, lists, runs once, shows history and removes schedules in OMQ_HOME", async () => {
    const home = tempDir("omq-home-");
    const dir = tempDir();
    const nb = writeNotebook(dir, "daily.ipynb", [{ source: "const n: number = 1;", tags: ["parameters"] }, "console.log(`n=${n}`)"]);

    const add = await omq(["schedule", "add", "30 9 * * 1-5", nb, "-p", "n=4", "--tz", "America/New_York"], home);
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^Added schedule daily: "30 9 \* \* 1-5" \(America\/New_York\), next run \d{4}-\d\d-\d\d 09:30:00\.\n$/);
    expect(existsSync(join(home, "omq.duckdb"))).toBe(true);

    const dup = await omq(["schedule", "add", "* * * * *", nb], home);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/a schedule named "daily" already exists/);

    expect((await omq(["schedule", "add", "*/5 * * * *", nb, "--name", "fast", "--out-dir", join(dir, "runs")], home)).code).toBe(0);
    const list = await omq(["schedule", "list"], home);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+CRON\s+NEXT RUN\s+NOTEBOOK\s+LAST STATUS$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(["daily", "fast"]);
    expect(lines[1]).toMatch(/09:30:00 America\/New_York/);
    expect(lines[1]).toContain(nb);

    const once = await omq(["serve", "--once"], home);
    expect(once.stderr).toMatch(/\[daily\] run \d+ ok/);
    expect(once.code).toBe(0);

    const history = await omq(["schedule", "history", "daily"], home);
    expect(history.stdout).toMatch(/^ID\s+SCHEDULE\s+STARTED\s+TOOK\s+STATUS\s+OUTPUT/);
    expect(history.stdout).toMatch(/daily\s+\S+\s+\S+s\s+ok\s+\S+\.ipynb/);
    const runs = await withStore(home, (s) => s.history("daily"));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.parameters).toEqual({ n: 4 });
    expect(runs[0]!.outputIpynb).toMatch(new RegExp(`^${join(home, "runs", "daily")}/\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ\\.ipynb$`));
    const out = JSON.parse(readFileSync(runs[0]!.outputIpynb!, "utf8")) as Notebook;
    const cell = out.cells.find((c) => c.id === "c1") as CodeCell;
    expect(cell.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "n=4\n" }]);
    expect(existsSync(runs[0]!.outputHtml!)).toBe(true);
    const fastRuns = await withStore(home, (s) => s.history("fast"));
    expect(fastRuns[0]!.outputIpynb!.startsWith(join(dir, "runs", "fast"))).toBe(true);
    expect((await omq(["schedule", "list"], home)).stdout).toMatch(/daily .* ok\n/);

    const rm = await omq(["schedule", "remove", "daily"], home);
    expect(rm.stdout).toBe("Removed schedule daily.\n");
    const again = await omq(["schedule", "remove", "daily"], home);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/there is no schedule named "daily"/);
    expect((await omq(["schedule", "list"], home)).stdout).not.toMatch(/^daily/m);
    // history outlives the schedule
    expect((await withStore(home, (s) => s.history("daily"))).length).toBe(1);
  });

  it("rejects an invalid cron, an unknown zone, a missing notebook and a bad name with exit 2", async () => {
    const home = tempDir("omq-home-");
    const dir = tempDir();
    const nb = writeNotebook(dir, "x.ipynb", ["1"]);
    const cron = await omq(["schedule", "add", "61 * * * *", nb], home);
    expect(cron.code).toBe(2);
    expect(cron.stderr).toMatch(/^omq schedule add: the cron expression "61 \* \* \* \*" is invalid/);
    expect((await omq(["schedule", "add", "* * * * *", nb, "--tz", "Nowhere/City"], home)).code).toBe(2);
    const missing = await omq(["schedule", "add", "* * * * *", join(dir, "none.ipynb")], home);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.ipynb: the notebook does not exist/);
    expect((await omq(["schedule", "add", "* * * * *", nb, "--name", "../evil"], home)).code).toBe(2);
    expect((await omq(["schedule", "list"], home)).stdout).toMatch(/^No schedules/);
  });
});

describe("serve", () => {
  it("runs an every-second schedule, records history, and never overlaps a run that outlasts the interval", async () => {
    const home = tempDir("omq-home-");
    const dir = tempDir();
    const nb = writeNotebook(dir, "slow.ipynb", ["const t0 = Date.now();\nwhile (Date.now() - t0 < 2500) {}\nconsole.log('done')"]);
    await withStore(home, (s) => s.add({ name: "slow", cron: "* * * * * *", notebook: nb, params: {}, tz: null, outDir: join(dir, "runs") }));

    const stop = new AbortController();
    const lines: string[] = [];
    const serving = serve({ home, signal: stop.signal, log: (l) => lines.push(l) });
    // Stop once the first run has finished and a second one is under way.
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && lines.filter((l) => / started$/.test(l)).length < 2) await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await serving;

    const runs = await withStore(home, (s) => s.history("slow", 100));
    const done = runs.filter((r) => r.status !== "skipped-overlap").sort((a, b) => a.started.getTime() - b.started.getTime());
    const skipped = runs.filter((r) => r.status === "skipped-overlap");
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done.every((r) => r.status === "ok")).toBe(true); // stopping waited for the running job
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < done.length; i++) expect(done[i]!.started.getTime()).toBeGreaterThanOrEqual(done[i - 1]!.ended!.getTime());
    for (const r of done) {
      expect(existsSync(r.outputIpynb!)).toBe(true);
      expect(existsSync(r.outputHtml!)).toBe(true);
    }
    expect(lines.some((l) => /\[slow\] skipped: the previous run is still going/.test(l))).toBe(true);
  });

  it("guards against a second run of the same schedule itself, not only through croner", async () => {
    const home = tempDir("omq-home-");
    const dir = tempDir();
    const nb = writeNotebook(dir, "quick.ipynb", ["console.log(1)"]);
    const s = await withStore(home, (st) => st.add({ name: "quick", cron: "0 0 1 1 *", notebook: nb, params: {}, tz: null, outDir: join(dir, "runs") }));
    const scheduler = new Scheduler({ home, log: () => undefined });
    const first = scheduler.trigger(s);
    expect(first).toBeDefined();
    expect(scheduler.trigger(s)).toBeUndefined();
    expect((await first)!.status).toBe("ok");
    await scheduler.stop();
    const runs = await withStore(home, (st) => st.history("quick"));
    expect(runs.map((r) => r.status).sort()).toEqual(["ok", "skipped-overlap"]);
  });

  it("with --poll picks up a schedule added while serving", async () => {
    const home = tempDir("omq-home-");
    const dir = tempDir();
    const nb = writeNotebook(dir, "later.ipynb", ["console.log('later')"]);
    const stop = new AbortController();
    const lines: string[] = [];
    const serving = serve({ home, pollS: 0.5, signal: stop.signal, log: (l) => lines.push(l) });
    for (let i = 0; i < 100 && !lines.includes("no schedules yet; waiting for `omq schedule add`"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(lines).toContain("no schedules yet; waiting for `omq schedule add`");
    await withStore(home, (st) => st.add({ name: "later", cron: "* * * * * *", notebook: nb, params: {}, tz: null, outDir: join(dir, "runs") }));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !lines.some((l) => /\[later\] run \d+ ok/.test(l))) await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await serving;
    expect(lines.some((l) => /\[later\] scheduled "\* \* \* \* \* \*"/.test(l))).toBe(true);
    expect((await withStore(home, (st) => st.history("later"))).some((r) => r.status === "ok")).toBe(true);
  });

  it("omq serve stops on SIGTERM only after the running job has finished", async () => {
    const home = tempDir("omq-home-");
    const dir = tempDir();
    const nb = writeNotebook(dir, "busy.ipynb", ["const t0 = Date.now();\nwhile (Date.now() - t0 < 2000) {}"]);
    await withStore(home, (s) => s.add({ name: "busy", cron: "* * * * * *", notebook: nb, params: {}, tz: null, outDir: join(dir, "runs") }));
    let signalled = false;
    const res = await omq(["serve"], home, (all, child) => {
      if (!signalled && /\[busy\] run \d+ started/.test(all)) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/SIGTERM received: no new runs; waiting for the running ones/);
    expect(res.stderr).toMatch(/stopping after the running job\(s\) finish: busy/);
    const runs = await withStore(home, (s) => s.history("busy"));
    expect(runs.filter((r) => r.status !== "skipped-overlap").map((r) => r.status)).toEqual(["ok"]);
  });
});
