// Moving averages over trailing windows: simple (SMA), exponential (EMA) and linearly weighted (WMA).
// Knows nothing of N-API: src/napi/features_binding.cpp adapts it to JavaScript.
//
// Common conventions (every function here):
//   - output i depends on x[0..i] only (causal), and has the length of the input;
//   - a non-finite input (NaN or +/-Infinity) restarts the warm-up: the outputs are NaN until `window` finite
//     values in a row have been seen again. In particular leading NaNs (a symbol listed late) are skipped;
//   - `window` >= 1 is checked by the caller; window == 0 yields all NaN.
#pragma once

#include <cstddef>

namespace omniquant::features {

// Simple moving average: out[i] = mean(x[i-window+1 .. i]); the first window-1 outputs are NaN.
// Sliding sum on values shifted by a value of the window (so 1e9 + noise keeps its digits), re-anchored by an
// exact recomputation every max(16 * window, 4096) slides. A window of identical values gives exactly that value.
void sma(const double* x, std::size_t n, std::size_t window, double* out) noexcept;

// Exponential moving average with smoothing alpha (2 / (window + 1) for the usual EMA, 1 / window for Wilder's).
// Seeding (the convention of technicalindicators' EMA, so that outputs compare): the first output, at index
// window-1, is the SMA of the first `window` values; then e[i] = (x[i] - e[i-1]) * alpha + e[i-1].
// The first window-1 outputs are NaN.
void ema(const double* x, std::size_t n, std::size_t window, double alpha, double* out) noexcept;

// Linearly weighted moving average: weights 1, 2, .., window from the oldest value to the newest, divided by
// window (window + 1) / 2. The first window-1 outputs are NaN. O(1) per value (sliding weighted sum), shifted and
// re-anchored like sma.
void wma(const double* x, std::size_t n, std::size_t window, double* out) noexcept;

}  // namespace omniquant::features
