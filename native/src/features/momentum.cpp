#include "features/momentum.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "features/common.hpp"
#include "features/scan.hpp"

namespace omniquant::features {

namespace {

// The sequential RSI, one value at a time: the reference semantics (warm-up, restarts, Wilder's smoothing).
struct RsiStepper {
  std::size_t window;
  double w;
  std::size_t changes = 0;  // changes seen in the current run of finite values
  bool have_prev = false;
  double prev = 0.0, sum_gain = 0.0, sum_loss = 0.0, avg_gain = 0.0, avg_loss = 0.0;

  explicit RsiStepper(std::size_t win) : window(win), w(static_cast<double>(win)) {}

  bool steady() const { return have_prev && changes >= window; }

  double step(double v) {
    if (!std::isfinite(v)) {
      have_prev = false;
      return kNaN;
    }
    if (!have_prev) {
      have_prev = true;
      prev = v;
      changes = 0;
      sum_gain = sum_loss = 0.0;
      return kNaN;
    }
    const double diff = v - prev;
    prev = v;
    const double gain = diff > 0.0 ? diff : 0.0;
    const double loss = diff < 0.0 ? -diff : 0.0;
    ++changes;
    if (changes < window) {
      sum_gain += gain;
      sum_loss += loss;
      return kNaN;
    }
    if (changes == window) {
      avg_gain = (sum_gain + gain) / w;
      avg_loss = (sum_loss + loss) / w;
    } else {
      avg_gain = (avg_gain * (w - 1.0) + gain) / w;
      avg_loss = (avg_loss * (w - 1.0) + loss) / w;
    }
    return avg_loss == 0.0 ? 100.0 : (avg_gain == 0.0 ? 0.0 : 100.0 - 100.0 / (1.0 + avg_gain / avg_loss));
  }
};

// out[i..end) of the RSI from state st: sequential steps, and the vector kernel from each grid index (a multiple
// of simd_width()) reached in steady state (Wilder's averages seeded).
void rsi_run_range(RsiStepper& st, const double* x, std::size_t i, std::size_t end, const LinearCoef* coef,
                   std::size_t width, bool stream, double* out) {
  while (i < end) {
    if (coef != nullptr && st.steady() && i % width == 0) {
      double g = st.avg_gain, l = st.avg_loss;
      const std::size_t done = rsi_run(x + i, out + i, end - i, *coef, g, l, stream);
      st.avg_gain = g;
      st.avg_loss = l;
      st.changes += done;
      i += done;
      st.prev = x[i - 1];
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

void rsi(const double* x, std::size_t n, std::size_t window, double* out) noexcept {
  if (window == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  // Blocks rebuild their state like ema's (moving_average.cpp): Wilder's averages forget their seed like an EMA
  // with alpha = 1 / window.
  const double a = 1.0 / static_cast<double>(window);
  const bool fast = simd_active() != Simd::kScalar;
  const LinearCoef coef = linear_coef(a);
  const std::size_t forget = forget_steps(a);
  const std::size_t lookback = forget > SIZE_MAX - window - 2 ? SIZE_MAX : window + 2 + forget;
  const bool blocks = plan_blocks(lookback);
  const std::size_t width = simd_width();
  const bool stream = n >= kStreamMin;
  run_parts(n, plan_parts(n, blocks), kBlock, [&](std::size_t begin, std::size_t end) {
    by_blocks(
        begin, end, blocks, lookback, [&] { return RsiStepper(window); },
        [&](RsiStepper& st, std::size_t i) { (void)st.step(x[i]); },
        [&](RsiStepper& st, std::size_t b, std::size_t e) {
          rsi_run_range(st, x, b, e, fast ? &coef : nullptr, width, stream, out);
        });
  });
}

void atr(const double* high, const double* low, const double* close, std::size_t n, std::size_t window,
         double* out, double* tr_out) noexcept {
  const double w = static_cast<double>(window);
  std::size_t trs = 0;  // true ranges seen in the current run of finite bars
  bool have_prev = false;
  double prev_close = 0.0, sum = 0.0, a = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double h = high[i], l = low[i], c = close[i];
    if (tr_out != nullptr) tr_out[i] = kNaN;
    if (!(std::isfinite(h) && std::isfinite(l) && std::isfinite(c)) || window == 0) {
      have_prev = false;
      out[i] = kNaN;
      continue;
    }
    if (!have_prev) {
      have_prev = true;
      prev_close = c;
      trs = 0;
      sum = 0.0;
      out[i] = kNaN;
      continue;
    }
    const double tr = std::fmax(h - l, std::fmax(std::fabs(h - prev_close), std::fabs(l - prev_close)));
    prev_close = c;
    if (tr_out != nullptr) tr_out[i] = tr;
    ++trs;
    if (trs < window) {
      sum += tr;
      out[i] = kNaN;
      continue;
    }
    a = trs == window ? (sum + tr) / w : (tr - a) / w + a;
    out[i] = a;
  }
}

}  // namespace omniquant::features
