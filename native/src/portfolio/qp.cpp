// Interior-point QP with active-set polishing; see qp.hpp. The structure follows lib/portfolio/qp.ts
// (`solveQpJs`) step for step so that the two can be tested against each other.
#include "portfolio/qp.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace omniquant::portfolio {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Duality measure (relative to the objective's scale) below which each iteration first tries to polish.
constexpr double kEarlyPolishMu = 1e-6;

using Vec = std::vector<double>;

double max_abs(const double* v, std::size_t n) {
  double m = 0;
  for (std::size_t i = 0; i < n; i++) m = std::max(m, std::fabs(v[i]));
  return m;
}
double max_abs(const Vec& v) { return max_abs(v.data(), v.size()); }

// Dot product with four accumulators (lets the compiler vectorise without reassociating a single sum).
inline double dot(const double* a, const double* b, int len) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  for (; k < len; k++) s0 += a[k] * b[k];
  return (s0 + s1) + (s2 + s3);
}

// Row-oriented in-place "envelope" Cholesky (lower triangle holds L). first[i] is the first column of row i's
// nonzeros in the lower triangle; L has the same envelope (no fill before it), so dot products start there. For a
// dense matrix first[i] = 0 and this is the plain algorithm; for an arrowhead matrix (scenario variables first,
// the few dense weight variables last, as EfficientSemivariance orders them) it costs O(n_dense^2 * n).
// A pivot at or below `tiny` becomes 1e64 instead of failing: late interior-point iterations make K very
// ill-conditioned, and freezing that direction is the standard remedy. cholesky_robust picks this or, on CPUs
// with AVX2 and FMA, cholesky_blocked_avx2 (same results up to rounding).
//
// factor_row finishes row i: its entries from column `from` on (those left of `from` already done) and its pivot.
inline void factor_row(double* a, int n, const std::vector<int>& first, double tiny, int i, int from) {
  double* ri = a + static_cast<std::size_t>(i) * n;
  const int fi = first[i];
  for (int j = std::max(from, fi); j < i; j++) {
    const double* rj = a + static_cast<std::size_t>(j) * n;
    const int k0 = std::max(fi, first[j]);
    ri[j] = (ri[j] - dot(ri + k0, rj + k0, j - k0)) / rj[j];
  }
  const double s = ri[i] - dot(ri + fi, ri + fi, i - fi);
  ri[i] = s > tiny ? std::sqrt(s) : 1e64;
}

void cholesky_rows(double* a, int n, const std::vector<int>& first, double tiny) {
  for (int i = 0; i < n; i++) factor_row(a, n, first, tiny, i, 0);
}

#if defined(__GNUC__) && defined(__x86_64__)
#define OMQ_QP_AVX2 1
// The same factorization for CPUs with AVX2 and FMA (chosen at run time): rows go four at a time, their entries
// left of the block being dot products with earlier rows, and each earlier row is read once for the four (the
// matrix does not fit in L1: this cuts the memory traffic by four). Entries of a row before its own envelope are
// zero in the input and stay zero, so the block shares one start column. 2.3-2.5x the row-at-a-time version on
// a dense 500 x 500 matrix; without AVX2 the blocked loop is slower, hence the dispatch.
typedef double V4 __attribute__((vector_size(32)));
__attribute__((target("avx2,fma"), always_inline)) inline V4 load4(const double* p) {
  V4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

__attribute__((target("avx2,fma"))) void cholesky_blocked_avx2(double* a, int n, const std::vector<int>& first,
                                                                double tiny) {
  auto row = [&](int i) { return a + static_cast<std::size_t>(i) * n; };
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    double* r0 = row(i);
    double* r1 = row(i + 1);
    double* r2 = row(i + 2);
    double* r3 = row(i + 3);
    const int fb = std::min(std::min(first[i], first[i + 1]), std::min(first[i + 2], first[i + 3]));
    for (int j = fb; j < i; j++) {
      const double* rj = row(j);
      int k = std::max(fb, first[j]);
      V4 s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
      for (; k + 4 <= j; k += 4) {
        const V4 v = load4(rj + k);
        s0 += load4(r0 + k) * v;
        s1 += load4(r1 + k) * v;
        s2 += load4(r2 + k) * v;
        s3 += load4(r3 + k) * v;
      }
      double d0 = (s0[0] + s0[1]) + (s0[2] + s0[3]), d1 = (s1[0] + s1[1]) + (s1[2] + s1[3]);
      double d2 = (s2[0] + s2[1]) + (s2[2] + s2[3]), d3 = (s3[0] + s3[1]) + (s3[2] + s3[3]);
      for (; k < j; k++) {
        d0 += r0[k] * rj[k];
        d1 += r1[k] * rj[k];
        d2 += r2[k] * rj[k];
        d3 += r3[k] * rj[k];
      }
      const double pivot = rj[j];
      r0[j] = (r0[j] - d0) / pivot;
      r1[j] = (r1[j] - d1) / pivot;
      r2[j] = (r2[j] - d2) / pivot;
      r3[j] = (r3[j] - d3) / pivot;
    }
    // The 4 x 4 diagonal block, row by row.
    for (int b = i; b < i + 4; b++) factor_row(a, n, first, tiny, b, i);
  }
  // The last rows (n mod 4), one at a time.
  for (; i < n; i++) factor_row(a, n, first, tiny, i, 0);
}
#endif

bool avx2_supported() {
#ifdef OMQ_QP_AVX2
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported;
#else
  return false;
#endif
}

std::atomic<bool> use_avx2{avx2_supported()};

void cholesky_robust(double* a, int n, const std::vector<int>& first, double tiny) {
#ifdef OMQ_QP_AVX2
  if (use_avx2.load(std::memory_order_relaxed)) return cholesky_blocked_avx2(a, n, first, tiny);
#endif
  cholesky_rows(a, n, first, tiny);
}

// first[i]: the first nonzero column of row i of the lower triangle (i itself if none before the diagonal).
void envelope(const double* a, int n, std::vector<int>& first) {
  for (int i = 0; i < n; i++) {
    const double* ri = a + static_cast<std::size_t>(i) * n;
    int j = 0;
    while (j < i && ri[j] == 0) j++;
    first[i] = j;
  }
}

// Solves L L' x = b in place, L from cholesky_robust with the same envelope.
void cholesky_solve(const double* L, int n, const std::vector<int>& first, double* b) {
  for (int i = 0; i < n; i++) {
    const double* ri = L + static_cast<std::size_t>(i) * n;
    const int fi = first[i];
    b[i] = (b[i] - dot(ri + fi, b + fi, i - fi)) / ri[i];
  }
  for (int i = n - 1; i >= 0; i--) {
    const double* ri = L + static_cast<std::size_t>(i) * n;
    b[i] /= ri[i];
    const double bi = b[i];
    for (int k = first[i]; k < i; k++) b[k] -= ri[k] * bi;
  }
}

// Partial-pivot LU solve of a general square system; nullopt if a pivot is exactly zero.
std::optional<Vec> lu_solve(const Vec& A, int n, const Vec& rhs) {
  Vec a = A;
  Vec x = rhs;
  for (int c = 0; c < n; c++) {
    int p = c;
    for (int r = c + 1; r < n; r++) {
      if (std::fabs(a[static_cast<std::size_t>(r) * n + c]) > std::fabs(a[static_cast<std::size_t>(p) * n + c])) p = r;
    }
    if (a[static_cast<std::size_t>(p) * n + c] == 0) return std::nullopt;
    if (p != c) {
      std::swap_ranges(a.begin() + static_cast<std::ptrdiff_t>(c) * n, a.begin() + static_cast<std::ptrdiff_t>(c + 1) * n,
                       a.begin() + static_cast<std::ptrdiff_t>(p) * n);
      std::swap(x[c], x[p]);
    }
    const double* rc = a.data() + static_cast<std::size_t>(c) * n;
    const double d = rc[c];
    for (int r = c + 1; r < n; r++) {
      double* rr = a.data() + static_cast<std::size_t>(r) * n;
      const double f = rr[c] / d;
      if (f == 0) continue;
      for (int k = c; k < n; k++) rr[k] -= f * rc[k];
      x[r] -= f * x[c];
    }
  }
  for (int r = n - 1; r >= 0; r--) {
    const double* rr = a.data() + static_cast<std::size_t>(r) * n;
    double s = x[r];
    for (int k = r + 1; k < n; k++) s -= rr[k] * x[k];
    x[r] = s / rr[r];
  }
  return x;
}

// Largest a in (0, 1/0.99] keeping v + a dv >= 0.
double max_step(const Vec& v, const Vec& dv) {
  double a = 1 / 0.99;
  for (std::size_t j = 0; j < v.size(); j++) {
    if (dv[j] < 0) a = std::min(a, -v[j] / dv[j]);
  }
  return a;
}

bool all_finite(const Vec& v) {
  for (double d : v) {
    if (!std::isfinite(d)) return false;
  }
  return true;
}

// One sparse row.
struct Row {
  const int* idx;
  const double* val;
  int len;
  double dot_with(const double* v) const {
    double s = 0;
    for (int k = 0; k < len; k++) s += val[k] * v[idx[k]];
    return s;
  }
};

// All inequalities: the general rows G, then one-entry rows for finite bounds.
struct Ineq {
  std::vector<Row> rows;
  Vec h;
  std::vector<int> bound_of;        // -1 for a general row, else the variable
  std::vector<std::int8_t> kind;    // 0 general, -1 lower bound, +1 upper bound
};

struct Polished {
  Vec x, y, zg, z_lower, z_upper;
};

// Solution polishing: guess the active set from the interior point, solve the equality-constrained KKT system on it,
// and refine it (the most violated constraint joins, the most negative multiplier leaves), at most 25 rounds.
std::optional<Polished> polish(const QpProblem& pr, const std::vector<Row>& arows, const std::vector<Row>& grows,
                               const Vec& s, const Vec& z, const Ineq& ineq, bool slack_rule, int max_rounds) {
  const int n = pr.n;
  const int meq = pr.meq;
  const int mg = pr.mg;
  Vec fixed_at(n, kNaN);
  std::vector<int> active_g;
  for (std::size_t j = 0; j < ineq.h.size(); j++) {
    const bool active = z[j] > s[j] || (slack_rule && s[j] <= 1e-9 * (1 + std::fabs(ineq.h[j])));
    if (!active) continue;
    if (ineq.kind[j] == 0) {
      active_g.push_back(static_cast<int>(j));
    } else {
      const int i = ineq.bound_of[j];
      fixed_at[i] = ineq.kind[j] == -1 ? pr.lower[i] : pr.upper[i];
    }
  }
  auto is_lower_fixed = [&](int i) { return pr.lower != nullptr && fixed_at[i] == pr.lower[i]; };
  const double q_scale = 1 + (pr.q ? max_abs(pr.q, n) : 0);
  std::vector<int> free_vars;
  std::vector<int> pos(n);
  for (int round = 0; round < max_rounds; round++) {
    free_vars.clear();
    for (int i = 0; i < n; i++) {
      pos[i] = -1;
      if (std::isnan(fixed_at[i])) {
        pos[i] = static_cast<int>(free_vars.size());
        free_vars.push_back(i);
      }
    }
    const int nf = static_cast<int>(free_vars.size());
    const int size = nf + meq + static_cast<int>(active_g.size());
    if (size == 0 || size > 1500) return std::nullopt;
    Vec K(static_cast<std::size_t>(size) * size, 0.0);
    Vec rhs(size, 0.0);
    Vec xb(n);
    for (int i = 0; i < n; i++) xb[i] = std::isnan(fixed_at[i]) ? 0 : fixed_at[i];
    for (int a = 0; a < nf; a++) {
      const int i = free_vars[a];
      double r = pr.q ? -pr.q[i] : 0;
      if (pr.P) {
        const double* Pi = pr.P + static_cast<std::size_t>(i) * n;
        double* Ka = K.data() + static_cast<std::size_t>(a) * size;
        for (int c = 0; c < nf; c++) Ka[c] = Pi[free_vars[c]];
        for (int k = 0; k < n; k++) {
          if (pos[k] < 0) r -= Pi[k] * xb[k];
        }
      }
      rhs[a] = r;
    }
    auto add_row = [&](int row, const Row& rw, double target) {
      double r = target;
      for (int k = 0; k < rw.len; k++) {
        const int c = pos[rw.idx[k]];
        if (c >= 0) {
          K[static_cast<std::size_t>(row) * size + c] = rw.val[k];
          K[static_cast<std::size_t>(c) * size + row] = rw.val[k];
        } else {
          r -= rw.val[k] * xb[rw.idx[k]];
        }
      }
      rhs[row] = r;
    };
    for (int e = 0; e < meq; e++) add_row(nf + e, arows[e], pr.b[e]);
    for (std::size_t k = 0; k < active_g.size(); k++) {
      add_row(nf + meq + static_cast<int>(k), grows[active_g[k]], pr.h[active_g[k]]);
    }
    const std::optional<Vec> sol = lu_solve(K, size, rhs);
    if (!sol || !all_finite(*sol)) return std::nullopt;
    Polished out;
    out.x = xb;
    for (int a = 0; a < nf; a++) out.x[free_vars[a]] = (*sol)[a];
    out.y.assign(sol->begin() + nf, sol->begin() + nf + meq);
    out.zg.assign(mg, 0.0);
    for (std::size_t k = 0; k < active_g.size(); k++) out.zg[active_g[k]] = (*sol)[nf + meq + k];

    // Primal feasibility: the most violated bound or constraint joins the active set.
    constexpr double eps = 1e-12;
    double worst = eps;
    int fix_kind = 0;  // 1 lower bound, 2 upper bound, 3 general row
    int fix_index = -1;
    for (int i = 0; i < n; i++) {
      if (pr.lower && pr.lower[i] - out.x[i] > worst) {
        worst = pr.lower[i] - out.x[i];
        fix_kind = 1;
        fix_index = i;
      }
      if (pr.upper && out.x[i] - pr.upper[i] > worst) {
        worst = out.x[i] - pr.upper[i];
        fix_kind = 2;
        fix_index = i;
      }
    }
    for (int j = 0; j < mg; j++) {
      const double viol = (grows[j].dot_with(out.x.data()) - pr.h[j]) / (1 + std::fabs(pr.h[j]));
      if (viol > worst && std::find(active_g.begin(), active_g.end(), j) == active_g.end()) {
        worst = viol;
        fix_kind = 3;
        fix_index = j;
      }
    }
    if (fix_kind == 1) {
      fixed_at[fix_index] = pr.lower[fix_index];
      continue;
    }
    if (fix_kind == 2) {
      fixed_at[fix_index] = pr.upper[fix_index];
      continue;
    }
    if (fix_kind == 3) {
      active_g.push_back(fix_index);
      continue;
    }
    // Dual feasibility: bound multipliers from stationarity g = Px + q + A'y + G'z (zLower = g, zUpper = -g).
    Vec g(n, 0.0);
    for (int i = 0; i < n; i++) {
      g[i] = (pr.q ? pr.q[i] : 0) + (pr.P ? dot(pr.P + static_cast<std::size_t>(i) * n, out.x.data(), n) : 0);
    }
    for (int e = 0; e < meq; e++) {
      for (int k = 0; k < arows[e].len; k++) g[arows[e].idx[k]] += arows[e].val[k] * out.y[e];
    }
    for (int j = 0; j < mg; j++) {
      for (int k = 0; k < grows[j].len; k++) g[grows[j].idx[k]] += grows[j].val[k] * out.zg[j];
    }
    out.z_lower.assign(n, 0.0);
    out.z_upper.assign(n, 0.0);
    double most = -1e-10 * q_scale;
    int release_var = -1;
    int release_row = -1;
    for (int i = 0; i < n; i++) {
      if (pos[i] >= 0) continue;
      if (is_lower_fixed(i)) {
        out.z_lower[i] = g[i];
      } else {
        out.z_upper[i] = -g[i];
      }
      const double m = std::min(out.z_lower[i], out.z_upper[i]);
      if (m < most) {
        most = m;
        release_var = i;
        release_row = -1;
      }
    }
    for (int j : active_g) {
      if (out.zg[j] < std::min(most, -eps)) {
        most = out.zg[j];
        release_row = j;
        release_var = -1;
      }
    }
    if (release_var >= 0) {
      fixed_at[release_var] = kNaN;
      continue;
    }
    if (release_row >= 0) {
      active_g.erase(std::find(active_g.begin(), active_g.end(), release_row));
      continue;
    }
    for (double& v : out.z_lower) v = std::max(v, 0.0);
    for (double& v : out.z_upper) v = std::max(v, 0.0);
    return out;
  }
  return std::nullopt;
}

std::string validate(const QpProblem& p) {
  if (p.n <= 0) return "n must be a positive integer";
  if (p.meq < 0 || p.mg < 0) return "row counts must be non-negative";
  auto check_rows = [&](int m, const int* start, const int* index, const double* value, const char* what) -> std::string {
    if (m == 0) return "";
    if (!start || !index || !value) return std::string(what) + " rows are missing";
    if (start[0] != 0) return std::string(what) + " row starts must begin at 0";
    for (int r = 0; r < m; r++) {
      if (start[r + 1] < start[r]) return std::string(what) + " row starts must not decrease";
      for (int k = start[r]; k < start[r + 1]; k++) {
        if (index[k] < 0 || index[k] >= p.n) {
          return std::string(what) + " row " + std::to_string(r) + " refers to variable " + std::to_string(index[k]) +
                 ", expected 0.." + std::to_string(p.n - 1);
        }
      }
    }
    return "";
  };
  if (auto m = check_rows(p.meq, p.a_start, p.a_index, p.a_value, "equality"); !m.empty()) return m;
  if (auto m = check_rows(p.mg, p.g_start, p.g_index, p.g_value, "inequality"); !m.empty()) return m;
  if ((p.meq > 0 && !p.b) || (p.mg > 0 && !p.h)) return "right-hand sides are missing";
  for (int i = 0; i < p.n; i++) {
    const double l = p.lower ? p.lower[i] : -kInf;
    const double u = p.upper ? p.upper[i] : kInf;
    if (std::isnan(l) || std::isnan(u)) return "variable " + std::to_string(i) + " has a NaN bound";
    if (l > u) return "variable " + std::to_string(i) + " has lower bound above upper bound";
  }
  return "";
}

}  // namespace

QpResult solve_qp(const QpProblem& pr, const QpOptions& opts) {
  QpResult res;
  if (std::string m = validate(pr); !m.empty()) {
    res.status = QpStatus::kInvalid;
    res.message = m;
    return res;
  }
  const int n = pr.n;
  const int meq = pr.meq;
  const int mg = pr.mg;
  const double tol = opts.tolerance;
  const int max_iter = opts.max_iterations;
  const double* P = pr.P;

  std::vector<Row> arows(meq), grows(mg);
  for (int e = 0; e < meq; e++) {
    arows[e] = Row{pr.a_index + pr.a_start[e], pr.a_value + pr.a_start[e], pr.a_start[e + 1] - pr.a_start[e]};
  }
  for (int j = 0; j < mg; j++) {
    grows[j] = Row{pr.g_index + pr.g_start[j], pr.g_value + pr.g_start[j], pr.g_start[j + 1] - pr.g_start[j]};
  }
  // Inequalities: general rows, then bound rows.
  Ineq ineq;
  std::vector<int> bound_var(n);
  for (int i = 0; i < n; i++) bound_var[i] = i;
  static const double kMinusOne = -1.0;
  static const double kPlusOne = 1.0;
  for (int j = 0; j < mg; j++) {
    ineq.rows.push_back(grows[j]);
    ineq.h.push_back(pr.h[j]);
    ineq.bound_of.push_back(-1);
    ineq.kind.push_back(0);
  }
  for (int i = 0; i < n; i++) {
    const double l = pr.lower ? pr.lower[i] : -kInf;
    const double u = pr.upper ? pr.upper[i] : kInf;
    if (std::isfinite(l)) {
      ineq.rows.push_back(Row{&bound_var[i], &kMinusOne, 1});
      ineq.h.push_back(-l);
      ineq.bound_of.push_back(i);
      ineq.kind.push_back(-1);
    }
    if (std::isfinite(u)) {
      ineq.rows.push_back(Row{&bound_var[i], &kPlusOne, 1});
      ineq.h.push_back(u);
      ineq.bound_of.push_back(i);
      ineq.kind.push_back(1);
    }
  }
  const int m = static_cast<int>(ineq.h.size());

  Vec x(n), y(meq, 0.0), s(m), z(m);
  for (int i = 0; i < n; i++) {
    const double l = pr.lower ? pr.lower[i] : -kInf;
    const double u = pr.upper ? pr.upper[i] : kInf;
    x[i] = std::isfinite(l) && std::isfinite(u) ? (l + u) / 2 : std::isfinite(l) ? l + 1 : std::isfinite(u) ? u - 1 : 0;
  }
  for (int j = 0; j < m; j++) {
    s[j] = std::max(ineq.h[j] - ineq.rows[j].dot_with(x.data()), 1.0);
    z[j] = 1;
  }
  const double scale_q = 1 + (pr.q ? max_abs(pr.q, n) : 0) + (P ? max_abs(P, static_cast<std::size_t>(n) * n) : 0);
  double max_b = meq > 0 ? max_abs(pr.b, meq) : 0;
  for (int j = 0; j < m; j++) {
    if (std::isfinite(ineq.h[j])) max_b = std::max(max_b, std::fabs(ineq.h[j]));
  }
  const double scale_b = 1 + max_b;

  Vec K(static_cast<std::size_t>(n) * n);
  std::vector<int> first(n);
  Vec rd(n), rp(meq), ri(m), w(m), dx(n), dy(meq), ds(m), dz(m), ds_aff(m), dz_aff(m), tmp(m), rc(m), rhs(n), sr(meq);
  std::vector<Vec> ki_at(meq, Vec(n));
  Vec schur(static_cast<std::size_t>(meq) * meq);

  int iter = 0;
  double pres = kInf, dres = kInf, mu = kInf, prev_mu = kInf;
  int stalled = 0;
  auto loose = [&]() { return pres <= tol * scale_b * 100 && dres <= tol * scale_q * 100 && mu <= 1e-8; };
  bool degenerate = false;
  std::optional<Polished> early;
  std::vector<std::uint8_t> guess(m, 2);  // the previous iteration's active-set guess (2: none yet)
  std::vector<std::uint8_t> var_fixed(n);
  double factor_cost = static_cast<double>(n) * n * n;  // updated from K's envelope once it is known
  for (; iter < max_iter; iter++) {
    for (int i = 0; i < n; i++) {
      rd[i] = (P ? dot(P + static_cast<std::size_t>(i) * n, x.data(), n) : 0) + (pr.q ? pr.q[i] : 0);
    }
    for (int e = 0; e < meq; e++) {
      const Row& r = arows[e];
      double acc = 0;
      for (int k = 0; k < r.len; k++) {
        acc += r.val[k] * x[r.idx[k]];
        rd[r.idx[k]] += r.val[k] * y[e];
      }
      rp[e] = acc - pr.b[e];
    }
    double sz = 0;
    for (int j = 0; j < m; j++) {
      const Row& r = ineq.rows[j];
      double acc = 0;
      for (int k = 0; k < r.len; k++) {
        acc += r.val[k] * x[r.idx[k]];
        rd[r.idx[k]] += r.val[k] * z[j];
      }
      ri[j] = acc + s[j] - ineq.h[j];
      sz += s[j] * z[j];
    }
    mu = m > 0 ? sz / m : 0;
    pres = std::max(max_abs(rp), max_abs(ri));
    dres = max_abs(rd);
    if (pres <= tol * scale_b && dres <= tol * scale_q && mu <= 1e-13) break;
    if (mu <= 1e-14 && loose()) break;
    if (!std::isfinite(pres) || !std::isfinite(dres)) break;
    stalled = mu > 0.5 * prev_mu ? stalled + 1 : 0;
    prev_mu = mu;
    if (stalled >= 4 && loose()) break;
    // Early finish: once the duality measure is small and the active set the interior point suggests (z > s) is the
    // same as at the previous iteration, solve that set exactly (at most 3 refinement rounds); success gives a point
    // meeting the KKT conditions to rounding, i.e. the optimum.
    // Also try when that exact solve is cheap next to one factorisation of K (its size cubed against K's envelope).
    bool same_guess = true;
    int active_general = 0;
    int fixed_vars = 0;
    std::fill(var_fixed.begin(), var_fixed.end(), 0);
    for (int j = 0; j < m; j++) {
      const std::uint8_t g = z[j] > s[j] ? 1 : 0;
      if (g != guess[j]) same_guess = false;
      guess[j] = g;
      if (!g) continue;
      if (ineq.kind[j] == 0) {
        active_general++;
      } else if (!var_fixed[ineq.bound_of[j]]) {
        var_fixed[ineq.bound_of[j]] = 1;
        fixed_vars++;
      }
    }
    const double polish_size = n - fixed_vars + meq + active_general;
    const bool cheap = polish_size * polish_size * polish_size <= 0.5 * factor_cost;
    if (mu <= kEarlyPolishMu * scale_q && iter >= 1 && (same_guess || cheap)) {
      early = polish(pr, arows, grows, s, z, ineq, false, 3);
      if (early) break;
    }

    // K = P + G'WG (+ tiny regularisation).
    if (P) {
      std::copy(P, P + static_cast<std::size_t>(n) * n, K.begin());
    } else {
      std::fill(K.begin(), K.end(), 0.0);
    }
    for (int j = 0; j < m; j++) {
      w[j] = z[j] / s[j];
      const Row& r = ineq.rows[j];
      for (int a = 0; a < r.len; a++) {
        double* Ka = K.data() + static_cast<std::size_t>(r.idx[a]) * n;
        const double va = r.val[a] * w[j];
        for (int c = 0; c < r.len; c++) Ka[r.idx[c]] += va * r.val[c];
      }
    }
    double max_diag = 0;
    for (int i = 0; i < n; i++) max_diag = std::max(max_diag, std::fabs(K[static_cast<std::size_t>(i) * n + i]));
    const double reg = 1e-13 * std::max(1.0, max_diag);
    for (int i = 0; i < n; i++) K[static_cast<std::size_t>(i) * n + i] += reg;
    envelope(K.data(), n, first);
    factor_cost = 0;
    for (int i = 0; i < n; i++) factor_cost += 0.5 * static_cast<double>(i - first[i]) * (i - first[i]);
    cholesky_robust(K.data(), n, first, 1e-15 * std::max(1.0, max_diag));
    for (int e = 0; e < meq; e++) {
      Vec& col = ki_at[e];
      std::fill(col.begin(), col.end(), 0.0);
      for (int k = 0; k < arows[e].len; k++) col[arows[e].idx[k]] = arows[e].val[k];
      cholesky_solve(K.data(), n, first, col.data());
    }
    for (int e = 0; e < meq; e++) {
      for (int f = 0; f < meq; f++) schur[static_cast<std::size_t>(e) * meq + f] = arows[f].dot_with(ki_at[e].data());
    }

    auto solve_newton = [&](const Vec& rcv, Vec& out_dx, Vec& out_dy, Vec& out_ds, Vec& out_dz) -> bool {
      for (int i = 0; i < n; i++) rhs[i] = -rd[i];
      for (int j = 0; j < m; j++) {
        tmp[j] = (z[j] * ri[j] - rcv[j]) / s[j];
        const Row& r = ineq.rows[j];
        for (int k = 0; k < r.len; k++) rhs[r.idx[k]] -= r.val[k] * tmp[j];
      }
      cholesky_solve(K.data(), n, first, rhs.data());
      if (meq > 0) {
        for (int e = 0; e < meq; e++) sr[e] = arows[e].dot_with(rhs.data()) + rp[e];
        std::optional<Vec> sol = lu_solve(schur, meq, sr);
        if (!sol) {
          // Redundant equalities: solve (S + eps I) dy = r instead.
          Vec reg_schur = schur;
          double d = 0;
          for (int e = 0; e < meq; e++) d = std::max(d, std::fabs(reg_schur[static_cast<std::size_t>(e) * meq + e]));
          for (int e = 0; e < meq; e++) reg_schur[static_cast<std::size_t>(e) * meq + e] += 1e-12 * std::max(1.0, d);
          sol = lu_solve(reg_schur, meq, sr);
          if (!sol) return false;
        }
        out_dy = *sol;
        for (int i = 0; i < n; i++) {
          double acc = rhs[i];
          for (int e = 0; e < meq; e++) acc -= ki_at[e][i] * (*sol)[e];
          out_dx[i] = acc;
        }
      } else {
        out_dx = rhs;
      }
      for (int j = 0; j < m; j++) {
        const double gdx = ineq.rows[j].dot_with(out_dx.data());
        out_ds[j] = -ri[j] - gdx;
        out_dz[j] = w[j] * gdx + tmp[j];
      }
      return true;
    };

    // Predictor (affine scaling).
    for (int j = 0; j < m; j++) rc[j] = s[j] * z[j];
    if (!solve_newton(rc, dx, dy, ds_aff, dz_aff)) {
      degenerate = true;
      break;
    }
    const double a_aff = std::min(max_step(s, ds_aff), max_step(z, dz_aff));
    double mu_aff = 0;
    for (int j = 0; j < m; j++) mu_aff += (s[j] + a_aff * ds_aff[j]) * (z[j] + a_aff * dz_aff[j]);
    mu_aff = m > 0 ? mu_aff / m : 0;
    const double sigma = mu > 0 ? std::pow(mu_aff / mu, 3) : 0;
    // Corrector.
    for (int j = 0; j < m; j++) rc[j] = s[j] * z[j] + ds_aff[j] * dz_aff[j] - sigma * mu;
    if (!solve_newton(rc, dx, dy, ds, dz)) {
      degenerate = true;
      break;
    }
    const double alpha = std::min(1.0, 0.99 * std::min(max_step(s, ds), max_step(z, dz)));
    if (!std::isfinite(alpha) || !all_finite(dx) || !all_finite(ds) || !all_finite(dz) || !all_finite(dy)) break;
    for (int i = 0; i < n; i++) x[i] += alpha * dx[i];
    for (int e = 0; e < meq; e++) y[e] += alpha * dy[e];
    for (int j = 0; j < m; j++) {
      s[j] += alpha * ds[j];
      z[j] += alpha * dz[j];
    }
  }
  res.iterations = iter;
  res.primal_residual = pres;
  res.dual_residual = dres;
  res.gap = mu;
  if (degenerate) {
    res.status = QpStatus::kNotConverged;
    res.message = "the equality constraints are inconsistent or degenerate";
    return res;
  }

  res.z.assign(mg, 0.0);
  res.z_lower.assign(n, 0.0);
  res.z_upper.assign(n, 0.0);
  for (int j = 0; j < m; j++) {
    if (ineq.kind[j] == 0) {
      res.z[j] = z[j];
    } else if (ineq.kind[j] == -1) {
      res.z_lower[ineq.bound_of[j]] = z[j];
    } else {
      res.z_upper[ineq.bound_of[j]] = z[j];
    }
  }
  std::optional<Polished> polished = std::move(early);
  if (!polished) polished = polish(pr, arows, grows, s, z, ineq, false, 25);
  if (!polished) polished = polish(pr, arows, grows, s, z, ineq, true, 25);
  if (polished) {
    x = std::move(polished->x);
    y = std::move(polished->y);
    res.z = std::move(polished->zg);
    res.z_lower = std::move(polished->z_lower);
    res.z_upper = std::move(polished->z_upper);
    res.polished = true;
  } else if (!loose()) {
    res.status = QpStatus::kNotConverged;
    res.message = "the interior-point method did not converge in " + std::to_string(iter) + " iterations";
    return res;
  }
  double objective = 0;
  for (int i = 0; i < n; i++) objective += (pr.q ? pr.q[i] : 0) * x[i];
  if (P) {
    double quad = 0;
    for (int i = 0; i < n; i++) quad += dot(P + static_cast<std::size_t>(i) * n, x.data(), n) * x[i];
    objective += quad / 2;
  }
  res.objective = objective;
  res.x = std::move(x);
  res.y = std::move(y);
  res.status = QpStatus::kOptimal;
  return res;
}

bool qp_kernel_avx2() { return use_avx2.load(); }
bool qp_kernel_avx2_supported() { return avx2_supported(); }
bool set_qp_kernel_avx2(bool avx2) {
  if (avx2 && !avx2_supported()) return false;
  use_avx2.store(avx2);
  return true;
}

}  // namespace omniquant::portfolio
