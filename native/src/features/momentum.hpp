// Wilder-smoothed indicators: the relative strength index (RSI) and the average true range (ATR).
// Knows nothing of N-API. Conventions as in moving_average.hpp: causal, same length as the input, a non-finite
// input restarts the warm-up.
#pragma once

#include <cstddef>

namespace omniquant::features {

// RSI (Wilder 1978) of x over `window` changes.
// gain_i = max(x[i] - x[i-1], 0), loss_i = max(x[i-1] - x[i], 0). The averages are seeded with the plain mean of
// the first `window` gains/losses and then smoothed as avg = (avg * (window - 1) + g) / window (Wilder's
// smoothing, alpha = 1/window). RSI = 100 - 100 / (1 + avgGain / avgLoss); 100 when avgLoss == 0, 0 when
// avgGain == 0 (and avgLoss > 0). Warm-up: the first `window` outputs are NaN (window changes need window + 1
// values). This is technicalindicators' RSI without its rounding to 2 decimals.
// Vectorised and threaded like ema (moving_average.hpp): the steady stretches compute Wilder's averages with the
// scan kernels of scan.hpp and RSI as 100 avgGain / (avgGain + avgLoss), equal to the above up to rounding.
void rsi(const double* x, std::size_t n, std::size_t window, double* out) noexcept;

// ATR (Wilder 1978): true range TR_i = max(H_i - L_i, |H_i - C_{i-1}|, |L_i - C_{i-1}|) for i >= 1 (bar 0 has
// no previous close and no TR, as in technicalindicators), smoothed like the RSI averages: the first ATR, at
// index `window`, is the mean of TR_1 .. TR_window, then ATR_i = (TR_i - ATR_{i-1}) / window + ATR_{i-1}.
// The first `window` outputs are NaN. A bar with a non-finite high, low or close restarts the warm-up.
// If `tr_out` is not null it receives the true range (NaN where undefined).
void atr(const double* high, const double* low, const double* close, std::size_t n, std::size_t window,
         double* out, double* tr_out) noexcept;

}  // namespace omniquant::features
