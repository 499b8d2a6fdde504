export { grid, randomSearch, gridValues, type ParamDomain, type ParamSet, type ParamSpace, type ParamValue } from "./space.js";
export { resolveTarget, loadTarget, type Metrics, type SweepFunction, type SweepTarget } from "./target.js";
export { sweep, sweepHeatmap, type SweepOptions, type SweepResult, type SweepRow, type HeatmapFigure } from "./sweep.js";
export { runOnLocalPool } from "./local-pool.js";
export { runDistributed, startSweepWorker, redisConnection, DEFAULT_QUEUE, type WorkerHandle } from "./distributed.js";
export { readSweepConfig, type SweepConfig } from "./config.js";
export { evaluate as smaCrossover } from "./targets/sma-crossover.js";
