#include "features/moving_average.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "features/common.hpp"
#include "features/scan.hpp"

namespace omniquant::features {

// A sliding sum that lost this many binary orders of magnitude to cancellation is recomputed (2^24 ~ 1.7e7).
constexpr double kCancellation = 16777216.0;

namespace {

// The sequential SMA, one value at a time: the reference semantics (warm-up, restarts, anchoring).
struct SmaStepper {
  std::size_t window;
  double inv_w;
  std::size_t every;
  std::size_t count = 0;  // finite values in a row ending at the last step, at most window
  std::size_t since = 0;
  double k = 0.0, sum = 0.0;

  explicit SmaStepper(std::size_t w) : window(w), inv_w(1.0 / static_cast<double>(w)), every(reanchor_period(w)) {}

  void reanchor(const double* x, std::size_t i) {  // exact sum of the window ending at i
    k = x[i + 1 - window];
    sum = 0.0;
    for (std::size_t j = i + 1 - window; j <= i; ++j) sum += x[j] - k;
    since = 0;
  }

  double step(const double* x, std::size_t i) {
    const double v = x[i];
    if (!std::isfinite(v)) {
      count = 0;
      return kNaN;
    }
    if (count == 0) {
      k = v;
      sum = 0.0;
      since = 0;
    }
    if (count < window) {
      sum += v - k;
      ++count;
      return count == window ? k + sum * inv_w : kNaN;
    }
    const double removed = x[i - window] - k;
    sum += (v - k) - removed;
    double mean = k + sum * inv_w;
    // Re-anchor periodically, and at once when cancellation ate the digits: a large value leaving the window (its
    // rounding residue can be as big as what remains, e.g. a variance series after a spike), or an anchor far
    // from the window's mean. The window is then summed again exactly, from its own first value. Worst case
    // (a mean that stays near zero while its values do not) is O(n * window).
    if (++since >= every || std::fabs(removed) > kCancellation * std::fabs(sum) ||
        std::fabs(k) > kCancellation * std::fabs(mean)) {
      reanchor(x, i);
      mean = k + sum * inv_w;
    }
    return mean;
  }
};

// out[i..end) of the SMA from state st: sequential steps, and the vector kernel from each grid index (a multiple
// of simd_width()) reached with a full window of finite values behind. The vector runs keep the stepper's anchor
// and stop before its periodic re-anchoring is due (it is then done at the grid index).
void sma_run_range(SmaStepper& st, const double* x, std::size_t i, std::size_t end, bool fast, std::size_t width,
                   bool stream, double* out) {
  while (i < end) {
    if (fast && st.count == st.window && i % width == 0) {
      if (st.since + width > st.every) st.reanchor(x, i - 1);
      const std::size_t len = std::min(end - i, (st.every - st.since) / width * width);
      double s = st.sum;
      const std::size_t done = sma_run(x + i, out + i, len, st.window, st.k, s, stream);
      st.sum = s;
      st.since += done;
      i += done;
      if (done < len) {
        out[i] = st.step(x, i);
        ++i;
      }
      continue;
    }
    out[i] = st.step(x, i);
    ++i;
  }
}

// The sequential EMA, one value at a time.
struct EmaStepper {
  std::size_t window;
  double alpha;
  std::size_t count = 0;
  double sum = 0.0, e = 0.0;

  double step(double v) {
    if (!std::isfinite(v)) {
      count = 0;
      return kNaN;
    }
    if (count < window) {
      if (count == 0) sum = 0.0;
      sum += v;
      ++count;
      if (count == window) {
        e = sum / static_cast<double>(window);
        return e;
      }
      return kNaN;
    }
    e = (v - e) * alpha + e;
    return e;
  }
};

// out[i..end) of the EMA from state st (see sma_run_range).
void ema_run_range(EmaStepper& st, const double* x, std::size_t i, std::size_t end, const LinearCoef* coef,
                   std::size_t width, bool stream, double* out) {
  while (i < end) {
    if (coef != nullptr && st.count == st.window && i % width == 0) {
      double y = st.e;
      const std::size_t done = linear_run(x + i, out + i, end - i, *coef, y, stream);
      st.e = y;
      i += done;
      if (i < end) {
        out[i] = st.step(x[i]);
        ++i;
      }
      continue;
    }
    out[i] = st.step(x[i]);
    ++i;
  }
}

}  // namespace

void sma(const double* x, std::size_t n, std::size_t window, double* out) noexcept {
  if (window == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  const bool fast = simd_active() != Simd::kScalar;
  const std::size_t width = simd_width();
  const bool stream = n >= kStreamMin;
  // The SMA forgets everything but its window: a block's state is rebuilt from the `window` values before it.
  const bool blocks = plan_blocks(window);
  run_parts(n, plan_parts(n, blocks), kBlock, [&](std::size_t begin, std::size_t end) {
    by_blocks(
        begin, end, blocks, window, [&] { return SmaStepper(window); },
        [&](SmaStepper& st, std::size_t i) { (void)st.step(x, i); },
        [&](SmaStepper& st, std::size_t b, std::size_t e) { sma_run_range(st, x, b, e, fast, width, stream, out); });
  });
}

void ema(const double* x, std::size_t n, std::size_t window, double alpha, double* out) noexcept {
  if (window == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  // The vector kernel and the blocks need a contracting recurrence (0 < alpha <= 1). A block's state is rebuilt by
  // the sequential EMA over the window + k values before it, k such that (1-alpha)^k <= 2^-60: the seed is then
  // forgotten below double precision (and a non-finite value in between restarts it as the whole run would).
  const bool contracting = alpha > 0.0 && alpha <= 1.0;
  const bool fast = contracting && simd_active() != Simd::kScalar;
  const LinearCoef coef = linear_coef(contracting ? alpha : 0.5);
  const std::size_t forget = contracting ? forget_steps(alpha) : SIZE_MAX;
  const std::size_t lookback = forget > SIZE_MAX - window ? SIZE_MAX : window + forget;
  const bool blocks = contracting && plan_blocks(lookback);
  const std::size_t width = simd_width();
  const bool stream = n >= kStreamMin;
  run_parts(n, plan_parts(n, blocks), kBlock, [&](std::size_t begin, std::size_t end) {
    by_blocks(
        begin, end, blocks, lookback, [&] { return EmaStepper{window, alpha}; },
        [&](EmaStepper& st, std::size_t i) { (void)st.step(x[i]); },
        [&](EmaStepper& st, std::size_t b, std::size_t e) {
          ema_run_range(st, x, b, e, fast ? &coef : nullptr, width, stream, out);
        });
  });
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
