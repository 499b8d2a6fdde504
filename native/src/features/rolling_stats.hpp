// Rolling z-score, correlation and beta over trailing windows. Knows nothing of N-API.
// Conventions as in moving_average.hpp: causal, same length as the input, a non-finite input restarts the
// warm-up (for two series: a non-finite value in either).
#pragma once

#include <cstddef>

namespace omniquant::features {

// Rolling z-score: z[i] = (x[i] - mean) / std over the window x[i-window+1 .. i] (the current value included),
// std with `ddof` (1 = sample). The first window-1 outputs are NaN; a window with zero std gives NaN.
// Mean and std come from omniquant::stats::rolling_mean_std (shifted sliding Welford). `scratch` must hold n
// doubles (it receives the rolling std).
void rolling_zscore(const double* x, std::size_t n, std::size_t window, std::size_t ddof, double* out,
                    double* scratch) noexcept;

// Rolling Pearson correlation of x and y and rolling beta of x on y (OLS slope of x regressed on y with an
// intercept: cov(x, y) / var(y)) over the trailing window of `window` pairs. The ddof cancels in both ratios.
// The first window-1 outputs are NaN; corr is NaN when either variance is 0, beta when var(y) is 0.
// Sliding sums of deviations from a shift (a pair of the window), recomputed exactly every max(16 * window, 4096)
// slides, and at once when cancellation has cost a variance more than 8 digits (so a window of equal values gives
// NaN, not rounding noise). Either output pointer may be null.
void rolling_corr_beta(const double* x, const double* y, std::size_t n, std::size_t window, double* corr_out,
                       double* beta_out) noexcept;

}  // namespace omniquant::features
