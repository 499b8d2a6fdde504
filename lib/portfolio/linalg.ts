/** Small dense linear-algebra kernels on row-major Float64Arrays (n x n), used by the portfolio solvers. */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/**
 * In-place Cholesky (Cholesky-Banachiewicz, row-oriented so the inner loop is contiguous): on success the lower
 * triangle of `a` holds L with a = L L^T. Returns false if a pivot is not positive.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      if (j < i) a[ri + j] = s / a[rj + j]!;
      else {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      }
    }
  }
  return true;
}

/** Solves L L^T x = b in place (b becomes x), L from `choleskyInPlace`. */
export function choleskySolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[ri + k]! * b[k]!;
    b[i] = s / L[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
}

/** Solves A x = b for a general square A (partial-pivot LU); returns null when singular. */
export function luSolve(A: Float64Array, n: number, b: Float64Array): Float64Array | null {
  const a = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (a[p * n + c] === 0) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = a[c * n + k]!;
        a[c * n + k] = a[p * n + k]!;
        a[p * n + k] = t;
      }
      const t = x[c]!;
      x[c] = x[p]!;
      x[p] = t;
    }
    const d = a[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k]! -= f * a[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

/** y = A x for row-major n x n A. */
export function matVec(A: Float64Array, n: number, x: ArrayLike<number>, out = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = 0;
    for (let k = 0; k < n; k++) s += A[ri + k]! * x[k]!;
    out[i] = s;
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** x^T A x. */
export function quadForm(A: Float64Array, n: number, x: ArrayLike<number>): number {
  return dot(x, matVec(A, n, x));
}

/** Eigen-decomposition of a symmetric matrix: ascending eigenvalues and column eigenvectors (row-major n x n). */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, (A[i * n + j]! + A[j * n + i]!) / 2);
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const V = e.eigenvectorMatrix;
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach(([v, src], dst) => {
    values[dst] = v;
    for (let i = 0; i < n; i++) vectors[i * n + dst] = V.get(i, src);
  });
  return { values, vectors };
}

/** Inverse of a symmetric positive-definite matrix via Cholesky; null if not SPD. */
export function spdInverse(A: Float64Array, n: number): Float64Array | null {
  const L = Float64Array.from(A);
  if (!choleskyInPlace(L, n)) return null;
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    choleskySolve(L, n, e);
    for (let i = 0; i < n; i++) inv[i * n + j] = e[i]!;
  }
  return inv;
}
