// Headless run of notebooks/01-quickstart.ipynb end to end (kernel start, 8 cells on real data through DuckDB, the
// native addon and Plotly, nbformat + HTML report written), wall time. Peer, in the same run: Jupyter's own
// headless executor (Debian's jupyter-nbconvert --execute with nbclient) running the same notebook on the same
// kernel, writing only the .ipynb. Ratio = peer time / our time (above 1: we are faster). Medians of 3 runs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installKernelSpec } from "../../kernel/kernelspec.js";
import { packageRoot } from "../../lib/util/package-root.js";
import { report } from "./lib.js";

const root = packageRoot();
const nb = join(root, "notebooks", "01-quickstart.ipynb");
const RUNS = Number(process.env.OMQ_BENCH_RUNS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: join(root, "notebooks"), env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

const tmp = mkdtempSync(join(tmpdir(), "omq-bench-quickstart-"));
try {
  const ours: number[] = [];
  const peer: number[] = [];
  const nbconvert = "/usr/bin/jupyter-nbconvert";
  const hasPeer = existsSync(nbconvert);
  if (hasPeer) await installKernelSpec({ prefix: tmp });
  for (let i = 0; i < RUNS; i++) {
    ours.push(timeCommand(process.execPath, [join(root, "kernel", "bin", "omq.js"), "run", nb, "-o", join(tmp, "out.ipynb"), "--html", join(tmp, "out.html")]));
    if (hasPeer) {
      peer.push(
        timeCommand(nbconvert, ["--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=omniquant", "--output-dir", tmp, "--output", "peer", nb], {
          ...process.env,
          JUPYTER_PATH: join(tmp, "share", "jupyter"),
        }),
      );
    }
  }
  const o = median(ours);
  const p = hasPeer ? median(peer) : NaN;
  report({
    bench: "quickstart_notebook_headless_run",
    value: Math.round(o * 100) / 100,
    unit: "s",
    peer: hasPeer ? "jupyter nbconvert --execute (nbclient), same kernel" : "jupyter-nbconvert not installed",
    peer_value: hasPeer ? Math.round(p * 100) / 100 : null,
    ratio: hasPeer ? Math.round((p / o) * 1000) / 1000 : null,
    runs: RUNS,
    cells: 8,
  } as never);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
