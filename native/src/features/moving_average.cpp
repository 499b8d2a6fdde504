#include "features/moving_average.hpp"

#include <cmath>

#include "features/common.hpp"

namespace omniquant::features {

// A sliding sum that lost this many binary orders of magnitude to cancellation is recomputed (2^24 ~ 1.7e7).
constexpr double kCancellation = 16777216.0;

void sma(const double* x, std::size_t n, std::size_t window, double* out) noexcept {
  if (window == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  const double inv_w = 1.0 / static_cast<double>(window);
  const std::size_t every = reanchor_period(window);
  std::size_t count = 0;  // finite values in a row ending at i
  std::size_t since = 0;
  double k = 0.0, sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (!std::isfinite(v)) {
      count = 0;
      out[i] = kNaN;
      continue;
    }
    if (count == 0) {
      k = v;
      sum = 0.0;
      since = 0;
    }
    if (count < window) {
      sum += v - k;
      ++count;
      out[i] = count == window ? k + sum * inv_w : kNaN;
      continue;
    }
    const double removed = x[i - window] - k;
    sum += (v - k) - removed;
    double mean = k + sum * inv_w;
    // Re-anchor periodically, and at once when cancellation ate the digits: a large value leaving the window (its
    // rounding residue can be as big as what remains, e.g. a variance series after a spike), or an anchor far
    // from the window's mean. The window is then summed again exactly, from its own first value. Worst case
    // (a mean that stays near zero while its values do not) is O(n * window).
    if (++since >= every || std::fabs(removed) > kCancellation * std::fabs(sum) || std::fabs(k) > kCancellation * std::fabs(mean)) {
      k = x[i + 1 - window];
      sum = 0.0;
      for (std::size_t j = i + 1 - window; j <= i; ++j) sum += x[j] - k;
      since = 0;
      mean = k + sum * inv_w;
    }
    out[i] = mean;
  }
}

void ema(const double* x, std::size_t n, std::size_t window, double alpha, double* out) noexcept {
  if (window == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  std::size_t count = 0;
  double sum = 0.0, e = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (!std::isfinite(v)) {
      count = 0;
      out[i] = kNaN;
      continue;
    }
    if (count < window) {
      if (count == 0) sum = 0.0;
      sum += v;
      ++count;
      if (count == window) {
        e = sum / static_cast<double>(window);
        out[i] = e;
      } else {
        out[i] = kNaN;
      }
      continue;
    }
    e = (v - e) * alpha + e;
    out[i] = e;
  }
}

void wma(const double* x, std::size_t n, std::size_t window, double* out) noexcept {
  if (window == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  const double w = static_cast<double>(window);
  const double inv_denom = 2.0 / (w * (w + 1.0));
  const std::size_t every = reanchor_period(window);
  std::size_t count = 0, since = 0;
  double k = 0.0, s = 0.0, ws = 0.0;  // s = sum of (x - k), ws = sum of j * (x - k), j = 1 (oldest) .. count
  auto recompute = [&](std::size_t last) {
    const std::size_t first = last + 1 - window;
    k = x[first];
    s = ws = 0.0;
    for (std::size_t j = 0; j < window; ++j) {
      const double d = x[first + j] - k;
      s += d;
      ws += static_cast<double>(j + 1) * d;
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (!std::isfinite(v)) {
      count = 0;
      out[i] = kNaN;
      continue;
    }
    if (count == 0) {
      k = v;
      s = ws = 0.0;
      since = 0;
    }
    if (count < window) {
      ++count;
      s += v - k;
      ws += static_cast<double>(count) * (v - k);
      out[i] = count == window ? k + ws * inv_denom : kNaN;
      continue;
    }
    // Slide: every weight drops by one (ws -= s), the oldest value leaves, the new one enters with weight window.
    const double d_in = v - k;
    ws += w * d_in - s;
    s += d_in - (x[i - window] - k);
    if (++since >= every) {
      recompute(i);
      since = 0;
    }
    out[i] = k + ws * inv_denom;
  }
}

}  // namespace omniquant::features
