// Moving averages over trailing windows: simple (SMA), exponential (EMA) and linearly weighted (WMA).
// Knows nothing of N-API: src/napi/features_binding.cpp adapts it to JavaScript.
//
// Common conventions (every function here):
//   - output i depends on x[0..i] only (causal), and has the length of the input;
//   - a non-finite input (NaN or +/-Infinity) restarts the warm-up: the outputs are NaN until `window` finite
//     values in a row have been seen again. In particular leading NaNs (a symbol listed late) are skipped;
//   - `window` >= 1 is checked by the caller; window == 0 yields all NaN.
//
// sma and ema hand steady stretches (a full window of finite values behind) to the vector kernels of scan.hpp
// (AVX-512/AVX2 picked at run time) and, from 2^20 values, split the series into parts computed on separate
// threads, each rebuilding its starting state from the values just before it. Warm-ups, restarts after
// non-finite values and any stretch where a kernel meets one run the sequential code, so the NaN pattern is exactly
// that of the sequential loop and values differ from it by rounding only (~1e-15 relative; tests allow 1e-12).
// `out` must not overlap `x`.
#pragma once

#include <cstddef>

namespace omniquant::features {

// Simple moving average: out[i] = mean(x[i-window+1 .. i]); the first window-1 outputs are NaN.
// Sliding sum on values shifted by a value of the window (so 1e9 + noise keeps its digits), re-anchored by an
// exact recomputation every max(16 * window, 4096) slides (the vector path re-anchors at the start of each
// stretch of that length) and at once when cancellation ate the sum's digits, so rounding errors do not drift.
void sma(const double* x, std::size_t n, std::size_t window, double* out) noexcept;

// Exponential moving average with smoothing alpha (2 / (window + 1) for the usual EMA, 1 / window for Wilder's).
// Seeding (the convention of technicalindicators' EMA, so that outputs compare): the first output, at index
// window-1, is the SMA of the first `window` values; then e[i] = (x[i] - e[i-1]) * alpha + e[i-1].
// The first window-1 outputs are NaN. Vectorised and threaded for 0 < alpha <= 1 (a part's state is rebuilt from
// window + k values before it, k such that (1-alpha)^k <= 2^-60); other alphas run the sequential loop.
void ema(const double* x, std::size_t n, std::size_t window, double alpha, double* out) noexcept;

// Linearly weighted moving average: weights 1, 2, .., window from the oldest value to the newest, divided by
// window (window + 1) / 2. The first window-1 outputs are NaN. O(1) per value (sliding weighted sum), shifted and
// re-anchored like sma.
void wma(const double* x, std::size_t n, std::size_t window, double* out) noexcept;

}  // namespace omniquant::features
