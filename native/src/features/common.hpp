// Shared constants of the feature kernels (native/src/features). Knows nothing of N-API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace omniquant::features {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Sliding sums are recomputed exactly from the window every max(16 * window, kReanchorMin) slides, which bounds
// the drift of rounding errors on long series at a cost under 1/16 of a pass.
inline constexpr std::size_t kReanchorMin = 4096;

inline std::size_t reanchor_period(std::size_t window) {
  return window > SIZE_MAX / 16 ? SIZE_MAX : (window * 16 > kReanchorMin ? window * 16 : kReanchorMin);
}

}  // namespace omniquant::features
