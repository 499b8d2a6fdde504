// `omq kernel install`: writes the `omniquant` kernelspec (kernel.json + logo) where Jupyter looks for kernels.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../lib/util/package-root.js";

export interface InstallOptions {
  /** Install into the user's Jupyter data dir (~/.local/share/jupyter/kernels). The default. */
  user?: boolean;
  /** Install into PREFIX/share/jupyter/kernels (e.g. a virtualenv or a test's temp dir). */
  prefix?: string;
  /** Kernel name (directory name); default "omniquant". */
  name?: string;
}

/** The argv that starts our kernel; Jupyter substitutes `{connection_file}`. Absolute paths: works from any cwd. */
export function kernelArgv(): string[] {
  return [process.execPath, join(packageRoot(), "kernel", "bin", "omq.js"), "kernel", "start", "-f", "{connection_file}"];
}

export function kernelSpec(): Record<string, unknown> {
  return {
    argv: kernelArgv(),
    display_name: "OmniQuant (TypeScript)",
    language: "typescript",
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
}

export function kernelsDir(opts: InstallOptions = {}): string {
  if (opts.prefix) return join(opts.prefix, "share", "jupyter", "kernels");
  const dataHome = process.env.JUPYTER_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
  return join(dataHome, "kernels");
}

/** Writes the kernelspec atomically and returns its directory. */
export async function installKernelSpec(opts: InstallOptions = {}): Promise<string> {
  const dir = join(kernelsDir(opts), opts.name ?? "omniquant");
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.kernel.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(kernelSpec(), null, 2) + "\n");
  renameSync(tmp, join(dir, "kernel.json"));
  return dir;
}
