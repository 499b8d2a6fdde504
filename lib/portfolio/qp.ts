/**
 * A dense convex quadratic-programming solver: Mehrotra predictor-corrector primal-dual interior-point method
 * (Mehrotra 1992; Nocedal & Wright, "Numerical Optimization", 2nd ed., section 16.6) for
 *
 *     minimise    1/2 x^T P x + q^T x
 *     subject to  A x = b,   G x <= h,   lower <= x <= upper
 *
 * with P symmetric positive semidefinite (dense n x n), A and G given as sparse rows, bounds possibly infinite.
 * Each iteration factors the reduced matrix K = P + G^T W G + W_bounds (dense Cholesky) and eliminates the
 * equalities by a Schur complement A K^-1 A^T, so the cost is O(n^3) per iteration for n variables plus
 * O(nnz^2) per inequality row. Meant for portfolio problems with 2..~1000 variables. The interior point is then
 * polished: its active set is solved exactly and refined until the KKT conditions hold to rounding.
 *
 * Two engines run the same algorithm step for step: the native C++ one (native/src/portfolio/qp.cpp, one N-API call
 * per problem, the default, about 7x faster on the dense Cholesky that dominates at 500 assets) and `solveQpJs` in
 * this file, kept as the reference the native engine is tested against (`{ engine: "js" }` selects it).
 *
 * Multiplier convention (what `QpSolution` returns), Lagrangian
 *     L = 1/2 x'Px + q'x + y'(Ax - b) + z'(Gx - h) + zUpper'(x - upper) + zLower'(lower - x)
 * so that at an optimum: Px + q + A'y + G'z + zUpper - zLower = 0, z, zUpper, zLower >= 0, and complementary
 * slackness z_j (h - Gx)_j = 0, zUpper_i (upper_i - x_i) = 0, zLower_i (x_i - lower_i) = 0.
 */
import { nativeAddon } from "../native/index.js";
import { contextError } from "../util/errors.js";
import { choleskySolve, luSolve } from "./linalg.js";

/** One sparse row: coefficient `value[k]` on variable `index[k]` (indices distinct). */
export interface SparseRow {
  index: ArrayLike<number>;
  value: ArrayLike<number>;
}

export interface QpProblem {
  /** Number of variables. */
  n: number;
  /** Dense row-major n x n PSD matrix (Float64Array of n*n or number[][]); omitted = 0 (an LP). */
  P?: Float64Array | ReadonlyArray<ReadonlyArray<number>>;
  q?: ArrayLike<number>;
  /** Equality rows A x = b. */
  A?: readonly SparseRow[];
  b?: ArrayLike<number>;
  /** Inequality rows G x <= h. */
  G?: readonly SparseRow[];
  h?: ArrayLike<number>;
  /** Per-variable bounds; -Infinity / Infinity (or omitted) for none. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

export interface QpOptions {
  /** Relative tolerance on primal and dual residuals and on the duality measure (default 1e-10). */
  tolerance?: number;
  /** Iteration limit (default 200). */
  maxIterations?: number;
  /** "native" (default: the C++ solver in the addon) or "js" (the TypeScript reference, same algorithm). */
  engine?: "native" | "js";
}

export interface QpSolution {
  x: Float64Array;
  /** Multipliers of A x = b. */
  y: Float64Array;
  /** Multipliers of G x <= h (>= 0). */
  z: Float64Array;
  /** Multipliers of x >= lower and x <= upper (>= 0; 0 where the bound is infinite). */
  zLower: Float64Array;
  zUpper: Float64Array;
  /** 1/2 x'Px + q'x. */
  objective: number;
  iterations: number;
  /** Infinity norms of the final residuals. */
  primalResidual: number;
  dualResidual: number;
  /** Average complementarity s'z / m. */
  gap: number;
}

interface Ineq {
  /** Per inequality: sparse coefficients. Bounds are stored as one-entry rows. */
  idx: Int32Array[];
  val: Float64Array[];
  h: Float64Array;
  /** -1 for general rows, else the variable index of a bound row. */
  boundOf: Int32Array;
  /** +1 upper bound, -1 lower bound, 0 general. */
  kind: Int8Array;
}

function denseP(P: QpProblem["P"], n: number): Float64Array | null {
  if (P === undefined) return null;
  if (P instanceof Float64Array) {
    if (P.length !== n * n) throw contextError({ where: "solveQp", what: "P has the wrong size", expected: `${n * n} entries`, found: String(P.length) });
    return P;
  }
  const out = new Float64Array(n * n);
  if (P.length !== n) throw contextError({ where: "solveQp", what: "P has the wrong number of rows", expected: String(n), found: String(P.length) });
  P.forEach((row, i) => {
    if (row.length !== n) throw contextError({ where: "solveQp", what: `P row ${i} has the wrong length`, expected: String(n), found: String(row.length) });
    for (let j = 0; j < n; j++) out[i * n + j] = row[j]!;
  });
  return out;
}

function toRow(r: SparseRow, n: number, what: string): { idx: Int32Array; val: Float64Array } {
  const idx = Int32Array.from(r.index);
  const val = Float64Array.from(r.value);
  if (idx.length !== val.length) throw contextError({ where: "solveQp", what: `${what} has ${idx.length} indices but ${val.length} values` });
  for (const i of idx) if (i < 0 || i >= n) throw contextError({ where: "solveQp", what: `${what} refers to variable ${i}`, expected: `0..${n - 1}` });
  return { idx, val };
}

interface NativeQpResult {
  status: number;
  message: string;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  zLower: Float64Array;
  zUpper: Float64Array;
  objective: number;
  iterations: number;
  primalResidual: number;
  dualResidual: number;
  gap: number;
  polished: boolean;
}

function toCsr(rows: readonly SparseRow[], n: number, what: string): { start: Int32Array; index: Int32Array; value: Float64Array } {
  let nnz = 0;
  for (const r of rows) nnz += r.index.length;
  const start = new Int32Array(rows.length + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let k = 0;
  rows.forEach((r, i) => {
    if (r.index.length !== r.value.length) throw contextError({ where: "solveQp", what: `${what} row ${i} has ${r.index.length} indices but ${r.value.length} values` });
    for (let t = 0; t < r.index.length; t++) {
      const j = r.index[t]!;
      if (!(Number.isInteger(j) && j >= 0 && j < n)) throw contextError({ where: "solveQp", what: `${what} row ${i} refers to variable ${j}`, expected: `0..${n - 1}` });
      index[k] = j;
      value[k++] = r.value[t]!;
    }
    start[i + 1] = k;
  });
  return { start, index, value };
}

/**
 * The native QP's dense Cholesky kernel: "avx2" (blocked, AVX2 + FMA; the default where the CPU has both) or
 * "scalar" (portable, row at a time). Pass one to switch, for tests and benchmarks; returns the one in use.
 */
export function qpKernel(kernel?: "avx2" | "scalar"): { kernel: "avx2" | "scalar"; avx2Supported: boolean } {
  const addon = nativeAddon() as unknown as { portfolioQpKernel: (k?: string) => { kernel: "avx2" | "scalar"; avx2Supported: boolean } };
  return addon.portfolioQpKernel(kernel);
}

/**
 * Solves a convex QP (see the file comment; native engine unless `opts.engine` is "js"). Throws an OmniQuantError
 * when the iteration limit is hit without convergence, which for a well-scaled problem means it is infeasible or
 * unbounded.
 */
export function solveQp(problem: QpProblem, opts: QpOptions = {}): QpSolution {
  return withFixedAsEqualities(problem, (p) => (opts.engine === "js" ? solveQpEngineJs(p, opts) : solveQpNative(p, opts)));
}

/**
 * A variable with lower == upper leaves an interior-point method no interior (its two bound slacks must both
 * vanish and their multipliers grow without bound), so it is solved as an equality row x_k = l_k instead and the
 * row's multiplier y is reported back as the bound multipliers zUpper = max(y, 0), zLower = max(-y, 0).
 */
function withFixedAsEqualities(problem: QpProblem, solve: (p: QpProblem) => QpSolution): QpSolution {
  const { lower, upper, n } = problem;
  const fixed: number[] = [];
  if (lower && upper) for (let i = 0; i < n; i++) if (lower[i] === upper[i] && Number.isFinite(lower[i]!)) fixed.push(i);
  if (fixed.length === 0) return solve(problem);
  const lo = Float64Array.from(lower!);
  const up = Float64Array.from(upper!);
  const A = [...(problem.A ?? [])];
  const b = Array.from(problem.b ?? []);
  const meq = A.length;
  for (const i of fixed) {
    A.push({ index: [i], value: [1] });
    b.push(lo[i]!);
    lo[i] = -Infinity;
    up[i] = Infinity;
  }
  const sol = solve({ ...problem, A, b, lower: lo, upper: up });
  const zLower = Float64Array.from(sol.zLower);
  const zUpper = Float64Array.from(sol.zUpper);
  fixed.forEach((i, k) => {
    const y = sol.y[meq + k]!;
    zUpper[i] = Math.max(y, 0);
    zLower[i] = Math.max(-y, 0);
  });
  return { ...sol, y: sol.y.slice(0, meq), zLower, zUpper };
}

function solveQpNative(problem: QpProblem, opts: QpOptions): QpSolution {
  if (opts.engine !== undefined && opts.engine !== "native" && opts.engine !== "js") throw contextError({ where: "solveQp", what: "unknown engine", expected: "'native' or 'js'", found: JSON.stringify(opts.engine) });
  const n = problem.n;
  if (!(Number.isInteger(n) && n > 0)) throw contextError({ where: "solveQp", what: "n must be a positive integer", found: String(n) });
  const A = toCsr(problem.A ?? [], n, "equality");
  const G = toCsr(problem.G ?? [], n, "inequality");
  const b = Float64Array.from(problem.b ?? []);
  const h = Float64Array.from(problem.h ?? []);
  if (b.length !== A.start.length - 1) throw contextError({ where: "solveQp", what: "b does not match the equality rows", expected: String(A.start.length - 1), found: String(b.length) });
  if (h.length !== G.start.length - 1) throw contextError({ where: "solveQp", what: "h does not match the inequality rows", expected: String(G.start.length - 1), found: String(h.length) });
  const vec = (v: ArrayLike<number> | undefined, name: string) => {
    if (v === undefined) return undefined;
    if (v.length !== n) throw contextError({ where: "solveQp", what: `${name} has the wrong length`, expected: String(n), found: String(v.length) });
    return v instanceof Float64Array ? v : Float64Array.from(v);
  };
  const lower = vec(problem.lower, "lower");
  const upper = vec(problem.upper, "upper");
  if (lower && upper) for (let i = 0; i < n; i++) if (lower[i]! > upper[i]!) throw contextError({ where: "solveQp", what: `variable ${i} has lower bound ${lower[i]} above upper bound ${upper[i]}` });
  const solve = (nativeAddon() as unknown as { portfolioQpSolveSync: (spec: object) => NativeQpResult }).portfolioQpSolveSync;
  const r = solve({
    n,
    P: problem.P === undefined ? undefined : denseP(problem.P, n),
    q: vec(problem.q, "q"),
    aStart: A.start,
    aIndex: A.index,
    aValue: A.value,
    b,
    gStart: G.start,
    gIndex: G.index,
    gValue: G.value,
    h,
    lower,
    upper,
    tolerance: opts.tolerance ?? 1e-10,
    maxIterations: opts.maxIterations ?? 200,
  });
  if (r.status === 2) throw contextError({ where: "solveQp", what: r.message });
  if (r.status !== 0) {
    if (r.message.includes("inconsistent or degenerate")) throw contextError({ where: "solveQp", what: r.message });
    throw contextError({
      where: "solveQp",
      what: `${r.message} (primal residual ${r.primalResidual.toExponential(2)}, dual residual ${r.dualResidual.toExponential(2)}, gap ${r.gap.toExponential(2)})`,
      hint: "The problem is probably infeasible (constraints that cannot all hold) or unbounded",
    });
  }
  return { x: r.x, y: r.y, z: r.z, zLower: r.zLower, zUpper: r.zUpper, objective: r.objective, iterations: r.iterations, primalResidual: r.primalResidual, dualResidual: r.dualResidual, gap: r.gap };
}

/**
 * The TypeScript engine: the same algorithm as the native one, kept as the reference it is tested against.
 * Throws like `solveQp`.
 */
export function solveQpJs(problem: QpProblem, opts: QpOptions = {}): QpSolution {
  return withFixedAsEqualities(problem, (p) => solveQpEngineJs(p, opts));
}

function solveQpEngineJs(problem: QpProblem, opts: QpOptions): QpSolution {
  const n = problem.n;
  if (!(Number.isInteger(n) && n > 0)) throw contextError({ where: "solveQp", what: "n must be a positive integer", found: String(n) });
  const tol = opts.tolerance ?? 1e-10;
  const maxIter = opts.maxIterations ?? 200;
  const P = denseP(problem.P, n);
  const q = problem.q ? Float64Array.from(problem.q) : new Float64Array(n);
  const Arows = (problem.A ?? []).map((r, i) => toRow(r, n, `equality row ${i}`));
  const meq = Arows.length;
  const b = Float64Array.from(problem.b ?? []);
  if (b.length !== meq) throw contextError({ where: "solveQp", what: "b does not match the equality rows", expected: String(meq), found: String(b.length) });

  // Inequalities: general rows then bound rows.
  const G = problem.G ?? [];
  const hIn = problem.h ?? [];
  if (hIn.length !== G.length) throw contextError({ where: "solveQp", what: "h does not match the inequality rows", expected: String(G.length), found: String(hIn.length) });
  const ineq: Ineq = { idx: [], val: [], h: new Float64Array(0), boundOf: new Int32Array(0), kind: new Int8Array(0) };
  const hList: number[] = [];
  const boundOf: number[] = [];
  const kind: number[] = [];
  G.forEach((r, i) => {
    const row = toRow(r, n, `inequality row ${i}`);
    ineq.idx.push(row.idx);
    ineq.val.push(row.val);
    hList.push(hIn[i]!);
    boundOf.push(-1);
    kind.push(0);
  });
  const lower = problem.lower;
  const upper = problem.upper;
  for (let i = 0; i < n; i++) {
    const l = lower ? lower[i]! : -Infinity;
    const u = upper ? upper[i]! : Infinity;
    if (l > u) throw contextError({ where: "solveQp", what: `variable ${i} has lower bound ${l} above upper bound ${u}` });
    if (Number.isFinite(l)) {
      ineq.idx.push(Int32Array.of(i));
      ineq.val.push(Float64Array.of(-1));
      hList.push(-l);
      boundOf.push(i);
      kind.push(-1);
    }
    if (Number.isFinite(u)) {
      ineq.idx.push(Int32Array.of(i));
      ineq.val.push(Float64Array.of(1));
      hList.push(u);
      boundOf.push(i);
      kind.push(1);
    }
  }
  ineq.h = Float64Array.from(hList);
  ineq.boundOf = Int32Array.from(boundOf);
  ineq.kind = Int8Array.from(kind);
  const m = ineq.h.length;

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = lower ? lower[i]! : -Infinity;
    const u = upper ? upper[i]! : Infinity;
    x[i] = Number.isFinite(l) && Number.isFinite(u) ? (l + u) / 2 : Number.isFinite(l) ? l + 1 : Number.isFinite(u) ? u - 1 : 0;
  }
  const y = new Float64Array(meq);
  const s = new Float64Array(m);
  const z = new Float64Array(m);
  const Gx = new Float64Array(m);
  const rowDot = (j: number, v: ArrayLike<number>) => {
    const id = ineq.idx[j]!;
    const vl = ineq.val[j]!;
    let acc = 0;
    for (let k = 0; k < id.length; k++) acc += vl[k]! * v[id[k]!]!;
    return acc;
  };
  for (let j = 0; j < m; j++) {
    const slack = ineq.h[j]! - rowDot(j, x);
    s[j] = Math.max(slack, 1);
    z[j] = 1;
  }

  const scaleQ = 1 + maxAbs(q) + (P ? maxAbs(P) : 0);
  const scaleB = 1 + Math.max(maxAbs(b), maxAbs(ineq.h.map((v) => (Number.isFinite(v) ? v : 0))));

  const K = new Float64Array(n * n);
  const rd = new Float64Array(n);
  const rp = new Float64Array(meq);
  const ri = new Float64Array(m);
  const w = new Float64Array(m);
  const dx = new Float64Array(n);
  const dy = new Float64Array(meq);
  const ds = new Float64Array(m);
  const dz = new Float64Array(m);
  const dsAff = new Float64Array(m);
  const dzAff = new Float64Array(m);
  const tmp = new Float64Array(m);
  const Px = new Float64Array(n);
  // K^-1 A^T columns and the Schur complement, recomputed each iteration.
  const KiAt: Float64Array[] = Arows.map(() => new Float64Array(n));
  const Schur = new Float64Array(meq * meq);

  let iter = 0;
  let pres = Infinity;
  let dres = Infinity;
  let mu = Infinity;
  let prevMu = Infinity;
  let stalled = 0;
  let early: ReturnType<typeof polish> = null;
  const guess = new Uint8Array(m).fill(2); // the previous iteration's active-set guess (2: none yet)
  let factorCost = n * n * n; // updated from K's envelope (first nonzero per row) once it is known
  const polishInput = { n, P, q, Arows, b, G: G.map((_r, j) => ({ idx: ineq.idx[j]!, val: ineq.val[j]! })), h: ineq.h.subarray(0, G.length), lower, upper };
  const loose = () => pres <= tol * scaleB * 100 && dres <= tol * scaleQ * 100 && mu <= 1e-8;
  for (; iter < maxIter; iter++) {
    // Residuals.
    if (P) {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        const r = i * n;
        for (let k = 0; k < n; k++) acc += P[r + k]! * x[k]!;
        Px[i] = acc;
      }
    }
    for (let i = 0; i < n; i++) rd[i] = (P ? Px[i]! : 0) + q[i]!;
    for (let e = 0; e < meq; e++) {
      const { idx, val } = Arows[e]!;
      let acc = 0;
      for (let k = 0; k < idx.length; k++) {
        acc += val[k]! * x[idx[k]!]!;
        rd[idx[k]!]! += val[k]! * y[e]!;
      }
      rp[e] = acc - b[e]!;
    }
    let sz = 0;
    for (let j = 0; j < m; j++) {
      const id = ineq.idx[j]!;
      const vl = ineq.val[j]!;
      let acc = 0;
      for (let k = 0; k < id.length; k++) {
        acc += vl[k]! * x[id[k]!]!;
        rd[id[k]!]! += vl[k]! * z[j]!;
      }
      Gx[j] = acc;
      ri[j] = acc + s[j]! - ineq.h[j]!;
      sz += s[j]! * z[j]!;
    }
    mu = m > 0 ? sz / m : 0;
    pres = Math.max(maxAbs(rp), maxAbs(ri));
    dres = maxAbs(rd);
    if (pres <= tol * scaleB && dres <= tol * scaleQ && mu <= 1e-13) break;
    // Residuals at the accuracy of the linear solves and complementarity negligible: done.
    if (mu <= 1e-14 && loose()) break;
    if (!Number.isFinite(pres) || !Number.isFinite(dres)) break;
    // Stalled at the limit of double precision: accept when the loose criteria hold.
    stalled = mu > 0.5 * prevMu ? stalled + 1 : 0;
    prevMu = mu;
    if (stalled >= 4 && loose()) break;
    // Early finish: once the duality measure is small and the active set the interior point suggests (z > s) is the
    // same as at the previous iteration, solve that set exactly (at most 3 refinement rounds); success gives a point
    // meeting the KKT conditions to rounding, i.e. the optimum.
    // Also try when that exact solve is cheap next to one factorisation of K (its size cubed against K's envelope).
    let sameGuess = true;
    let activeGeneral = 0;
    const varFixed = new Uint8Array(n);
    let fixedVars = 0;
    for (let j = 0; j < m; j++) {
      const g = z[j]! > s[j]! ? 1 : 0;
      if (g !== guess[j]) sameGuess = false;
      guess[j] = g;
      if (!g) continue;
      if (ineq.kind[j] === 0) activeGeneral++;
      else if (!varFixed[ineq.boundOf[j]!]) (varFixed[ineq.boundOf[j]!] = 1), fixedVars++;
    }
    const polishSize = n - fixedVars + meq + activeGeneral;
    const cheap = polishSize ** 3 <= 0.5 * factorCost;
    if (mu <= 1e-6 * scaleQ && iter >= 1 && (sameGuess || cheap)) {
      early = polish(polishInput, x, y, s, z, ineq, "multiplier", 3);
      if (early) break;
    }

    // K = P + G^T W G (+ tiny regularisation).
    if (P) K.set(P);
    else K.fill(0);
    for (let j = 0; j < m; j++) {
      w[j] = z[j]! / s[j]!;
      const id = ineq.idx[j]!;
      const vl = ineq.val[j]!;
      const wj = w[j]!;
      for (let a = 0; a < id.length; a++) {
        const ra = id[a]! * n;
        const va = vl[a]! * wj;
        for (let c = 0; c < id.length; c++) K[ra + id[c]!]! += va * vl[c]!;
      }
    }
    let maxDiag = 0;
    for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(K[i * n + i]!));
    factorCost = 0;
    for (let i = 0; i < n; i++) {
      let f = 0;
      while (f < i && K[i * n + f] === 0) f++;
      factorCost += 0.5 * (i - f) * (i - f);
    }
    const reg = 1e-13 * Math.max(1, maxDiag);
    for (let i = 0; i < n; i++) K[i * n + i]! += reg;
    // Late iterations make K very ill-conditioned (W spans many orders of magnitude): a pivot that cancels to
    // nothing is replaced by a huge value, which freezes that direction instead of failing (a standard IPM trick).
    choleskyRobust(K, n, 1e-15 * Math.max(1, maxDiag));
    if (meq > 0) {
      for (let e = 0; e < meq; e++) {
        const col = KiAt[e]!;
        col.fill(0);
        const { idx, val } = Arows[e]!;
        for (let k = 0; k < idx.length; k++) col[idx[k]!] = val[k]!;
        choleskySolve(K, n, col);
      }
      for (let e = 0; e < meq; e++) {
        for (let f = 0; f < meq; f++) {
          const { idx, val } = Arows[f]!;
          let acc = 0;
          for (let k = 0; k < idx.length; k++) acc += val[k]! * KiAt[e]![idx[k]!]!;
          Schur[e * meq + f] = acc;
        }
      }
    }

    const solveNewton = (rc: Float64Array, outDx: Float64Array, outDy: Float64Array, outDs: Float64Array, outDz: Float64Array) => {
      // rhs1 = -rd - G^T ((z ri - rc) / s)
      const rhs = new Float64Array(n);
      for (let i = 0; i < n; i++) rhs[i] = -rd[i]!;
      for (let j = 0; j < m; j++) {
        tmp[j] = (z[j]! * ri[j]! - rc[j]!) / s[j]!;
        const id = ineq.idx[j]!;
        const vl = ineq.val[j]!;
        for (let k = 0; k < id.length; k++) rhs[id[k]!]! -= vl[k]! * tmp[j]!;
      }
      choleskySolve(K, n, rhs); // rhs = K^-1 rhs1
      if (meq > 0) {
        const sr = new Float64Array(meq);
        for (let e = 0; e < meq; e++) {
          const { idx, val } = Arows[e]!;
          let acc = 0;
          for (let k = 0; k < idx.length; k++) acc += val[k]! * rhs[idx[k]!]!;
          sr[e] = acc + rp[e]!;
        }
        const sol = luSolve(Schur, meq, sr) ?? lstsqSmall(Schur, meq, sr);
        outDy.set(sol);
        for (let i = 0; i < n; i++) {
          let acc = rhs[i]!;
          for (let e = 0; e < meq; e++) acc -= KiAt[e]![i]! * sol[e]!;
          outDx[i] = acc;
        }
      } else outDx.set(rhs);
      for (let j = 0; j < m; j++) {
        const gdx = rowDot(j, outDx);
        outDs[j] = -ri[j]! - gdx;
        outDz[j] = w[j]! * gdx + tmp[j]!;
      }
    };

    // Predictor (affine scaling).
    const rc = new Float64Array(m);
    for (let j = 0; j < m; j++) rc[j] = s[j]! * z[j]!;
    solveNewton(rc, dx, dy, dsAff, dzAff);
    const aAff = Math.min(maxStep(s, dsAff), maxStep(z, dzAff));
    let muAff = 0;
    for (let j = 0; j < m; j++) muAff += (s[j]! + aAff * dsAff[j]!) * (z[j]! + aAff * dzAff[j]!);
    muAff = m > 0 ? muAff / m : 0;
    const sigma = mu > 0 ? Math.pow(muAff / mu, 3) : 0;
    // Corrector.
    for (let j = 0; j < m; j++) rc[j] = s[j]! * z[j]! + dsAff[j]! * dzAff[j]! - sigma * mu;
    solveNewton(rc, dx, dy, ds, dz);
    const alpha = Math.min(1, 0.99 * Math.min(maxStep(s, ds), maxStep(z, dz)));
    // A direction with non-finite entries (complementarity underflow at the end): keep the current point.
    if (!Number.isFinite(alpha) || !dx.every(Number.isFinite) || !ds.every(Number.isFinite) || !dz.every(Number.isFinite) || !dy.every(Number.isFinite)) break;
    for (let i = 0; i < n; i++) x[i]! += alpha * dx[i]!;
    for (let e = 0; e < meq; e++) y[e]! += alpha * dy[e]!;
    for (let j = 0; j < m; j++) {
      s[j]! += alpha * ds[j]!;
      z[j]! += alpha * dz[j]!;
    }
  }
  let zG: Float64Array = new Float64Array(G.length);
  let zLower: Float64Array = new Float64Array(n);
  let zUpper: Float64Array = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    if (ineq.kind[j] === 0) zG[j] = z[j]!;
    else if (ineq.kind[j] === -1) zLower[ineq.boundOf[j]!] = z[j]!;
    else zUpper[ineq.boundOf[j]!] = z[j]!;
  }
  // First guess: constraints whose multiplier exceeds their slack. A weakly active constraint (slack and multiplier
  // both ~0, where the method can stall) is missed by that rule; the second guess also takes every tiny slack.
  const polished = early ?? polish(polishInput, x, y, s, z, ineq, "multiplier", 25) ?? polish(polishInput, x, y, s, z, ineq, "slack", 25);
  if (polished) {
    x.set(polished.x);
    y.set(polished.y);
    zG = polished.zG;
    zLower = polished.zLower;
    zUpper = polished.zUpper;
  }
  if (!polished && !loose()) {
    throw contextError({
      where: "solveQp",
      what: `the interior-point method did not converge in ${iter} iterations (primal residual ${pres.toExponential(2)}, dual residual ${dres.toExponential(2)}, gap ${mu.toExponential(2)})`,
      hint: "The problem is probably infeasible (constraints that cannot all hold) or unbounded",
    });
  }


  let objective = 0;
  for (let i = 0; i < n; i++) objective += q[i]! * x[i]!;
  if (P) {
    let quad = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += P[i * n + k]! * x[k]!;
      quad += acc * x[i]!;
    }
    objective += quad / 2;
  }
  return { x, y, z: zG, zLower, zUpper, objective, iterations: iter, primalResidual: pres, dualResidual: dres, gap: mu };
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > m) m = a;
  }
  return m;
}

/** Largest a in (0, 1/0.99] keeping v + a dv >= 0 (returns a large number if dv >= 0). */
function maxStep(v: Float64Array, dv: Float64Array): number {
  let a = 1 / 0.99;
  for (let j = 0; j < v.length; j++) if (dv[j]! < 0) a = Math.min(a, -v[j]! / dv[j]!);
  return a;
}

/** Least-squares fallback for a singular Schur complement (redundant equalities): solves (S + eps I) x = r. */
function lstsqSmall(S: Float64Array, m: number, r: Float64Array): Float64Array {
  const A = Float64Array.from(S);
  let d = 0;
  for (let i = 0; i < m; i++) d = Math.max(d, Math.abs(A[i * m + i]!));
  for (let i = 0; i < m; i++) A[i * m + i]! += 1e-12 * Math.max(1, d);
  const sol = luSolve(A, m, r);
  if (!sol) throw contextError({ where: "solveQp", what: "the equality constraints are inconsistent or degenerate" });
  return sol;
}

/**
 * KKT residuals of a candidate solution, for tests and diagnostics: stationarity (infinity norm of
 * Px + q + A'y + G'z + zUpper - zLower), primal infeasibility, most negative multiplier, and the largest
 * complementarity product |multiplier * slack|.
 */
export function kktResiduals(problem: QpProblem, sol: Pick<QpSolution, "x" | "y" | "z" | "zLower" | "zUpper">): {
  stationarity: number;
  primal: number;
  dualFeasibility: number;
  complementarity: number;
} {
  const n = problem.n;
  const P = denseP(problem.P, n);
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = problem.q ? problem.q[i]! : 0;
    if (P) for (let k = 0; k < n; k++) acc += P[i * n + k]! * sol.x[k]!;
    g[i] = acc + sol.zUpper[i]! - sol.zLower[i]!;
  }
  let primal = 0;
  (problem.A ?? []).forEach((r, e) => {
    let acc = 0;
    for (let k = 0; k < r.index.length; k++) {
      acc += r.value[k]! * sol.x[r.index[k]!]!;
      g[r.index[k]!]! += r.value[k]! * sol.y[e]!;
    }
    primal = Math.max(primal, Math.abs(acc - problem.b![e]!));
  });
  let complementarity = 0;
  let dualFeasibility = 0;
  (problem.G ?? []).forEach((r, j) => {
    let acc = 0;
    for (let k = 0; k < r.index.length; k++) {
      acc += r.value[k]! * sol.x[r.index[k]!]!;
      g[r.index[k]!]! += r.value[k]! * sol.z[j]!;
    }
    const slack = problem.h![j]! - acc;
    primal = Math.max(primal, -slack);
    complementarity = Math.max(complementarity, Math.abs(sol.z[j]! * slack));
    dualFeasibility = Math.max(dualFeasibility, -sol.z[j]!);
  });
  for (let i = 0; i < n; i++) {
    const l = problem.lower ? problem.lower[i]! : -Infinity;
    const u = problem.upper ? problem.upper[i]! : Infinity;
    if (Number.isFinite(l)) {
      primal = Math.max(primal, l - sol.x[i]!);
      complementarity = Math.max(complementarity, Math.abs(sol.zLower[i]! * (sol.x[i]! - l)));
    }
    if (Number.isFinite(u)) {
      primal = Math.max(primal, sol.x[i]! - u);
      complementarity = Math.max(complementarity, Math.abs(sol.zUpper[i]! * (u - sol.x[i]!)));
    }
    dualFeasibility = Math.max(dualFeasibility, -sol.zLower[i]!, -sol.zUpper[i]!);
  }
  return { stationarity: maxAbs(g), primal, dualFeasibility, complementarity };
}

/** Cholesky (row-oriented, in place) that replaces a pivot below `tiny` by 1e64 instead of failing. */
function choleskyRobust(a: Float64Array, n: number, tiny: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      if (j < i) a[ri + j] = s / a[rj + j]!;
      else a[ri + i] = s > tiny ? Math.sqrt(s) : 1e64;
    }
  }
}

/**
 * Solution polishing (as in OSQP): guess the active set from the interior point (multiplier larger than slack),
 * solve the equality-constrained KKT system on it exactly, and refine the set until the point is primal and dual
 * feasible. Removes the interior-point method's last digits of error; returns null to keep the IPM point.
 */
function polish(
  pr: { n: number; P: Float64Array | null; q: Float64Array; Arows: { idx: Int32Array; val: Float64Array }[]; b: Float64Array; G: { idx: Int32Array; val: Float64Array }[]; h: ArrayLike<number>; lower?: ArrayLike<number>; upper?: ArrayLike<number> },
  x0: Float64Array,
  y0: Float64Array,
  s: Float64Array,
  z: Float64Array,
  ineq: Ineq,
  rule: "multiplier" | "slack",
  maxRounds: number,
): { x: Float64Array; y: Float64Array; zG: Float64Array; zLower: Float64Array; zUpper: Float64Array } | null {
  const { n, P, q, Arows, b, G, h } = pr;
  const fixedAt = new Float64Array(n).fill(NaN);
  const activeG: number[] = [];
  for (let j = 0; j < ineq.h.length; j++) {
    const active = z[j]! > s[j]! || (rule === "slack" && s[j]! <= 1e-9 * (1 + Math.abs(ineq.h[j]!)));
    if (!active) continue;
    if (ineq.kind[j] === 0) activeG.push(j);
    else fixedAt[ineq.boundOf[j]!] = ineq.kind[j] === -1 ? pr.lower![ineq.boundOf[j]!]! : pr.upper![ineq.boundOf[j]!]!;
  }
  // A primal-dual active-set refinement: solve the equality-constrained KKT system on the guessed active set; a
  // violated bound or constraint joins the set, a negative multiplier leaves it; at most maxRounds rounds.
  const isLowerFixed = (i: number) => pr.lower !== undefined && fixedAt[i] === pr.lower[i];
  for (let round = 0; round < maxRounds; round++) {
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (Number.isNaN(fixedAt[i]!)) free.push(i);
    const pos = new Int32Array(n).fill(-1);
    free.forEach((i, k) => (pos[i] = k));
    const nf = free.length;
    const meq = Arows.length;
    const size = nf + meq + activeG.length;
    if (size === 0 || size > 1500) return null;
    const K = new Float64Array(size * size);
    const rhs = new Float64Array(size);
    const xB = Float64Array.from(fixedAt, (v) => (Number.isNaN(v) ? 0 : v));
    for (let a = 0; a < nf; a++) {
      const i = free[a]!;
      let r = -q[i]!;
      if (P) {
        for (let c = 0; c < nf; c++) K[a * size + c] = P[i * n + free[c]!]!;
        for (let k = 0; k < n; k++) if (pos[k]! < 0) r -= P[i * n + k]! * xB[k]!;
      }
      rhs[a] = r;
    }
    const addRow = (row: number, idx: Int32Array, val: Float64Array, target: number) => {
      let r = target;
      for (let k = 0; k < idx.length; k++) {
        const c = pos[idx[k]!]!;
        if (c >= 0) {
          K[row * size + c] = val[k]!;
          K[c * size + row] = val[k]!;
        } else r -= val[k]! * xB[idx[k]!]!;
      }
      rhs[row] = r;
    };
    Arows.forEach((r, e) => addRow(nf + e, r.idx, r.val, b[e]!));
    activeG.forEach((j, k) => addRow(nf + meq + k, G[j]!.idx, G[j]!.val, h[j]!));
    const sol = luSolve(K, size, rhs);
    if (!sol || !sol.every(Number.isFinite)) return null;
    const x = Float64Array.from(xB);
    free.forEach((i, a) => (x[i] = sol[a]!));
    const y = sol.slice(nf, nf + meq);
    const zG = new Float64Array(G.length);
    activeG.forEach((j, k) => (zG[j] = sol[nf + meq + k]!));
    // Primal feasibility: the most violated bound or constraint joins the active set.
    const eps = 1e-12;
    let worst = eps;
    let fix: (() => void) | null = null;
    for (let i = 0; i < n; i++) {
      if (pr.lower && pr.lower[i]! - x[i]! > worst) {
        worst = pr.lower[i]! - x[i]!;
        fix = () => (fixedAt[i] = pr.lower![i]!);
      }
      if (pr.upper && x[i]! - pr.upper[i]! > worst) {
        worst = x[i]! - pr.upper[i]!;
        fix = () => (fixedAt[i] = pr.upper![i]!);
      }
    }
    for (let j = 0; j < G.length; j++) {
      let v = 0;
      for (let k = 0; k < G[j]!.idx.length; k++) v += G[j]!.val[k]! * x[G[j]!.idx[k]!]!;
      const viol = (v - h[j]!) / (1 + Math.abs(h[j]!));
      if (viol > worst && !activeG.includes(j)) {
        worst = viol;
        fix = () => activeG.push(j);
      }
    }
    if (fix) {
      fix();
      continue;
    }
    // Dual feasibility: bound multipliers from stationarity, g = Px + q + A'y + G'z; zLower = g, zUpper = -g.
    const g = Float64Array.from(q);
    if (P) for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) g[i]! += P[i * n + k]! * x[k]!;
    Arows.forEach((r, e) => r.idx.forEach((i, k) => (g[i]! += r.val[k]! * y[e]!)));
    G.forEach((r, j) => r.idx.forEach((i, k) => (g[i]! += r.val[k]! * zG[j]!)));
    const zLower = new Float64Array(n);
    const zUpper = new Float64Array(n);
    const scale = 1 + Math.max(...Array.from(q, Math.abs));
    let most = -1e-10 * scale;
    let release: (() => void) | null = null;
    for (let i = 0; i < n; i++) {
      if (pos[i]! >= 0) continue;
      if (isLowerFixed(i)) zLower[i] = g[i]!;
      else zUpper[i] = -g[i]!;
      const m = Math.min(zLower[i]!, zUpper[i]!);
      if (m < most) {
        most = m;
        release = () => (fixedAt[i] = NaN);
      }
    }
    for (let k = 0; k < activeG.length; k++) {
      const j = activeG[k]!;
      if (zG[j]! < Math.min(most, -eps)) {
        most = zG[j]!;
        release = () => activeG.splice(activeG.indexOf(j), 1);
      }
    }
    if (release) {
      release();
      continue;
    }
    void y0;
    void x0;
    return { x, y, zG, zLower: zLower.map((v) => Math.max(v, 0)), zUpper: zUpper.map((v) => Math.max(v, 0)) };
  }
  return null;
}
