#include "features/volatility.hpp"

#include <cmath>

#include "features/common.hpp"
#include "features/moving_average.hpp"
#include "stats/rolling.hpp"

namespace omniquant::features {
namespace {

inline bool good(double p) { return std::isfinite(p) && p > 0.0; }

}  // namespace

void rolling_volatility(VolEstimator estimator, const double* open, const double* high, const double* low,
                        const double* close, std::size_t n, std::size_t window, double periods_per_year,
                        double* out, double* scratch) noexcept {
  const double scale = periods_per_year > 0.0 ? std::sqrt(periods_per_year) : 1.0;
  double* a = scratch;           // per-bar term (overnight return for Yang-Zhang)
  double* b = scratch + n;       // open-to-close return (Yang-Zhang)
  double* rs = scratch + 2 * n;  // Rogers-Satchell term (Yang-Zhang); unused rolling means
  double* m = scratch + 3 * n;   // rolling mean of a per-bar variance term
  double* s = scratch + 4 * n;   // rolling standard deviation
  const double ln2 = std::log(2.0);
  // A variance to a (scaled) volatility; rounding may leave a tiny negative mean, which is clamped to 0.
  auto vol = [scale](double v) { return std::isnan(v) ? kNaN : std::sqrt(v > 0.0 ? v : 0.0) * scale; };

  switch (estimator) {
    case VolEstimator::kCloseToClose: {
      for (std::size_t i = 0; i < n; ++i) {
        a[i] = (i > 0 && good(close[i]) && good(close[i - 1])) ? std::log(close[i] / close[i - 1]) : kNaN;
      }
      omniquant::stats::rolling_mean_std(a, n, window, 1, m, s);
      for (std::size_t i = 0; i < n; ++i) out[i] = s[i] * scale;
      return;
    }
    case VolEstimator::kParkinson:
    case VolEstimator::kGarmanKlass:
    case VolEstimator::kRogersSatchell: {
      const double park = 1.0 / (4.0 * ln2);
      const double gk = 2.0 * ln2 - 1.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double o = open[i], h = high[i], l = low[i], c = close[i];
        const bool ok = estimator == VolEstimator::kParkinson ? good(h) && good(l)
                                                              : good(o) && good(h) && good(l) && good(c);
        if (!ok) {
          a[i] = kNaN;
          continue;
        }
        const double hl = std::log(h / l);
        if (estimator == VolEstimator::kParkinson) {
          a[i] = hl * hl * park;
        } else if (estimator == VolEstimator::kGarmanKlass) {
          const double co = std::log(c / o);
          a[i] = 0.5 * hl * hl - gk * co * co;
        } else {
          a[i] = std::log(h / c) * std::log(h / o) + std::log(l / c) * std::log(l / o);
        }
      }
      sma(a, n, window, m);
      for (std::size_t i = 0; i < n; ++i) out[i] = vol(m[i]);
      return;
    }
    case VolEstimator::kYangZhang: {
      if (window < 2) {
        for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
        return;
      }
      const double w = static_cast<double>(window);
      const double k = 0.34 / (1.34 + (w + 1.0) / (w - 1.0));
      for (std::size_t i = 0; i < n; ++i) {
        const double o = open[i], h = high[i], l = low[i], c = close[i];
        const bool ok = i > 0 && good(close[i - 1]) && good(o) && good(h) && good(l) && good(c);
        if (!ok) {
          a[i] = b[i] = rs[i] = kNaN;
          continue;
        }
        a[i] = std::log(o / close[i - 1]);
        b[i] = std::log(c / o);
        rs[i] = std::log(h / c) * std::log(h / o) + std::log(l / c) * std::log(l / o);
      }
      sma(rs, n, window, m);                                     // m = V_rs
      omniquant::stats::rolling_mean_std(a, n, window, 1, rs, s);  // s = sqrt(V_o)
      for (std::size_t i = 0; i < n; ++i) out[i] = s[i] * s[i] + (1.0 - k) * m[i];
      omniquant::stats::rolling_mean_std(b, n, window, 1, rs, s);  // s = sqrt(V_c)
      for (std::size_t i = 0; i < n; ++i) out[i] = vol(out[i] + k * s[i] * s[i]);
      return;
    }
  }
}

}  // namespace omniquant::features
