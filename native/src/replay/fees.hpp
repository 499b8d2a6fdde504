// Maker/taker fees and exact position accounting.
//
// Money is kept as exact integers and converted to currency once, when reported:
//   cash      in notional units (ticks x lots): a buy of q lots at p ticks adds -p*q, a sell +p*q;
//             currency = cash * tickSize * lotSize.
//   fees      in fee units (ticks x lots x 1e-8): a fill pays p * q * rate_ppb, where rate_ppb is the fee rate in
//             parts per 10^8 of notional (0.0004 -> 40000; a negative rate is a rebate);
//             currency = fees * tickSize * lotSize / 1e8.
//   realised  in notional units, first-in first-out lot matching: closing q lots of a long opened at e by a sell
//             at p realises (p - e) * q (a short mirrors it).
// With zero starting cash, cash + position * mid == realised + unrealised exactly, where
// unrealised = position * mid - signed cost of the open lots (mid may be a half tick: everything is also kept
// doubled where a mid enters).
#pragma once

#include <cstdint>
#include <deque>

#pragma GCC visibility push(hidden)
namespace omq::replay {

using int128 = __int128;

struct FeeConfig {
  int64_t maker_ppb = 0;
  int64_t taker_ppb = 0;
};

inline double to_double(int128 v) { return static_cast<double>(v); }

struct Lot {
  int64_t price;
  int64_t qty;  // > 0
};

// Position, cash, fees and realised PnL of one instrument, in exact integer units.
struct Account {
  int64_t position = 0;      // lots, signed
  int128 cash = 0;           // notional units
  int128 fees = 0;           // fee units
  int128 realised = 0;       // notional units
  int128 cost = 0;           // signed cost of the open lots: sum(price * qty) * sign(position)
  int128 turnover = 0;       // sum of |p * q| over fills
  int64_t volume = 0;        // lots traded
  int64_t fills = 0;
  std::deque<Lot> lots;      // open lots, oldest first

  // Applies one fill: side +1 buy / -1 sell.
  void apply(int8_t side, int64_t price, int64_t qty, int64_t rate_ppb) {
    const int128 notional = static_cast<int128>(price) * qty;
    cash -= side * notional;
    fees += notional * rate_ppb;
    turnover += notional < 0 ? -notional : notional;
    volume += qty;
    fills += 1;
    int64_t left = qty;
    // Close opposite lots first (FIFO).
    while (left > 0 && position != 0 && ((position > 0) != (side > 0))) {
      Lot& lot = lots.front();
      const int64_t m = lot.qty < left ? lot.qty : left;
      const int128 diff = position > 0 ? static_cast<int128>(price) - lot.price : static_cast<int128>(lot.price) - price;
      realised += diff * m;
      cost -= (position > 0 ? 1 : -1) * static_cast<int128>(lot.price) * m;
      lot.qty -= m;
      left -= m;
      position += side * m;
      if (lot.qty == 0) lots.pop_front();
    }
    if (left > 0) {
      lots.push_back({price, left});
      position += side * left;
      cost += side * static_cast<int128>(price) * left;
    }
  }

  // Unrealised PnL in notional units x 2, at mid2 = bid + ask (ticks x 2).
  int128 unrealised2(int64_t mid2) const { return static_cast<int128>(position) * mid2 - 2 * cost; }
};

}  // namespace omq::replay
#pragma GCC visibility pop
