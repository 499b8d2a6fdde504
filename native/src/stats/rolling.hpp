// Rolling mean and rolling standard deviation over a fixed-length window, in one pass.
//
// This header knows nothing of N-API: src/napi/binding.cpp adapts it to JavaScript.
#pragma once

#include <cstddef>

namespace omniquant::stats {

// Rolling mean and standard deviation of x[0..n) over windows of `window` consecutive values.
//
// Output i describes the window x[i-window+1 .. i] (a trailing window, like pandas `rolling(window)`).
// Conventions, the same as pandas `x.rolling(window, min_periods=window).mean()` / `.std(ddof=ddof)`:
//   - warm-up: outputs 0 .. window-2 are NaN; if window > n every output is NaN;
//   - std divides the sum of squared deviations by (window - ddof); ddof = 1 gives the sample standard
//     deviation (the default everywhere in OmniQuant), ddof = 0 the population one. If window - ddof <= 0 the
//     std output is NaN;
//   - a NaN anywhere in a window makes both outputs of that window NaN;
//   - an infinity in a window (and no NaN) makes the mean +/-Infinity (NaN if both signs are present) and
//     the std NaN;
//   - a window whose values are all equal gives exactly that value as mean and exactly 0 as std.
//
// Algorithm (one pass, O(n) time, O(1) extra memory): Welford's running mean and sum of squared deviations
// M2 (Welford 1962), slid one value at a time with the add-and-remove update
//     mean' = mean + (x_in - x_out) / w
//     M2'   = M2 + (x_in - x_out) * (x_in - mean' + x_out - mean)
// computed on values shifted by a reference K taken from the window (so 1e9 + noise loses no digits). The
// window is re-anchored by an exact corrected two-pass recomputation (Chan, Golub & LeVeque 1983) every
// max(32 * window, kReanchorMin) slides, which bounds the drift of rounding errors on long series, and at once
// when the increments added to M2 since the last recomputation sum to more than 2^24 times M2, i.e. when
// cancellation may have cost M2 more than about 2^-28 of its value (a large value left a window whose remaining
// values are close together). The tests hold it to a naive two-pass computation within 1e-8 relative plus 1e-12
// of the window's largest magnitude. Typical data costs O(n); adversarial data (e.g. a geometrically
// decaying series) can trigger many O(window) recomputations, up to O(n * window).
// Sliding restarts after a non-finite value, so a NaN or infinity never poisons later windows.
//
// `mean_out` and `std_out` must each hold n doubles; they may not alias `x`.
// The caller checks window >= 1 (binding.cpp does); window == 0 yields all NaN rather than dividing by zero.
void rolling_mean_std(const double* x, std::size_t n, std::size_t window, std::size_t ddof, double* mean_out,
                      double* std_out) noexcept;

// Scheduled re-anchoring happens every max(32 * window, kReanchorMin) slides, which keeps its cost under 1/16
// of a pass.
inline constexpr std::size_t kReanchorMin = 65536;

}  // namespace omniquant::stats
