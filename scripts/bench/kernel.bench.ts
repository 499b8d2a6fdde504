// Kernel benchmarks, each against tslab's own kernel in the same run:
//  - cold start to first result: spawn the kernel process, wait for kernel_info, execute `1 + 1`, get the reply;
//  - per-cell overhead: round trip of a trivial cell on a warm kernel (execute_request to reply + idle).
// Ratio = tslab time / our time (above 1: we are faster). Medians over several runs.
import { join } from "node:path";
import { KernelClient } from "../../kernel/runner/client.js";
import { kernelArgv } from "../../kernel/kernelspec.js";
import { packageRoot } from "../../lib/util/package-root.js";
import { report } from "./lib.js";

const TSLAB_ARGV = [process.execPath, join(packageRoot(), "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"];
const COLD_RUNS = Number(process.env.OMQ_BENCH_COLD_RUNS ?? 5);
const CELL_RUNS = Number(process.env.OMQ_BENCH_CELL_RUNS ?? 60);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function coldStartMs(argv: string[]): Promise<number> {
  const t0 = performance.now();
  const k = await KernelClient.start({ argv, cwd: packageRoot() });
  try {
    const r = await k.execute("1 + 1");
    if (r.reply?.status !== "ok") throw new Error(`first cell failed: ${JSON.stringify(r.reply)}`);
    return performance.now() - t0;
  } finally {
    await k.shutdown();
  }
}

async function perCellMs(argv: string[]): Promise<number> {
  const k = await KernelClient.start({ argv, cwd: packageRoot() });
  try {
    for (let i = 0; i < 5; i++) await k.execute(`const warm${i} = ${i};`);
    const times: number[] = [];
    for (let i = 0; i < CELL_RUNS; i++) {
      const t0 = performance.now();
      const r = await k.execute(`${i} + 1`);
      times.push(performance.now() - t0);
      if (r.reply?.status !== "ok") throw new Error(`cell failed: ${JSON.stringify(r.reply)}`);
    }
    return median(times);
  } finally {
    await k.shutdown();
  }
}

const ours: number[] = [];
const peer: number[] = [];
for (let i = 0; i < COLD_RUNS; i++) {
  ours.push(await coldStartMs(kernelArgv()));
  peer.push(await coldStartMs(TSLAB_ARGV));
}
const coldOurs = median(ours);
const coldPeer = median(peer);
report({ bench: "kernel_cold_start_to_first_result", value: round(coldOurs), unit: "ms", peer: "tslab 1.0.22 kernel", peer_value: round(coldPeer), ratio: round(coldPeer / coldOurs, 3), runs: COLD_RUNS });

const cellOurs = await perCellMs(kernelArgv());
const cellPeer = await perCellMs(TSLAB_ARGV);
report({ bench: "kernel_trivial_cell_round_trip", value: round(cellOurs), unit: "ms", peer: "tslab 1.0.22 kernel", peer_value: round(cellPeer), ratio: round(cellPeer / cellOurs, 3), runs: CELL_RUNS });

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
