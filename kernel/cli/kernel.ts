// `omq kernel install` and `omq kernel start -f CONNECTION_FILE`.
import type { Command } from "commander";
import { installKernelSpec } from "../kernelspec.js";
import { EXIT_FAILED, printError, type CliContext } from "./common.js";

export function registerKernel(program: Command, ctx: CliContext): void {
  const kernel = program.command("kernel").description("install or start the OmniQuant Jupyter kernel");

  kernel
    .command("install")
    .description("write the `omniquant` kernelspec where Jupyter looks for kernels")
    .option("--user", "install into the user's Jupyter data directory (the default)")
    .option("--prefix <dir>", "install into DIR/share/jupyter/kernels instead (e.g. a virtualenv)")
    .option("--name <name>", "kernel name (directory name)", "omniquant")
    .action(async (o: { user?: boolean; prefix?: string; name: string }) => {
      try {
        const dir = await installKernelSpec({ user: o.user ?? !o.prefix, prefix: o.prefix, name: o.name });
        ctx.out(`Installed kernelspec ${o.name} in ${dir}\n`);
      } catch (err) {
        printError(ctx, "kernel install", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  kernel
    .command("start")
    .description("start the kernel on a Jupyter connection file (Jupyter runs this)")
    .requiredOption("-f, --connection-file <path>", "the connection file Jupyter wrote")
    .action(async (o: { connectionFile: string }) => {
      try {
        // Loaded on demand: the kernel pulls in the TypeScript compiler, which other commands do not need.
        const { startKernel } = await import("../server/start.js");
        await startKernel(o.connectionFile);
      } catch (err) {
        printError(ctx, "kernel start", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });
}
