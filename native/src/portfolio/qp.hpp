// A dense convex quadratic-programming solver for portfolio problems (knows nothing of N-API:
// src/napi/portfolio_binding.cpp adapts it to JavaScript; lib/portfolio/qp.ts is the typed facade and keeps a
// line-by-line TypeScript twin of this algorithm, `solveQpJs`, as the differential-test reference).
//
//     minimise    1/2 x'Px + q'x
//     subject to  A x = b,   G x <= h,   lower <= x <= upper
//
// P symmetric positive semidefinite (dense, row-major n x n), A and G sparse rows (CSR), bounds possibly infinite.
// Method: Mehrotra predictor-corrector primal-dual interior point (Nocedal & Wright, 2nd ed., section 16.6); each
// iteration factors K = P + G'WG (+ bound weights on the diagonal) by dense Cholesky and eliminates the equalities
// through the Schur complement A K^-1 A'. The interior point is then "polished" (as in OSQP): the active set
// it suggests is solved exactly as an equality-constrained KKT system and refined (violated constraints join,
// negative multipliers leave) until the point is primal and dual feasible, which removes the interior-point
// method's last digits of error.
//
// Multiplier convention, Lagrangian L = 1/2 x'Px + q'x + y'(Ax - b) + z'(Gx - h) + zu'(x - upper) + zl'(lower - x):
// at an optimum Px + q + A'y + G'z + zu - zl = 0, z, zu, zl >= 0, with complementary slackness.
//
// Never throws for numerical trouble and never aborts: problems are reported through QpResult::status.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace omniquant::portfolio {

struct QpProblem {
  int n = 0;
  const double* P = nullptr;  // n*n row-major, or nullptr for an LP
  const double* q = nullptr;  // n, or nullptr for 0
  // Equality rows in CSR form: row e has entries a_start[e] .. a_start[e+1]-1.
  int meq = 0;
  const int* a_start = nullptr;
  const int* a_index = nullptr;
  const double* a_value = nullptr;
  const double* b = nullptr;
  // Inequality rows G x <= h, CSR.
  int mg = 0;
  const int* g_start = nullptr;
  const int* g_index = nullptr;
  const double* g_value = nullptr;
  const double* h = nullptr;
  const double* lower = nullptr;  // n, -inf for none; nullptr for all -inf
  const double* upper = nullptr;  // n, +inf for none; nullptr for all +inf
};

struct QpOptions {
  double tolerance = 1e-10;  // relative tolerance on residuals
  int max_iterations = 200;
};

enum class QpStatus : int {
  kOptimal = 0,       // converged (polished, or interior point within the loose tolerances)
  kNotConverged = 1,  // iteration limit or breakdown without a polished solution: probably infeasible/unbounded
  kInvalid = 2,       // malformed input (message says what)
};

struct QpResult {
  QpStatus status = QpStatus::kInvalid;
  std::string message;
  std::vector<double> x, y, z, z_lower, z_upper;
  double objective = 0;
  int iterations = 0;
  double primal_residual = 0;
  double dual_residual = 0;
  double gap = 0;
  bool polished = false;
};

QpResult solve_qp(const QpProblem& problem, const QpOptions& options);

/// The dense Cholesky kernel in use: true = the AVX2 + FMA blocked one (the default where the CPU has both),
/// false = the portable row-at-a-time one. For tests and benchmarks.
bool qp_kernel_avx2();
bool qp_kernel_avx2_supported();
/// Chooses the kernel; returns false (and changes nothing) if AVX2 is asked for and not supported.
bool set_qp_kernel_avx2(bool avx2);

}  // namespace omniquant::portfolio
