#include "features/momentum.hpp"

#include <cmath>

#include "features/common.hpp"

namespace omniquant::features {

void rsi(const double* x, std::size_t n, std::size_t window, double* out) noexcept {
  if (window == 0) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  const double w = static_cast<double>(window);
  std::size_t changes = 0;  // changes seen in the current run of finite values
  bool have_prev = false;
  double prev = 0.0, sum_gain = 0.0, sum_loss = 0.0, avg_gain = 0.0, avg_loss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (!std::isfinite(v)) {
      have_prev = false;
      out[i] = kNaN;
      continue;
    }
    if (!have_prev) {
      have_prev = true;
      prev = v;
      changes = 0;
      sum_gain = sum_loss = 0.0;
      out[i] = kNaN;
      continue;
    }
    const double diff = v - prev;
    prev = v;
    const double gain = diff > 0.0 ? diff : 0.0;
    const double loss = diff < 0.0 ? -diff : 0.0;
    ++changes;
    if (changes < window) {
      sum_gain += gain;
      sum_loss += loss;
      out[i] = kNaN;
      continue;
    }
    if (changes == window) {
      avg_gain = (sum_gain + gain) / w;
      avg_loss = (sum_loss + loss) / w;
    } else {
      avg_gain = (avg_gain * (w - 1.0) + gain) / w;
      avg_loss = (avg_loss * (w - 1.0) + loss) / w;
    }
    out[i] = avg_loss == 0.0 ? 100.0 : (avg_gain == 0.0 ? 0.0 : 100.0 - 100.0 / (1.0 + avg_gain / avg_loss));
  }
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
