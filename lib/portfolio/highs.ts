/** A thin wrapper over the HiGHS wasm solver (package `highs`) for the LP/MIP/QP models of omniquant/portfolio. */
import * as highsModule from "highs";
import { contextError } from "../util/errors.js";
import type { SparseRow } from "./qp.js";

type Loader = typeof highsModule.default.default;
type Highs = Awaited<ReturnType<Loader>>;
let loading: Promise<Highs> | null = null;

/** The HiGHS module, loaded once per process (the package's ESM build exports the loader as default). */
export function getHighs(): Promise<Highs> {
  if (!loading) {
    let f = (highsModule as unknown as { default: unknown }).default;
    if (typeof f !== "function") f = (f as { default: unknown }).default;
    loading = (f as Loader)();
  }
  return loading;
}

export interface HighsModel {
  numCols: number;
  colCost: ArrayLike<number>;
  colLower: ArrayLike<number>;
  colUpper: ArrayLike<number>;
  rows: readonly SparseRow[];
  rowLower: ArrayLike<number>;
  rowUpper: ArrayLike<number>;
  /** Mark columns integer. */
  integer?: readonly number[];
  /** Diagonal Hessian entries: objective + 1/2 sum_i d_i x_i^2. */
  hessianDiagonal?: ArrayLike<number>;
  /** Dense lower-triangular Hessian (row-major n x n symmetric), objective + 1/2 x'Qx. */
  hessianDense?: Float64Array;
}

/** Solves a model; throws unless HiGHS proves optimality. Infinite bounds may be given as +-Infinity. */
export async function solveHighs(m: HighsModel, where: string): Promise<{ x: Float64Array; rowDual: Float64Array; objective: number }> {
  const highs = await getHighs();
  const inf = highs.infinity;
  const clamp = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of m.rows) {
    for (let k = 0; k < r.index.length; k++) indices.push(r.index[k]!), values.push(r.value[k]!);
    starts.push(indices.length);
  }
  let hessian: { format: "triangular"; dimension: number; starts: number[]; indices: number[]; values: number[] } | undefined;
  if (m.hessianDiagonal || m.hessianDense) {
    const hs = [0];
    const hi: number[] = [];
    const hv: number[] = [];
    for (let j = 0; j < m.numCols; j++) {
      if (m.hessianDense) {
        for (let i = j; i < m.numCols; i++) {
          const v = m.hessianDense[i * m.numCols + j]!;
          if (v !== 0) hi.push(i), hv.push(v);
        }
      } else if (m.hessianDiagonal![j]! !== 0) hi.push(j), hv.push(m.hessianDiagonal![j]!);
      hs.push(hi.length);
    }
    hessian = { format: "triangular", dimension: m.numCols, starts: hs, indices: hi, values: hv };
  }
  const integrality = m.integer ? Int32Array.from({ length: m.numCols }, () => 0) : undefined;
  if (integrality) for (const j of m.integer!) integrality[j] = 1;
  const data = {
    numCols: m.numCols,
    numRows: m.rows.length,
    colCost: Float64Array.from(m.colCost),
    colLower: Float64Array.from(m.colLower, clamp),
    colUpper: Float64Array.from(m.colUpper, clamp),
    rowLower: Float64Array.from(m.rowLower, clamp),
    rowUpper: Float64Array.from(m.rowUpper, clamp),
    matrix: { format: "csr" as const, numRows: m.rows.length, numCols: m.numCols, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    ...(hessian ? { hessian } : {}),
    ...(integrality ? { integrality } : {}),
  };
  return highs.withModel(data as Parameters<Highs["createModel"]>[0] & object, (model: ReturnType<Highs["createModel"]>) => {
    // MIPs are solved to proven optimality (HiGHS stops at a 1e-4 relative gap by default, which can leave a
    // share off the optimum in a discrete allocation).
    model.options.set(integrality ? { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0 } : { output_flag: false });
    model.run();
    const status = model.getModelStatus();
    if (status !== highs.constants.modelStatus.optimal) {
      const name = Object.entries(highs.constants.modelStatus).find(([, v]) => v === status)?.[0] ?? String(status);
      throw contextError({ where, what: `HiGHS did not find an optimum (status '${name}')`, hint: name === "infeasible" ? "The constraints cannot all hold" : undefined });
    }
    const sol = model.getSolution();
    return { x: Float64Array.from(sol.colValue), rowDual: Float64Array.from(sol.rowDual), objective: model.getObjectiveValue() };
  });
}
