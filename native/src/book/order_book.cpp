// Operations on the book: the per-row prelude (operation code, clock, expiries), submit, cancel, replace and the
// end of the day, with their validation. Matching lives in matching.cpp.
#include "book/order_book.hpp"

#include <algorithm>
#include <chrono>

namespace omq::book {

namespace {
constexpr int64_t kMaxTrail = int64_t{1} << 61;  // with |price| <= 2^62, reference +/- trail stays in int64
constexpr int64_t kMaxQty = (int64_t{1} << 53) - 1;  // exact as a JavaScript number
}

OrderBook::OrderBook(const BookConfig& config) : config_(config), pool_(1024), ids_(1024) {}

void OrderBook::process(const BatchInput& in, LatencyHistogram* latency) {
  if (latency == nullptr) {
    for (std::size_t i = 0; i < in.n; ++i) apply(in, i);
    return;
  }
  using Clock = std::chrono::steady_clock;
  for (std::size_t i = 0; i < in.n; ++i) {
    const auto t0 = Clock::now();
    apply(in, i);
    const auto t1 = Clock::now();
    latency->record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
  }
}

// Every row: a valid operation code, a valid timestamp not before the book clock; then the clock moves and due
// GTD orders expire before the operation itself runs.
void OrderBook::apply(const BatchInput& in, std::size_t i) {
  cur_op_ = static_cast<uint32_t>(i);
  int64_t ts;
  const bool ts_ok = in.ts.get(i, ts);
  cur_ts_ = ts;
  int64_t id;
  const bool id_ok = in.id.get(i, id);
  const uint8_t raw_side = at(in.side, i);
  const uint8_t code = in.op[i];
  if (code >= op::kCount) return reject(id, raw_side, reason::kInvalidOp);
  if (!ts_ok) return reject(id, raw_side, reason::kInvalidTimestamp);
  if (has_clock_ && ts < now_) return reject(id, raw_side, reason::kTimeBackwards);
  now_ = ts;
  has_clock_ = true;
  if (!expiries_.empty() && expiries_.top().expire_ns <= now_) expire_due();

  switch (code) {
    case op::kSubmit:
      if (!id_ok || id <= 0) return reject(id, raw_side, reason::kInvalidId);
      submit(in, i, id, raw_side);
      run_triggers();
      return;
    case op::kCancel:
      return cancel(id, id_ok, raw_side);
    case op::kReplace:
      replace(in, i, id, id_ok, raw_side);
      run_triggers();
      return;
    case op::kAdvanceTime:
      return;
    case op::kEndOfDay:
      return end_of_day();
    default:
      return;
  }
}

void OrderBook::submit(const BatchInput& in, std::size_t i, int64_t id, uint8_t raw_side) {
  if (ids_.find(id) != kNil) return reject(id, raw_side, reason::kDuplicateId);
  if (raw_side > side::kSell) return reject(id, raw_side, reason::kInvalidSide);
  const uint8_t type = at(in.type, i);
  if (type >= order_type::kCount) return reject(id, raw_side, reason::kInvalidType);
  const uint8_t tf = at(in.tif, i);
  if (tf >= tif::kCount) return reject(id, raw_side, reason::kInvalidTif);
  int64_t qty;
  if (!in.qty.get(i, qty) || qty <= 0 || qty > kMaxQty) return reject(id, raw_side, reason::kInvalidQuantity);

  const bool has_limit = type == order_type::kLimit || type == order_type::kStopLimit;
  int64_t price = 0;
  if (has_limit) {
    if (!in.price.get(i, price)) return reject(id, raw_side, reason::kPriceOffTick);
    if (!in_range(price)) return reject(id, raw_side, reason::kPriceOutOfRange);
  }
  int64_t stop = 0;
  if (type == order_type::kStop || type == order_type::kStopLimit) {
    if (!in.stop_price.get(i, stop) || !in_range(stop)) return reject(id, raw_side, reason::kInvalidStopPrice);
  }
  int64_t trail = 0;
  if (type == order_type::kTrailingStop) {
    if (!in.trail.get(i, trail) || trail <= 0 || trail > kMaxTrail) {
      return reject(id, raw_side, reason::kInvalidTrail);
    }
  }
  int64_t display;
  if (!in.display_qty.get(i, display)) return reject(id, raw_side, reason::kInvalidDisplayQty);
  if (display != 0) {
    const bool resting_tif = tf == tif::kGtc || tf == tif::kDay || tf == tif::kGtd;
    if (type != order_type::kLimit || !resting_tif || display < 0 || display > qty) {
      return reject(id, raw_side, reason::kInvalidDisplayQty);
    }
  }
  int64_t expire = 0;
  if (tf == tif::kGtd) {
    if (!in.expire_ns.get(i, expire) || expire <= now_) return reject(id, raw_side, reason::kInvalidExpiry);
  }
  const uint8_t flags = at(in.flags, i);
  if ((flags & ~flag::kSubmitMask) != 0 || flags == flag::kSubmitMask) {
    return reject(id, raw_side, reason::kInvalidFlags);
  }
  if (flags != 0 && (type != order_type::kLimit || tf == tif::kIoc || tf == tif::kFok)) {
    return reject(id, raw_side, reason::kInvalidFlags);
  }
  if (flags != 0) {
    const Ladder& opp = raw_side == side::kBuy ? asks_ : bids_;
    if (!opp.empty() && (raw_side == side::kBuy ? price >= opp.best() : price <= opp.best())) {
      if (flags == flag::kPostOnlyReject) return reject(id, raw_side, reason::kCrossedPostOnly);
      price = raw_side == side::kBuy ? opp.best() - 1 : opp.best() + 1;
      if (!in_range(price)) return reject(id, raw_side, reason::kPriceOutOfRange);
    }
  }

  const uint32_t idx = pool_.allocate();
  Order& o = pool_[idx];
  o.id = id;
  o.price = price;
  o.remaining = qty;
  o.visible = qty;
  o.prev = o.next = kNil;
  o.level = nullptr;
  o.owner = at(in.owner, i);
  o.side = raw_side;
  o.type = type;
  o.tif = tf;
  o.post_only = flags;
  o.state = OrderState::kActive;
  o.market = type == order_type::kMarket;
  o.peak = display == qty ? 0 : display;
  o.iceberg = o.peak != 0;
  o.expire_ns = expire;
  o.stop_price = stop;
  o.trail = trail;
  o.ref = 0;
  o.has_ref = false;
  o.seq = ++seq_;
  o.trail_pos = 0;
  ids_.insert(id, idx);
  emit(event::kAccepted, id, 0, price, qty, qty, raw_side, reason::kNone);
  if (has_expiry(o)) {
    gtd_live_++;
    expiries_.push(ExpiryEntry{expire, id, idx, o.gen}, gtd_live_, [this](const ExpiryEntry& e) { return expiry_live(e); });
  }

  if (type == order_type::kStop || type == order_type::kStopLimit) {
    const bool fires = has_last_ && (raw_side == side::kBuy ? last_price_ >= stop : last_price_ <= stop);
    if (fires) {
      emit(event::kTriggered, id, 0, stop, qty, qty, raw_side, reason::kNone);
      activate(idx);
    } else {
      o.state = OrderState::kPendingStop;
      stops_.add(pool_, idx);
    }
    return;
  }
  if (type == order_type::kTrailingStop) {
    if (has_last_) {
      o.ref = last_price_;
      o.has_ref = true;
    }
    o.state = OrderState::kPendingStop;
    stops_.add(pool_, idx);
    return;
  }
  execute(idx);
}

void OrderBook::cancel(int64_t id, bool id_ok, uint8_t raw_side) {
  if (!id_ok || id <= 0) return reject(id, raw_side, reason::kInvalidId);
  const uint32_t idx = ids_.find(id);
  if (idx == kNil) return reject(id, raw_side, reason::kUnknownOrder);
  const Order& o = pool_[idx];
  emit(event::kCancelled, id, 0, o.price, o.remaining, 0, o.side, reason::kUserCancel);
  remove(idx);
}

// Replace: a new price and/or a new open quantity (displayed plus reserve). Same price and no increase keeps
// the order's place in the queue; anything else takes it out and enters it again, as a taker if it now crosses.
void OrderBook::replace(const BatchInput& in, std::size_t i, int64_t id, bool id_ok, uint8_t raw_side) {
  if (!id_ok || id <= 0) return reject(id, raw_side, reason::kInvalidId);
  const uint32_t idx = ids_.find(id);
  if (idx == kNil) return reject(id, raw_side, reason::kUnknownOrder);
  Order& o = pool_[idx];
  if (o.state != OrderState::kResting) return reject(id, raw_side, reason::kNotReplaceable);
  const uint8_t flags = at(in.flags, i);
  if ((flags & ~flag::kReplaceMask) != 0) return reject(id, raw_side, reason::kInvalidFlags);
  int64_t price = o.price;
  if ((flags & flag::kKeepPrice) == 0) {
    if (!in.price.get(i, price)) return reject(id, raw_side, reason::kPriceOffTick);
    if (!in_range(price)) return reject(id, raw_side, reason::kPriceOutOfRange);
  }
  int64_t qty = o.remaining;
  if ((flags & flag::kKeepQty) == 0) {
    if (!in.qty.get(i, qty) || qty <= 0 || qty > kMaxQty) return reject(id, raw_side, reason::kInvalidQuantity);
  }
  if (o.post_only != 0 && price != o.price) {
    const Ladder& opp = o.side == side::kBuy ? asks_ : bids_;
    if (!opp.empty() && (o.side == side::kBuy ? price >= opp.best() : price <= opp.best())) {
      if (o.post_only == flag::kPostOnlyReject) return reject(id, raw_side, reason::kCrossedPostOnly);
      price = o.side == side::kBuy ? opp.best() - 1 : opp.best() + 1;
      if (!in_range(price)) return reject(id, raw_side, reason::kPriceOutOfRange);
    }
  }

  if (price == o.price && qty <= o.remaining) {
    const int64_t visible = std::min(o.visible, qty);
    o.level->qty += visible - o.visible;
    o.visible = visible;
    o.remaining = qty;
    emit(event::kReplaced, id, 0, price, qty, qty, o.side, reason::kPriorityKept);
    return;
  }
  unlink_resting(idx);
  o.price = price;
  o.remaining = qty;
  o.state = OrderState::kActive;
  emit(event::kReplaced, id, 0, price, qty, qty, o.side, reason::kNone);
  execute(idx);
}

void OrderBook::remove(uint32_t i) {
  Order& o = pool_[i];
  if (o.state == OrderState::kResting) {
    unlink_resting(i);
  } else if (o.state == OrderState::kPendingStop) {
    stops_.remove(pool_, i);
  }
  release(i);
}

// GTD orders whose expiry is at or before the clock, by (expireNs, id).
void OrderBook::expire_due() {
  while (!expiries_.empty() && expiries_.top().expire_ns <= now_) {
    const ExpiryEntry e = expiries_.top();
    expiries_.pop();
    if (!expiry_live(e)) continue;
    const Order& o = pool_[e.index];
    emit(event::kExpired, o.id, 0, o.price, o.remaining, 0, o.side, reason::kGtdExpired);
    remove(e.index);
  }
}

// DAY orders, resting or pending, expire by id.
void OrderBook::end_of_day() {
  std::vector<std::pair<int64_t, uint32_t>> day;
  for (uint32_t i = 0; i < pool_.slots(); ++i) {
    const Order& o = pool_[i];
    if (o.state != OrderState::kFree && o.tif == tif::kDay) day.emplace_back(o.id, i);
  }
  std::sort(day.begin(), day.end());
  for (const auto& [id, idx] : day) {
    const Order& o = pool_[idx];
    emit(event::kExpired, id, 0, o.price, o.remaining, 0, o.side, reason::kDayExpired);
    remove(idx);
  }
}

}  // namespace omq::book
