// Moving-average crossover sweep: see ma_sweep.hpp for the strategy and metric conventions.
#include "bars/ma_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace omniquant::bars {
namespace {

// Per-asset data shared by every parameter set.
struct Prepared {
  std::size_t assets = 0;
  std::size_t days = 0;
  std::vector<double> prefix;        // assets x (days + 1): prefix sums of (close - first close), 0 where missing
  std::vector<double> rets;          // assets x days: simple returns, 0 where either close is missing
  // assets x days: (index of the last missing close at or before t, or -1) - t, as a double. A window of w closes
  // ending at t is complete iff that last missing index is < t - w + 1, i.e. gap[t] < 1 - w: one comparison
  // against a constant per parameter set, which vectorises (doubles: SSE2 has no 64-bit integer compare).
  std::vector<double> gap;
};

Prepared prepare(const double* closes, std::size_t assets, std::size_t days) {
  Prepared p;
  p.assets = assets;
  p.days = days;
  p.prefix.assign(assets * (days + 1), 0.0);
  p.rets.assign(assets * days, 0.0);
  p.gap.assign(assets * days, 0.0);
  for (std::size_t a = 0; a < assets; ++a) {
    const double* c = closes + a * days;
    double base = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t t = 0; t < days; ++t) {
      if (!std::isnan(c[t])) {
        base = c[t];
        break;
      }
    }
    double* s = p.prefix.data() + a * (days + 1);
    double* r = p.rets.data() + a * days;
    double* gap = p.gap.data() + a * days;
    std::int64_t last = -1;
    for (std::size_t t = 0; t < days; ++t) {
      const bool missing = std::isnan(c[t]);
      if (missing) last = static_cast<std::int64_t>(t);
      gap[t] = static_cast<double>(last - static_cast<std::int64_t>(t));
      s[t + 1] = s[t] + (missing ? 0.0 : c[t] - base);
      r[t] = (t > 0 && !missing && !std::isnan(c[t - 1])) ? c[t] / c[t - 1] - 1.0 : 0.0;
    }
  }
  return p;
}

// One parameter set; `acc` and `scratch` are buffers of `days` and `days + 1` doubles.
void run_one(const Prepared& p, std::int32_t fast, std::int32_t slow, const MaSweepConfig& cfg, double* acc, double* scratch,
             double& total_return, double& sharpe, double& max_drawdown, double& trades) {
  const std::size_t T = p.days;
  const std::size_t N = p.assets;
  std::fill(acc, acc + T, 0.0);
  const double cost = cfg.cost_bps * 1e-4;
  const double fd = static_cast<double>(fast);
  const double sd = static_cast<double>(slow);
  const std::int64_t maxw = std::max(fast, slow);
  const std::size_t f = static_cast<std::size_t>(fast);
  const std::size_t s = static_cast<std::size_t>(slow);
  const double short_value = cfg.long_short ? -1.0 : 0.0;
  std::int64_t n_trades = 0;
  // Before t = maxw - 1 no SMA pair is defined: positions are 0 and contribute nothing.
  const std::size_t t0 = static_cast<std::size_t>(maxw - 1);
  const double limit = static_cast<double>(1 - maxw);
  // Two passes per asset, both free of loop-carried dependencies (so the compiler can vectorise them): the
  // positions, then the returns, costs and trades from consecutive positions. pos[k] holds the position at
  // t = t0 - 1 + k (pos[0] = 0: flat before the first bar with both SMAs).
  if (t0 < T) {
    double* __restrict pos = scratch;
    double* __restrict out = acc;
    const std::size_t n = T - t0;
    for (std::size_t a = 0; a < N; ++a) {
      const double* __restrict S = p.prefix.data() + a * (T + 1);
      const double* __restrict R = p.rets.data() + a * T;
      const double* __restrict G = p.gap.data() + a * T;
      pos[0] = 0.0;
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t t = t0 + k;
        const double sf = S[t + 1] - S[t + 1 - f];
        const double ss = S[t + 1] - S[t + 1 - s];
        const double lhs = sf * sd;
        const double rhs = ss * fd;
        const double v = lhs > rhs ? 1.0 : (lhs < rhs ? short_value : 0.0);
        pos[k + 1] = G[t] < limit ? v : 0.0;
      }
      double changes = 0.0;  // a count: exact in a double, and vectorises
      for (std::size_t k = 0; k < n; ++k) {
        const double d = pos[k + 1] - pos[k];
        out[t0 + k] += pos[k] * R[t0 + k] - cost * std::fabs(d);
        changes += d != 0.0 ? 1.0 : 0.0;
      }
      n_trades += static_cast<std::int64_t>(changes);
    }
  }
  const double inv_n = 1.0 / static_cast<double>(N);
  double sum = 0.0;
  double equity = 1.0;
  double peak = 1.0;
  double worst = 0.0;
  for (std::size_t t = 0; t < T; ++t) {
    const double r = acc[t] * inv_n;
    acc[t] = r;
    sum += r;
    equity *= 1.0 + r;
    if (equity >= peak) {
      peak = equity;
    } else {
      const double dd = 1.0 - equity / peak;
      if (dd > worst) worst = dd;
    }
  }
  total_return = equity - 1.0;
  max_drawdown = worst;
  trades = static_cast<double>(n_trades);
  if (T < 2) {
    sharpe = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const double mean = sum / static_cast<double>(T);
  double ss = 0.0;
  for (std::size_t t = 0; t < T; ++t) ss += (acc[t] - mean) * (acc[t] - mean);
  const double sd_r = std::sqrt(ss / static_cast<double>(T - 1));
  if (sd_r == 0.0) {
    sharpe = mean == 0.0 ? std::numeric_limits<double>::quiet_NaN()
                         : (mean > 0 ? std::numeric_limits<double>::infinity()
                                     : -std::numeric_limits<double>::infinity());
  } else {
    sharpe = mean / sd_r * std::sqrt(cfg.periods_per_year);
  }
}

}  // namespace

std::string ma_crossover_sweep(const double* closes, std::size_t assets, std::size_t days, const std::int32_t* fast,
                               const std::int32_t* slow, std::size_t n_params, const MaSweepConfig& config,
                               const MaSweepOutput& out) {
  if (assets == 0) return "assets must be at least 1";
  if (!(config.cost_bps >= 0.0) || !std::isfinite(config.cost_bps)) return "costBps must be a finite number >= 0";
  if (!(config.periods_per_year > 0.0) || !std::isfinite(config.periods_per_year)) {
    return "periodsPerYear must be a finite positive number";
  }
  for (std::size_t a = 0; a < assets; ++a) {
    for (std::size_t t = 0; t < days; ++t) {
      const double c = closes[a * days + t];
      if (!std::isnan(c) && !(std::isfinite(c) && c > 0.0)) {
        return "closes[" + std::to_string(a * days + t) + "] (asset " + std::to_string(a) + ", day " +
               std::to_string(t) + ") is " + std::to_string(c) + ", expected a positive price or NaN for no bar";
      }
    }
  }
  for (std::size_t i = 0; i < n_params; ++i) {
    if (fast[i] < 1 || slow[i] < 1) {
      return "window pair " + std::to_string(i) + " is (" + std::to_string(fast[i]) + ", " + std::to_string(slow[i]) +
             "), expected windows >= 1";
    }
  }
  const Prepared prepared = prepare(closes, assets, days);

  // A window longer than the data never defines an SMA: positions stay 0 (run_one never reads the prefix then).
  auto run_range = [&](std::size_t begin, std::size_t end) {
    std::vector<double> acc(days + 1);
    std::vector<double> scratch(days + 1);
    for (std::size_t i = begin; i < end; ++i) {
      run_one(prepared, fast[i], slow[i], config, acc.data(), scratch.data(), out.total_return[i], out.sharpe[i], out.max_drawdown[i],
              out.trades[i]);
    }
  };

  unsigned threads = std::max(1u, config.threads);
  if (threads > n_params) threads = static_cast<unsigned>(std::max<std::size_t>(1, n_params));
  if (threads == 1) {
    run_range(0, n_params);
    return "";
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  const std::size_t chunk = (n_params + threads - 1) / threads;
  for (unsigned k = 0; k < threads; ++k) {
    const std::size_t begin = k * chunk;
    const std::size_t end = std::min(n_params, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back(run_range, begin, end);
  }
  for (auto& th : pool) th.join();
  return "";
}

}  // namespace omniquant::bars
