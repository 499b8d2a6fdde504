// The `omq` command line: one file per command under kernel/cli/, assembled here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { packageRoot } from "../../lib/util/package-root.js";
import { defaultContext, EXIT_USAGE, printError, type CliContext } from "./common.js";
import { registerKernel } from "./kernel.js";
import { registerRun } from "./run.js";
import { registerSchedule } from "./schedule.js";
import { registerServe } from "./serve.js";
import { registerItch } from "./itch.js";
import { registerData } from "./data.js";
import { registerSweep } from "./sweep.js";

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("omq")
    .description("OmniQuant: a TypeScript research workbench for quantitative trading")
    .version(version(), "-V, --version")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) });
  registerKernel(program, ctx);
  registerRun(program, ctx);
  registerSchedule(program, ctx);
  registerServe(program, ctx);
  registerItch(program, ctx);
  registerData(program, ctx);
  registerSweep(program, ctx);
  return program;
}

/** Runs `omq` on `argv` (node, script, args...) and returns the exit code. */
export async function main(argv: string[] = process.argv, ctx: CliContext = defaultContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    printError(ctx, "", err);
    return 1;
  }
  return ctx.exitCode;
}
