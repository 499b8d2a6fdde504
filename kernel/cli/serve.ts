// `omq serve`: run the stored schedules in this process until SIGINT/SIGTERM (running jobs finish first).
import { Option, type Command } from "commander";
import { omqHome } from "../scheduler/home.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseKernelArgv, parseSeconds, printError, type CliContext } from "./common.js";

interface ServeCliOptions {
  once?: boolean;
  poll?: number | true;
  timeout?: number;
  kernelArgv?: string;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description("run the scheduled notebooks (see `omq schedule`) until Ctrl-C; running jobs finish first")
    .option("--once", "run every schedule once, now, one after the other, then exit (1 if any run failed)")
    .option("--poll [seconds]", "re-read the schedules every SECONDS (default 10) so `omq schedule add/remove` apply without a restart", parseSeconds)
    .option("--timeout <seconds>", "per-cell time limit for every run", parseSeconds)
    .addOption(new Option("--kernel-argv <json>", "the kernel command as a JSON array").hideHelp())
    .addHelpText("after", "\nEach run writes <out-dir>/<name>/<timestamp>.ipynb and .html and a row in `omq schedule history`.\nA second Ctrl-C stops the running jobs too.")
    .action(async (o: ServeCliOptions) => {
      let kernelArgv: string[] | undefined;
      try {
        kernelArgv = o.kernelArgv ? parseKernelArgv(o.kernelArgv) : undefined;
      } catch (err) {
        printError(ctx, "serve", err);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const stop = new AbortController();
      const force = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => {
        if (!stop.signal.aborted) {
          ctx.err(`${new Date().toISOString()} ${sig} received: no new runs; waiting for the running ones (again to stop them)\n`);
          stop.abort();
        } else if (!force.signal.aborted) {
          ctx.err(`${new Date().toISOString()} ${sig} received again: stopping the running jobs\n`);
          force.abort();
        } else {
          process.exit(130);
        }
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        const { serve } = await import("../scheduler/scheduler.js");
        const outcomes = await serve({
          home: omqHome(),
          once: o.once,
          pollS: o.poll === true ? 10 : o.poll,
          timeoutS: o.timeout,
          kernelArgv,
          signal: stop.signal,
          forceSignal: force.signal,
          log: (line) => ctx.err(`${new Date().toISOString()} ${line}\n`),
        });
        ctx.exitCode = outcomes.some((r) => r.status !== "ok") ? EXIT_FAILED : EXIT_OK;
      } catch (err) {
        printError(ctx, "serve", err);
        ctx.exitCode = EXIT_FAILED;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
