// `omq schedule add|list|remove|history`: notebooks on cron schedules, stored in `<OMQ_HOME>/omq.duckdb`.
import type { Command } from "commander";
import { basename, extname, join, resolve } from "node:path";
import { contextError } from "../../lib/util/errors.js";
import { readNotebook } from "../runner/nbformat.js";
import { resolveParameters } from "../runner/parameters.js";
import { formatInZone, nextRun, validateCron } from "../scheduler/cron.js";
import { omqHome } from "../scheduler/home.js";
import type { Schedule, ScheduleStore } from "../scheduler/store.js";
import { collect, EXIT_FAILED, EXIT_USAGE, formatTable, parsePositiveInt, printError, type CliContext } from "./common.js";

/** The schedule database under $OMQ_HOME, loaded on demand (DuckDB is a large native module). */
async function store<T>(fn: (st: ScheduleStore) => Promise<T>): Promise<T> {
  const { withStore } = await import("../scheduler/store.js");
  return withStore(omqHome(), fn);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface AddOptions {
  param?: string[];
  paramsFile?: string[];
  name?: string;
  tz?: string;
  outDir?: string;
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw contextError({ what: `the schedule name ${JSON.stringify(name)} is not allowed`, expected: "letters, digits, '.', '_' or '-' (it names a directory), at most 64 characters" });
  }
}

function since(d: Date, until: Date | null): string {
  return until ? `${((until.getTime() - d.getTime()) / 1000).toFixed(1)}s` : "";
}

export function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program
    .command("schedule")
    .description("run notebooks on cron schedules (served by `omq serve`)")
    .addHelpText("after", "\nSchedules and run history live in $OMQ_HOME/omq.duckdb (default ./.omq/omq.duckdb).");

  schedule
    .command("add")
    .description("schedule a notebook")
    .argument("<cron>", 'cron expression: 5 fields "min hour day month weekday", or 6 with seconds first')
    .argument("<notebook>", "the .ipynb notebook to run")
    .option("-p, --param <name=value>", "a parameter for every run (repeatable)", collect)
    .option("-f, --params-file <path>", "parameters from a .json, .yaml or .yml file, read now (repeatable)", collect)
    .option("--name <name>", "schedule name (default: the notebook's file name)")
    .option("--tz <zone>", "IANA time zone the cron expression is read in (default: this machine's)")
    .option("--out-dir <dir>", "where runs write <name>/<timestamp>.ipynb and .html (default: $OMQ_HOME/runs)")
    .addHelpText("after", '\nExamples:\n  omq schedule add "30 9 * * 1-5" notebooks/daily.ipynb --tz America/New_York -p lookback=20\n  omq schedule add "*/10 * * * * *" notebooks/poll.ipynb --name poll')
    .action(async (cron: string, notebook: string, o: AddOptions) => {
      let entry: Omit<Schedule, "created">;
      try {
        validateCron(cron, o.tz);
        const path = resolve(notebook);
        readNotebook(path);
        const name = o.name ?? basename(path, extname(path));
        checkName(name);
        entry = {
          name,
          cron,
          notebook: path,
          params: resolveParameters({ files: o.paramsFile, pairs: o.param }),
          tz: o.tz ?? null,
          outDir: resolve(o.outDir ?? join(omqHome(), "runs")),
        };
      } catch (err) {
        printError(ctx, "schedule add", err);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      try {
        const s = await store((st) => st.add(entry));
        const next = nextRun(s.cron, s.tz);
        ctx.out(`Added schedule ${s.name}: "${s.cron}"${s.tz ? ` (${s.tz})` : ""}, next run ${next ? formatInZone(next, s.tz) : "never"}.\n`);
      } catch (err) {
        printError(ctx, "schedule add", err);
        ctx.exitCode = /already exists/.test((err as Error).message) ? EXIT_USAGE : EXIT_FAILED;
      }
    });

  schedule
    .command("list")
    .description("list the schedules with their next run and last status")
    .action(async () => {
      try {
        const [schedules, last] = await store(async (st) => [await st.list(), await st.lastStatuses()] as const);
        if (schedules.length === 0) {
          ctx.out("No schedules. Add one with `omq schedule add CRON NOTEBOOK`.\n");
          return;
        }
        const rows = schedules.map((s) => {
          const next = nextRun(s.cron, s.tz);
          return [s.name, s.cron, next ? `${formatInZone(next, s.tz)}${s.tz ? ` ${s.tz}` : ""}` : "never", s.notebook, last.get(s.name) ?? "-"];
        });
        ctx.out(formatTable(["NAME", "CRON", "NEXT RUN", "NOTEBOOK", "LAST STATUS"], rows));
      } catch (err) {
        printError(ctx, "schedule list", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  schedule
    .command("remove")
    .description("remove a schedule (its run history is kept)")
    .argument("<name>", "the schedule's name")
    .action(async (name: string) => {
      try {
        const removed = await store((st) => st.remove(name));
        if (!removed) {
          printError(ctx, "schedule remove", contextError({ what: `there is no schedule named ${JSON.stringify(name)}`, hint: "See `omq schedule list`" }));
          ctx.exitCode = EXIT_USAGE;
          return;
        }
        ctx.out(`Removed schedule ${name}.\n`);
      } catch (err) {
        printError(ctx, "schedule remove", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  schedule
    .command("history")
    .description("list past runs, newest first")
    .argument("[name]", "only this schedule's runs")
    .option("-n, --limit <count>", "how many runs", parsePositiveInt, 20)
    .action(async (name: string | undefined, o: { limit: number }) => {
      try {
        const runs = await store((st) => st.history(name, o.limit));
        if (runs.length === 0) {
          ctx.out(name ? `No runs of ${name} yet.\n` : "No runs yet.\n");
          return;
        }
        const rows = runs.map((r) => [String(r.id), r.schedule, r.started.toISOString(), since(r.started, r.ended), r.status, r.outputIpynb ?? "", r.error ?? ""]);
        ctx.out(formatTable(["ID", "SCHEDULE", "STARTED", "TOOK", "STATUS", "OUTPUT", "ERROR"], rows));
      } catch (err) {
        printError(ctx, "schedule history", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });
}
