#include "features/rolling_stats.hpp"

#include <cmath>

#include "features/common.hpp"
#include "stats/rolling.hpp"

namespace omniquant::features {

void rolling_zscore(const double* x, std::size_t n, std::size_t window, std::size_t ddof, double* out,
                    double* scratch) noexcept {
  omniquant::stats::rolling_mean_std(x, n, window, ddof, out, scratch);
  for (std::size_t i = 0; i < n; ++i) {
    const double s = scratch[i];
    // Non-finite x inside the window already made mean/std NaN; a zero std gives NaN, not +/-Infinity.
    out[i] = s > 0.0 ? (x[i] - out[i]) / s : kNaN;
  }
}

void rolling_corr_beta(const double* x, const double* y, std::size_t n, std::size_t window, double* corr_out,
                       double* beta_out) noexcept {
  const double w = static_cast<double>(window);
  const std::size_t every = reanchor_period(window);
  std::size_t count = 0, since = 0;
  double kx = 0.0, ky = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0;
  auto emit = [&](std::size_t i) {
    // Co-moments about the window means: S_ab - S_a S_b / w (the shift cancels).
    const double cxy = sxy - sx * sy / w;
    const double cxx = sxx - sx * sx / w;
    const double cyy = syy - sy * sy / w;
    if (corr_out != nullptr) {
      double c = (cxx > 0.0 && cyy > 0.0) ? cxy / std::sqrt(cxx * cyy) : kNaN;
      if (c > 1.0) c = 1.0;
      if (c < -1.0) c = -1.0;
      corr_out[i] = c;
    }
    if (beta_out != nullptr) beta_out[i] = cyy > 0.0 ? cxy / cyy : kNaN;
  };
  auto nan_out = [&](std::size_t i) {
    if (corr_out != nullptr) corr_out[i] = kNaN;
    if (beta_out != nullptr) beta_out[i] = kNaN;
  };
  // Exact recomputation of the window ending at `last`, shifted by its first pair (a window of equal values then
  // has sums of exactly 0, hence NaN correlation rather than noise).
  auto recompute = [&](std::size_t last) {
    const std::size_t first = last + 1 - window;
    kx = x[first];
    ky = y[first];
    sx = sy = sxx = syy = sxy = 0.0;
    for (std::size_t j = first; j <= last; ++j) {
      const double dx = x[j] - kx, dy = y[j] - ky;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  };
  // Cancellation check: when a variance about the window mean is below 1e-8 of the raw shifted sum of squares,
  // most of its digits were lost (the shift is far from the window's values): recompute the window exactly.
  auto cancelled = [&]() {
    const double cxx = sxx - sx * sx / w;
    const double cyy = syy - sy * sy / w;
    return cxx < 1e-8 * sxx || cyy < 1e-8 * syy;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const double a = x[i], b = y[i];
    if (!(std::isfinite(a) && std::isfinite(b)) || window == 0) {
      count = 0;
      nan_out(i);
      continue;
    }
    if (count == 0) {
      kx = a;
      ky = b;
      sx = sy = sxx = syy = sxy = 0.0;
      since = 0;
    }
    const double dx = a - kx, dy = b - ky;
    if (count < window) {
      ++count;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
      if (count == window) {
        emit(i);
      } else {
        nan_out(i);
      }
      continue;
    }
    const double ox = x[i - window] - kx, oy = y[i - window] - ky;
    sx += dx - ox;
    sy += dy - oy;
    sxx += dx * dx - ox * ox;
    syy += dy * dy - oy * oy;
    sxy += dx * dy - ox * oy;
    if (++since >= every || cancelled()) {
      recompute(i);
      since = 0;
    }
    emit(i);
  }
}

}  // namespace omniquant::features
