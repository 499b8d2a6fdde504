// `omq run NOTEBOOK.ipynb`: execute a notebook headlessly with parameters (papermill semantics for TypeScript).
import { Option, type Command } from "commander";
import { resolve } from "node:path";
import { readNotebook } from "../runner/nbformat.js";
import { resolveParameters } from "../runner/parameters.js";
import { terminalProgress } from "../runner/progress.js";
import type { CodeVisibility } from "../runner/run-notebook.js";
import { collect, EXIT_FAILED, EXIT_OK, EXIT_USAGE, existingDir, parseKernelArgv, parseSeconds, printError, type CliContext } from "./common.js";

interface RunOptions {
  param?: string[];
  paramsFile?: string[];
  output?: string;
  html?: string;
  code: CodeVisibility;
  timeout?: number;
  allowErrors?: boolean;
  cwd?: string;
  kernelArgv?: string;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description("execute a notebook headlessly: inject parameters, run every code cell, write the executed notebook")
    .argument("<notebook>", "the .ipynb notebook to run")
    .option("-p, --param <name=value>", "a parameter; the value is JSON when it parses, ISO dates become Dates (repeatable)", collect)
    .option("-f, --params-file <path>", "parameters from a .json, .yaml or .yml file; -p overrides it (repeatable)", collect)
    .option("-o, --output <path>", "where to write the executed notebook (default: <name>.out.ipynb beside the input)")
    .option("--html <path>", "also render the executed notebook to HTML")
    .addOption(new Option("--code <mode>", "code cells in the HTML").choices(["show", "fold", "hide"]).default("show"))
    .option("--timeout <seconds>", "per-cell time limit; a cell over it is interrupted and the run stops", parseSeconds)
    .option("--allow-errors", "keep running after a cell fails (a timeout still stops the run)")
    .option("--cwd <dir>", "the kernel's working directory (default: the notebook's directory)")
    .addOption(new Option("--kernel-argv <json>", "the kernel command as a JSON array, {connection_file} substituted").hideHelp())
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 a cell failed or timed out, 2 bad usage or bad input.

Examples:
  omq run notebooks/momentum.ipynb -p tickers='["AAPL","MSFT"]' -p window=20 -p start=2020-01-31
  omq run report.ipynb -f params.yaml -o out/report.ipynb --html out/report.html --code fold --timeout 600`,
    )
    .action(async (notebook: string, o: RunOptions) => {
      ctx.exitCode = await runCommand(notebook, o, ctx);
    });
}

async function runCommand(notebook: string, o: RunOptions, ctx: CliContext): Promise<number> {
  // Everything the user gave is checked before a kernel starts: bad input exits 2.
  let prepared;
  try {
    const input = resolve(notebook);
    prepared = {
      input,
      notebook: readNotebook(input),
      parameters: resolveParameters({ files: o.paramsFile, pairs: o.param }),
      kernelArgv: o.kernelArgv ? parseKernelArgv(o.kernelArgv) : undefined,
      cwd: o.cwd ? existingDir(o.cwd, "--cwd") : undefined,
    };
  } catch (err) {
    printError(ctx, "run", err);
    return EXIT_USAGE;
  }

  // Ctrl-C: the first stops the run and still writes the partial notebook; a second one exits at once.
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      ctx.err(`\nomq run: ${sig} received, stopping the run and writing the partial notebook (again to quit at once)\n`);
      abort.abort();
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const { runNotebook } = await import("../runner/run-notebook.js");
    const res = await runNotebook({
      ...prepared,
      output: o.output,
      html: o.html,
      code: o.code,
      timeoutS: o.timeout,
      allowErrors: o.allowErrors,
      progress: terminalProgress(process.stderr),
      warn: (m) => ctx.err(`omq run: warning: ${m}\n`),
      signal: abort.signal,
    });
    ctx.out(`${res.outputPath}\n`);
    if (res.htmlPath) ctx.out(`${res.htmlPath}\n`);
    if (res.failed) {
      const f = res.failed;
      ctx.err(`omq run: cell ${f.index} (id ${f.id}) ${f.status === "timeout" ? "timed out" : "failed"}: ${f.ename}: ${f.evalue}\n`);
      ctx.err(`omq run: the partial notebook was written to ${res.outputPath}\n`);
      return abort.signal.aborted ? 130 : EXIT_FAILED;
    }
    return EXIT_OK;
  } catch (err) {
    printError(ctx, "run", err);
    return EXIT_FAILED;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
