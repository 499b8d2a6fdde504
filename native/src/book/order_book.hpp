// A price-time priority limit order book for one instrument. Prices are integer ticks, quantities and
// timestamps (nanoseconds) int64. Knows nothing of JavaScript: operations come in as BatchInput rows and every
// outcome goes out as a row of the EventBuffer. Bad input is a reject event, never an exception.
//
// The semantics (order types, validation order, event order, trigger order) are specified in
// lib/sim/reference-book.ts, the deliberately simple TypeScript model this engine is tested against.
//
// Files: order_book.cpp (the batch loop, operations and their validation), matching.cpp (matching, self-trade
// prevention, fill-or-kill, stop triggering), queries.cpp (read-only views). Data structures: order_pool.hpp and
// id_map.hpp (orders by slot and by id), ladder.hpp and level.hpp (price levels and their FIFO queues), stops.hpp,
// expiry.hpp, events.hpp.
//
// Not thread-safe: one book is used by one thread at a time. An allocation failure inside process() propagates
// as std::bad_alloc and may leave that operation half applied.
#pragma once

#include <cstdint>
#include <vector>

#include "book/batch.hpp"
#include "book/events.hpp"
#include "book/expiry.hpp"
#include "book/id_map.hpp"
#include "book/ladder.hpp"
#include "book/latency.hpp"
#include "book/order_pool.hpp"
#include "book/stops.hpp"
#include "book/types.hpp"

namespace omq::book {

struct LevelInfo {
  int64_t price;
  int64_t qty;     // displayed quantity
  uint32_t count;  // orders
};

struct QueueEntry {
  int64_t id;
  int64_t visible;
  int64_t hidden;
  uint32_t owner;
};

struct QueuePosition {
  uint8_t side;
  int64_t price;
  int64_t qty_ahead;     // displayed quantity ahead in the FIFO
  uint32_t orders_ahead;
  int64_t visible;
  int64_t remaining;
};

struct OrderInfo {
  int64_t id;
  uint8_t side, type, tif;
  OrderState state;
  int64_t price, remaining, visible, peak, stop_price, trail, expire_ns;
  bool has_stop;  // pending stop: stop_price is the current trigger price (trailing: only once it has a reference)
  uint32_t owner;
};

struct BookStats {
  std::size_t orders;       // live orders, resting and pending stops
  std::size_t bid_levels;
  std::size_t ask_levels;
  std::size_t stops;
  bool has_last_price;
  int64_t last_price;
  bool has_clock;
  int64_t now;
};

class OrderBook {
 public:
  explicit OrderBook(const BookConfig& config);
  OrderBook(const OrderBook&) = delete;
  OrderBook& operator=(const OrderBook&) = delete;

  const BookConfig& config() const { return config_; }

  // Applies every row of the batch in order; events are appended to events(). Row i's events carry op index i.
  // With a histogram, each row is timed with the steady clock.
  void process(const BatchInput& in, LatencyHistogram* latency);
  EventBuffer& events() { return events_; }

  // Queries.
  bool top(uint8_t side, LevelInfo& out);
  void depth(uint8_t side, std::size_t n, std::vector<LevelInfo>& out);
  void queue(uint8_t side, int64_t price, std::vector<QueueEntry>& out);
  bool queue_position(int64_t id, QueuePosition& out);
  bool order(int64_t id, OrderInfo& out);
  // Every resting order in book order (bids best first, then asks best first) and every pending stop by id.
  void resting(std::vector<std::pair<LevelInfo, std::vector<QueueEntry>>>& bids,
               std::vector<std::pair<LevelInfo, std::vector<QueueEntry>>>& asks);
  void pending_stops(std::vector<OrderInfo>& out);
  BookStats stats() const;

 private:
  void apply(const BatchInput& in, std::size_t i);
  void submit(const BatchInput& in, std::size_t i, int64_t id, uint8_t raw_side);
  void cancel(int64_t id, bool id_ok, uint8_t raw_side);
  void replace(const BatchInput& in, std::size_t i, int64_t id, bool id_ok, uint8_t raw_side);
  void end_of_day();
  void expire_due();

  // matching.cpp
  void execute(uint32_t ti);
  bool fok_fillable(const Order& t);
  void rest(uint32_t i);
  void activate(uint32_t i);
  void run_triggers();
  void on_trade(int64_t price) {
    last_price_ = price;
    has_last_ = true;
    if (!window_) {
      window_ = true;
      win_hi_ = win_lo_ = price;
    } else {
      if (price > win_hi_) win_hi_ = price;
      if (price < win_lo_) win_lo_ = price;
    }
  }
  bool stp_applies(const Order& taker, const Order& maker) const {
    return config_.stp != StpMode::kNone && taker.owner != 0 && maker.owner == taker.owner;
  }

  // Takes a live order out of the book (resting or pending stop), forgets its id and frees its slot.
  void remove(uint32_t i);
  void release(uint32_t i) {
    const Order& o = pool_[i];
    if (has_expiry(o)) gtd_live_--;
    ids_.erase(o.id);
    pool_.release(i);
  }
  static bool has_expiry(const Order& o) { return o.tif == tif::kGtd && o.type != order_type::kMarket; }
  bool expiry_live(const ExpiryEntry& e) const {
    const Order& o = pool_[e.index];
    return o.gen == e.gen && o.state != OrderState::kFree && o.id == e.id;
  }
  void unlink_resting(uint32_t i) {
    Order& o = pool_[i];
    Ladder& ladder = o.side == side::kBuy ? bids_ : asks_;
    Level& lv = *o.level;
    level_unlink(lv, i, pool_.data());
    if (lv.head == kNil) {
      ladder.vacated(lv, o.price);
    } else {
      ladder.remember(lv, o.price);
    }
  }

  void emit(uint8_t type, int64_t id, int64_t other, int64_t price, int64_t qty, int64_t remaining, uint8_t side,
            uint8_t reason) {
    events_.push(type, id, other, price, qty, remaining, side, reason, cur_ts_, cur_op_);
  }
  void reject(int64_t id, uint8_t raw_side, uint8_t why) { emit(event::kRejected, id, 0, 0, 0, 0, raw_side, why); }
  bool in_range(int64_t price) const { return price >= config_.min_price && price <= config_.max_price; }

  BookConfig config_;
  OrderPool pool_;
  IdMap ids_;
  Ladder bids_{true};
  Ladder asks_{false};
  StopBook stops_;
  ExpiryQueue expiries_;
  std::size_t gtd_live_ = 0;  // live orders with an entry in expiries_
  EventBuffer events_;
  std::vector<uint32_t> trigger_queue_;

  uint64_t seq_ = 0;
  int64_t now_ = INT64_MIN;
  bool has_clock_ = false;
  int64_t cur_ts_ = 0;
  uint32_t cur_op_ = 0;
  bool has_last_ = false;
  int64_t last_price_ = 0;
  bool window_ = false;  // trades since stops were last evaluated
  int64_t win_hi_ = 0;
  int64_t win_lo_ = 0;
};

}  // namespace omq::book
