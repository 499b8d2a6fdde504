// Rolling volatility estimators from OHLC bars. Knows nothing of N-API.
//
// Every estimator returns the volatility (a standard deviation of log price changes) per bar, averaged over the
// trailing `window` bars, times sqrt(periods_per_year) when periods_per_year > 0 (e.g. 252 for daily bars gives
// an annualised volatility; 0 leaves it per bar). Conventions as in moving_average.hpp: causal, same length as the
// input, and a bar with a non-finite or non-positive price restarts the warm-up.
#pragma once

#include <cstddef>

namespace omniquant::features {

enum class VolEstimator {
  // Close-to-close: sample standard deviation (ddof 1) of r_i = ln(C_i / C_{i-1}) over the last `window`
  // returns. The first `window` outputs are NaN (window returns need window + 1 closes).
  kCloseToClose,
  // Parkinson (1980): sigma^2 = mean over the window of (ln(H/L))^2 / (4 ln 2). First window-1 outputs NaN.
  kParkinson,
  // Garman & Klass (1980): sigma^2 = mean of 0.5 (ln(H/L))^2 - (2 ln 2 - 1) (ln(C/O))^2. First window-1 NaN.
  kGarmanKlass,
  // Rogers & Satchell (1991): sigma^2 = mean of ln(H/C) ln(H/O) + ln(L/C) ln(L/O). First window-1 NaN.
  kRogersSatchell,
  // Yang & Zhang (2000): sigma^2 = V_o + k V_c + (1 - k) V_rs with V_o the sample variance (ddof 1) of the
  // overnight returns ln(O_i / C_{i-1}), V_c that of the open-to-close returns ln(C_i / O_i), V_rs the
  // Rogers-Satchell mean, all over the last `window` bars, and k = 0.34 / (1.34 + (window + 1) / (window - 1)).
  // Needs window >= 2; the first `window` outputs are NaN (the overnight return needs the previous close).
  kYangZhang,
};

// `scratch` must hold 5 * n doubles.
void rolling_volatility(VolEstimator estimator, const double* open, const double* high, const double* low,
                        const double* close, std::size_t n, std::size_t window, double periods_per_year,
                        double* out, double* scratch) noexcept;

}  // namespace omniquant::features
