// Moving-average crossover parameter sweep over a panel of daily closes, in one call: the vectorised bar
// backtest of many (fast, slow) window pairs at once. Knows nothing of N-API: src/napi/bars_binding.cpp adapts it.
//
// The strategy, for each parameter set p = (fast, slow) and each asset a (conventions of lib/backtest/bars
// vectorBacktest, which the TypeScript reference and differential test follow):
//   - SMA_w(a, t) = mean(close[a][t-w+1 .. t]); defined when those w closes are all present (finite).
//   - pos(a, t) = +1 if SMA_fast > SMA_slow, else 0 (long-only); with long_short, -1 if SMA_fast < SMA_slow.
//     0 while either SMA is undefined (warm-up, before listing, around a missing close). Compared as
//     sum_fast * slow > sum_slow * fast on closes shifted by the asset's first close (exact for exact sums).
//   - Each asset is a sleeve of 1/N of the portfolio (N = assets), rebalanced every bar (weights pos / N). The
//     position decided at close t is held from close t to close t+1 (no look-ahead).
//   - Portfolio return r(t) = (1/N) sum_a [pos(a, t-1) * ret(a, t) - cost * |pos(a, t) - pos(a, t-1)|], with
//     ret(a, t) = close[a][t] / close[a][t-1] - 1 (0 when either close is missing), pos(a, -1) = 0 and
//     cost = cost_bps * 1e-4 (charged on the bar the position changes, per unit of sleeve traded).
// Metrics per parameter set, over the T returns r(0..T-1):
//   total_return = prod(1 + r) - 1; sharpe = mean(r) / std(r, ddof 1) * sqrt(periods_per_year) (NaN if T < 2 or
//   std = 0 with mean = 0, +/-inf if std = 0 otherwise); max_drawdown = max_t (1 - E_t / max_{s<=t} E_s) over
//   the equity curve E = (1, E_0, .., E_{T-1}), a positive fraction; trades = number of (a, t) with
//   pos(a, t) != pos(a, t-1) (a flip from long to short counts once).
//
// Cost: O(assets * days) precomputation (prefix sums, returns, last-missing index), then O(1) per bar-step
// (parameter set x asset x day). Parameter sets may be split over `threads` threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace omniquant::bars {

struct MaSweepConfig {
  double cost_bps = 0.0;
  bool long_short = false;
  double periods_per_year = 252.0;
  unsigned threads = 1;
};

struct MaSweepOutput {
  double* total_return;
  double* sharpe;
  double* max_drawdown;
  double* trades;
};

// closes: assets x days, asset-major (closes[a * days + t]); NaN = no bar. fast/slow: n_params windows (>= 1).
// Returns an empty string on success, else a sentence describing the first bad input (nothing is written then).
std::string ma_crossover_sweep(const double* closes, std::size_t assets, std::size_t days, const std::int32_t* fast,
                               const std::int32_t* slow, std::size_t n_params, const MaSweepConfig& config,
                               const MaSweepOutput& out);

}  // namespace omniquant::bars
