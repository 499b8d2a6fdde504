#include "stats/rolling.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace omniquant::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kNever = SIZE_MAX;

// Whether index j (j <= i, or kNever) lies in the trailing window (i - w, i].
inline bool in_window(std::size_t j, std::size_t i, std::size_t w) { return j != kNever && i - j < w; }

// Recompute exactly once the sum of the |increments| added to m2 since the last recomputation exceeds m2 times
// this. Each increment can leave a few epsilons of its size as rounding error in m2, so the cancellation error
// stays below about 2^24 epsilons = 2^-28 (4e-9) of m2.
constexpr double kErrBudget = 16777216.0;

// Corrected two-pass mean and sum of squared deviations of the w finite values x[0..w) (Chan, Golub & LeVeque
// 1983): m2 = sum (d - mean)^2 - (sum (d - mean))^2 / w, with d = x - k and the shift k = x[0].
inline void recompute(const double* x, std::size_t w, double& k, double& mean, double& m2) {
  k = x[0];
  double sum = 0.0;
  for (std::size_t j = 0; j < w; ++j) sum += x[j] - k;
  mean = sum / static_cast<double>(w);
  double ss = 0.0;
  double residual = 0.0;
  for (std::size_t j = 0; j < w; ++j) {
    const double d = (x[j] - k) - mean;
    ss += d * d;
    residual += d;
  }
  ss -= residual * residual / static_cast<double>(w);
  m2 = ss < 0.0 ? 0.0 : ss;
}

}  // namespace

void rolling_mean_std(const double* x, std::size_t n, std::size_t window, std::size_t ddof, double* mean_out,
                      double* std_out) noexcept {
  if (window == 0) {  // precondition violated: answer NaN rather than divide by zero
    for (std::size_t i = 0; i < n; ++i) mean_out[i] = std_out[i] = kNaN;
    return;
  }
  // Multiplying by reciprocals instead of dividing costs at most one rounding more per value and keeps the loop
  // free of divisions; the square roots are taken in a separate, vectorised loop at the end.
  const double inv_w = 1.0 / static_cast<double>(window);
  const bool has_std = window > ddof;
  const double inv_denom = has_std ? 1.0 / static_cast<double>(window - ddof) : kNaN;  // NaN: no std
  const double flat_var = has_std ? 0.0 : kNaN;
  const std::size_t reanchor_every =
      window > SIZE_MAX / 32 ? SIZE_MAX : (window * 32 > kReanchorMin ? window * 32 : kReanchorMin);

  // State of the run of finite values ending at i, shifted by k: mean and m2 (sum of squared deviations) of the
  // last `count` (at most window) values; err is the sum of |increments| added to m2 by the slides since the last
  // exact recomputation (see kErrBudget).
  double k = 0.0, mean = 0.0, m2 = 0.0, err = 0.0;
  std::size_t count = 0;
  std::size_t since_anchor = 0;
  std::size_t same_run = 0;  // length of the run of equal finite values ending at i
  std::size_t last_nan = kNever, last_pos_inf = kNever, last_neg_inf = kNever;

  std::size_t i = 0;
  while (i < n) {
    if (count == window) {
      // Steady state: the last `window` values are finite. Slide: x[i] enters, x[i - window] leaves.
      double prev = x[i - 1];
      for (; i < n; ++i) {
        const double v = x[i];
        if (!std::isfinite(v)) break;
        // branch-free: equal to the previous value extends the run, anything else restarts it at 1
        same_run = ((same_run + 1) & (std::size_t{0} - static_cast<std::size_t>(v == prev))) |
                   static_cast<std::size_t>(v != prev);
        prev = v;
        const double d_in = v - k;
        const double d_out = x[i - window] - k;
        const double delta = d_in - d_out;
        const double next = mean + delta * inv_w;
        const double term = delta * ((d_in - next) + (d_out - mean));
        mean = next;
        m2 += term;
        err += std::fabs(term);
        // Re-anchor on schedule, or at once when cancellation has eaten m2's digits (a large value left a window
        // whose other values are close together) or rounding drove m2 negative.
        if (++since_anchor >= reanchor_every || err > m2 * kErrBudget) {
          recompute(x + (i + 1 - window), window, k, mean, m2);
          err = 0.0;
          since_anchor = 0;
        }
        const bool flat = same_run >= window;
        mean_out[i] = flat ? v : k + mean;
        std_out[i] = flat ? flat_var : m2 * inv_denom;  // the variance; square-rooted below
      }
      if (i == n) break;
    }

    // Warm-up (at the start or after a non-finite value), or a non-finite value.
    const double v = x[i];
    if (!std::isfinite(v)) {
      if (std::isnan(v)) {
        last_nan = i;
      } else if (v > 0.0) {
        last_pos_inf = i;
      } else {
        last_neg_inf = i;
      }
      count = 0;
      same_run = 0;
    } else {
      // Welford's add-only update.
      same_run = (same_run > 0 && v == x[i - 1]) ? same_run + 1 : 1;
      if (count == 0) {
        k = v;
        mean = m2 = err = 0.0;
        since_anchor = 0;
      }
      const double d = v - k;
      ++count;
      const double delta = d - mean;
      mean += delta / static_cast<double>(count);
      m2 += delta * (d - mean);
    }

    if (count == window) {  // the window just filled up with finite values
      const bool flat = same_run >= window;
      mean_out[i] = flat ? v : k + mean;
      std_out[i] = flat ? flat_var : m2 * inv_denom;
    } else if (i + 1 < window || in_window(last_nan, i, window)) {  // warm-up, or a NaN in the window
      mean_out[i] = std_out[i] = kNaN;
    } else {  // no NaN, so at least one infinity in the window
      const bool pos = in_window(last_pos_inf, i, window);
      const bool neg = in_window(last_neg_inf, i, window);
      mean_out[i] = pos && neg ? kNaN : (pos ? kInf : -kInf);
      std_out[i] = kNaN;
    }
    ++i;
  }
  // Variance to standard deviation in a separate loop that the compiler vectorises (sqrt(NaN) is NaN).
  for (std::size_t j = 0; j < n; ++j) std_out[j] = std::sqrt(std_out[j]);
}

}  // namespace omniquant::stats
