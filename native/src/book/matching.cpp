// Matching: a taker against the opposite side in price-time priority, with iceberg replenishment, self-trade
// prevention, fill-or-kill, and the stop orders that trades trigger.
#include <algorithm>

#include "book/order_book.hpp"

namespace omq::book {

// Runs order `ti` (state kActive, not in any level) as a taker, then rests or cancels what is left.
//
// Events: per fill TRADE(taker, maker) then the maker's PARTIALLY_FILLED or FILLED; after matching one
// PARTIALLY_FILLED or FILLED for the taker summing its fills (price = last fill price) when it filled at all;
// then CANCELLED for a remainder that cannot rest (market, IOC, FOK, self-trade).
void OrderBook::execute(uint32_t ti) {
  Order* pool = pool_.data();
  Order& t = pool[ti];
  const bool buy = t.side == side::kBuy;
  Ladder& opp = buy ? asks_ : bids_;
  const bool immediate = t.market || t.tif == tif::kIoc || t.tif == tif::kFok;

  if (t.tif == tif::kFok && !fok_fillable(t)) {
    emit(event::kCancelled, t.id, 0, t.price, t.remaining, 0, t.side, reason::kFokUnfillable);
    release(ti);
    return;
  }

  int64_t filled = 0;
  int64_t last_px = 0;
  bool stp_cancel = false;
  while (t.remaining > 0 && !opp.empty()) {
    const int64_t px = opp.best();
    if (!t.market && (buy ? px > t.price : px < t.price)) break;
    Level& lv = *opp.find(px);
    while (t.remaining > 0 && lv.head != kNil) {
      const uint32_t mi = lv.head;
      Order& m = pool[mi];
      if (stp_applies(t, m)) {
        if (config_.stp == StpMode::kCancelNewest) {
          stp_cancel = true;
          break;
        }
        emit(event::kCancelled, m.id, 0, m.price, m.remaining, 0, m.side, reason::kSelfTrade);
        level_unlink(lv, mi, pool);
        release(mi);
        if (config_.stp == StpMode::kCancelBoth) {
          stp_cancel = true;
          break;
        }
        continue;
      }
      const int64_t q = std::min(t.remaining, m.visible);
      t.remaining -= q;
      m.remaining -= q;
      m.visible -= q;
      lv.qty -= q;
      filled += q;
      last_px = px;
      on_trade(px);
      emit(event::kTrade, t.id, m.id, px, q, t.remaining, t.side, reason::kNone);
      if (m.remaining == 0) {
        emit(event::kFilled, m.id, 0, px, q, 0, m.side, reason::kNone);
        level_unlink(lv, mi, pool);
        release(mi);
      } else {
        emit(event::kPartiallyFilled, m.id, 0, px, q, m.remaining, m.side, reason::kNone);
        if (m.visible == 0) {  // iceberg: the next slice goes to the back of the queue
          level_unlink(lv, mi, pool);
          m.visible = std::min(m.peak, m.remaining);
          level_push_back(lv, mi, pool);
        }
      }
    }
    if (lv.head == kNil) opp.vacated(lv, px);
    if (stp_cancel) break;
  }

  if (filled > 0) {
    emit(t.remaining == 0 ? event::kFilled : event::kPartiallyFilled, t.id, 0, last_px, filled, t.remaining, t.side,
         reason::kNone);
  }
  if (t.remaining == 0) {
    release(ti);
  } else if (stp_cancel) {
    emit(event::kCancelled, t.id, 0, t.price, t.remaining, 0, t.side, reason::kSelfTrade);
    release(ti);
  } else if (immediate) {
    emit(event::kCancelled, t.id, 0, t.price, t.remaining, 0, t.side, reason::kUnfilledImmediate);
    release(ti);
  } else {
    rest(ti);
  }
}

void OrderBook::rest(uint32_t i) {
  Order& o = pool_[i];
  Ladder& ladder = o.side == side::kBuy ? bids_ : asks_;
  o.visible = o.iceberg ? std::min(o.peak, o.remaining) : o.remaining;
  o.state = OrderState::kResting;
  Level& lv = ladder.acquire(o.price);
  const bool was_empty = lv.head == kNil;
  level_push_back(lv, i, pool_.data());
  if (was_empty) ladder.occupied(lv, o.price);
}

// Would a fill-or-kill taker fill completely? Walks the opposite side as matching would: a level with no
// blocking self-trade offers all its open quantity (iceberg reserves come back at the back of the same level);
// an order that self-trade prevention would stop at (cancel newest or both) ends the walk, and only the displayed
// quantity ahead of it in its level counts; with cancel-oldest, own orders are skipped.
bool OrderBook::fok_fillable(const Order& t) {
  const bool buy = t.side == side::kBuy;
  Ladder& opp = buy ? asks_ : bids_;
  if (opp.empty()) return false;
  const Order* pool = pool_.data();
  int64_t avail = 0;
  int64_t px = opp.best();
  for (;;) {
    if (!t.market && (buy ? px > t.price : px < t.price)) return false;
    const Level& lv = *opp.find(px);
    int64_t shown = 0;
    int64_t open = 0;
    for (uint32_t mi = lv.head; mi != kNil; mi = pool[mi].next) {
      const Order& m = pool[mi];
      if (stp_applies(t, m)) {
        if (config_.stp == StpMode::kCancelOldest) continue;
        return avail + shown >= t.remaining;
      }
      shown += m.visible;
      open += m.remaining;
      if (avail + shown >= t.remaining) return true;
    }
    avail += open;
    if (avail >= t.remaining) return true;
    if (!opp.next(px, px)) return false;
  }
}

// A stop whose trigger fired becomes a live taker: stop and trailing stop as a market order, stop-limit as a
// limit order at its price, each with its own time in force.
void OrderBook::activate(uint32_t i) {
  Order& o = pool_[i];
  o.state = OrderState::kActive;
  if (o.type != order_type::kStopLimit) {
    o.market = true;
    o.price = 0;
  }
  execute(i);
}

// After an operation that traded: fire the stops the trades triggered, run them in trigger order, and repeat
// for stops that their own trades trigger. TRIGGERED events for one round come before that round's executions.
void OrderBook::run_triggers() {
  if (!window_) return;
  if (stops_.empty()) {
    window_ = false;
    return;
  }
  trigger_queue_.clear();
  std::size_t head = 0;
  for (;;) {
    if (window_) {
      window_ = false;
      const std::size_t from = trigger_queue_.size();
      stops_.collect(pool_, last_price_, win_hi_, win_lo_, trigger_queue_);
      for (std::size_t k = from; k < trigger_queue_.size(); ++k) {
        const Order& o = pool_[trigger_queue_[k]];
        emit(event::kTriggered, o.id, 0, StopBook::effective_stop(o), o.remaining, o.remaining, o.side,
             reason::kNone);
      }
    }
    if (head == trigger_queue_.size()) break;
    activate(trigger_queue_[head++]);
  }
  trigger_queue_.clear();
}

}  // namespace omq::book
