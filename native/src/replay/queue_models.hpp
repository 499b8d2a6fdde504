// L2 queue-position models for our resting orders (after hftbacktest's RiskAdverseQueueModel and ProbQueueModel,
// and Rigtorp's estimator, https://rigtorp.se/2013/06/08/estimating-order-queue-position.html).
//
// Each resting order carries `front`, the market quantity (lots) estimated ahead of it at its price, and
// `cum_trade`, the traded quantity at its price not yet seen as a level decrease. Our own orders are not in the
// replayed book, so `front` only ever counts market quantity.
//
//   new order   front = displayed quantity at the order's price when it reaches the venue (back of the queue).
//   trade q     at the order's price: front -= q (and cum_trade += q for the probabilistic models). The order
//               has been reached when front <= -1: floor(-front) lots of it have traded (see filled()).
//   level prev -> new (a DEPTH/BBO update at the order's price):
//     risk-averse: front = min(front, new)                            (the level-shrink rule)
//     probabilistic: d = prev - new - cum_trade; cum_trade = 0 (trades already explain part of the decrease);
//       if d <= 0 (growth): front = min(front, new);
//       else with back = prev - front and p = P(front, back) the probability that the decrease is behind us,
//       front' = front - (1 - p) d + min(back - p d, 0), then front = clamp(min(front', new), 0, ...).
//       Deviation from hftbacktest: when front was >= 0 the result is floored at 0, since cancellations cannot
//       execute us (hftbacktest lets it go negative, which later counts cancelled lots as our fills).
//     With `randomise`, the front share of d is a Binomial(round(d), 1 - p) draw instead of its mean
//     (Monte Carlo over queue outcomes); the part the back cannot absorb still goes to the front.
//
// P(front, back), as published by hftbacktest (f applied to quantities, negative front treated as 0):
//   power(n)   f(x) = x^n,        P = f(back) / (f(back) + f(front))
//   power2(n)  f(x) = x^n,        P = f(back) / f(back + front)
//   power3(n)  f(x) = x^n,        P = 1 - f(front / (front + back))
//   log        f(x) = ln(1 + x),  P = f(back) / (f(back) + f(front))      (Rigtorp's estimator with a log f)
//   log2       f(x) = ln(1 + x),  P = f(back) / f(back + front)
// A P that is not finite (0/0) counts as 1: the whole decrease is assumed behind us (conservative).
#pragma once

#include <cmath>
#include <cstdint>

#include "replay/rng.hpp"

#pragma GCC visibility push(hidden)
namespace omq::replay {

struct QueueConfig {
  enum Kind : uint8_t {
    kRiskAverse = 0,
    kPower = 1,
    kPower2 = 2,
    kPower3 = 3,
    kLog = 4,
    kLog2 = 5,
    kL3Fifo = 6,  // exact FIFO on L3 data (handled by the L3 book, not here)
  };
  Kind kind = kRiskAverse;
  double n = 1;           // exponent of the power models
  bool randomise = false; // draw the front share of level decreases (probabilistic models only)
};

struct QueueState {
  double front = 0;
  double cum_trade = 0;
};

class QueueModel {
 public:
  explicit QueueModel(QueueConfig c) : c_(c) {
    int_n_ = (c_.n == std::floor(c_.n) && c_.n >= 1 && c_.n <= 16) ? static_cast<int>(c_.n) : 0;
  }

  const QueueConfig& config() const { return c_; }
  bool probabilistic() const { return c_.kind != QueueConfig::kRiskAverse && c_.kind != QueueConfig::kL3Fifo; }

  void new_order(QueueState& q, int64_t level_qty) const {
    q.front = static_cast<double>(level_qty);
    q.cum_trade = 0;
  }

  void trade(QueueState& q, int64_t qty) const {
    q.front -= static_cast<double>(qty);
    if (probabilistic()) q.cum_trade += static_cast<double>(qty);
  }

  void depth(QueueState& q, int64_t prev_qty, int64_t new_qty, Rng& rng) const {
    const double nq = static_cast<double>(new_qty);
    if (!probabilistic()) {
      if (nq < q.front) q.front = nq;
      return;
    }
    double chg = static_cast<double>(prev_qty) - nq - q.cum_trade;
    q.cum_trade = 0;
    if (chg <= 0) {
      if (nq < q.front) q.front = nq;
      return;
    }
    const double front = q.front;
    if (front <= 0) {
      if (nq < q.front) q.front = nq;  // no-op while nq >= 0; kept for symmetry
      return;
    }
    const double back = static_cast<double>(prev_qty) - front;
    double p = prob(front, back);
    if (!std::isfinite(p)) p = 1.0;
    double est;
    if (c_.randomise) {
      const int64_t d = static_cast<int64_t>(std::llround(chg));
      const int64_t front_dec0 = rng.binomial(d, 1.0 - p);
      double front_dec = static_cast<double>(front_dec0);
      const double back_dec = static_cast<double>(d - front_dec0);
      if (back_dec > back) front_dec += back_dec - (back > 0 ? back : 0);
      est = front - front_dec;
    } else {
      const double over = back - p * chg;
      est = front - (1.0 - p) * chg + (over < 0 ? over : 0.0);
    }
    if (nq < est) est = nq;
    if (est < 0) est = 0;
    q.front = est;
  }

  // Lots of the order the market has traded through (0 while the order has not been reached).
  static int64_t filled(const QueueState& q) {
    if (q.front <= -1.0) return static_cast<int64_t>(std::floor(-q.front));
    return 0;
  }

  // Probability that a level decrease happened behind us.
  double prob(double front, double back) const {
    if (front < 0) front = 0;
    if (back < 0) back = 0;
    switch (c_.kind) {
      case QueueConfig::kPower: {
        const double fb = pw(back), ff = pw(front);
        return fb / (fb + ff);
      }
      case QueueConfig::kPower2: return pw(back) / pw(back + front);
      case QueueConfig::kPower3: return 1.0 - pw(front / (front + back));
      case QueueConfig::kLog: {
        const double fb = std::log1p(back), ff = std::log1p(front);
        return fb / (fb + ff);
      }
      case QueueConfig::kLog2: return std::log1p(back) / std::log1p(back + front);
      default: return 1.0;
    }
  }

 private:
  // x^n: repeated multiplication for small integer n (bit-identical to the TypeScript reference), pow otherwise.
  double pw(double x) const {
    if (int_n_ > 0) {
      double r = x;
      for (int i = 1; i < int_n_; ++i) r *= x;
      return r;
    }
    return std::pow(x, c_.n);
  }

  QueueConfig c_;
  int int_n_ = 0;
};

}  // namespace omq::replay
#pragma GCC visibility pop
