// The simulated venue; semantics in exchange.hpp.
#include "replay/exchange.hpp"

#include <algorithm>

namespace omq::replay {

Exchange::Exchange(const ExchangeConfig& c, std::vector<Response>& out) : c_(c), queue_(c.queue), out_(out) {
  inst_.resize(c_.instruments.size());
  for (std::size_t i = 0; i < inst_.size(); ++i) {
    inst_[i].unit = c_.instruments[i].tick_size * c_.instruments[i].lot_size;
    if (c_.l3) inst_[i].l3 = std::make_unique<L3Book>();
  }
}

uint64_t Exchange::unknown_l3_ids() const {
  uint64_t n = 0;
  for (const Inst& I : inst_)
    if (I.l3) n += I.l3->unknown_ids;
  return n;
}

bool Exchange::queue_ahead(uint64_t id, double& ahead) const {
  const int32_t slot = live_.find(id);
  if (slot == IdMap::kMissing) return false;
  const Order& o = orders_[static_cast<std::size_t>(slot)];
  const Inst& I = inst_[o.instrument];
  if (I.l3) {
    ahead = static_cast<double>(I.l3->qty_ahead(o.l3_node));
  } else {
    ahead = o.q.front > 0 ? o.q.front : 0.0;
  }
  return true;
}

// --- market events ------------------------------------------------------------------------------------------------

void Exchange::on_row(const Row& r, int64_t t) {
  Inst& I = inst_[r.instrument];
  switch (r.kind) {
    case kind::kDepth:
    case kind::kDepthSnapshot: depth(I, r.side, r.price, r.qty, t); break;
    case kind::kDepthClear: clear(I, r.side, t); break;
    case kind::kTrade: trade(I, r.side, r.price, r.qty, t); break;
    case kind::kBbo: bbo(I, r.side, r.price, r.qty, t); break;
    default:
      if (kind::is_l3(r.kind) && I.l3) l3_event(I, r, t);
      break;
  }
}

void Exchange::level_changed(Inst& I, int8_t side, int64_t price, int64_t prev, int64_t now) {
  if (side > 0) {
    if (I.buys.empty() || price < I.buy_lo || price > I.buy_hi) return;
    for (const uint32_t s : I.buys) {
      Order& o = orders_[s];
      if (o.price == price) queue_.depth(o.q, prev, now, rng_);
    }
  } else {
    if (I.sells.empty() || price < I.sell_lo || price > I.sell_hi) return;
    for (const uint32_t s : I.sells) {
      Order& o = orders_[s];
      if (o.price == price) queue_.depth(o.q, prev, now, rng_);
    }
  }
}

void Exchange::depth(Inst& I, int8_t side, int64_t price, int64_t qty, int64_t t) {
  const int64_t prev = I.book.side(side).set(price, qty);
  reset_consumed(I, side, price);
  level_changed(I, side, price, prev, qty);
  cross_check(I, side, t);
}

void Exchange::bbo(Inst& I, int8_t side, int64_t price, int64_t qty, int64_t t) {
  Ladder& L = I.book.side(side);
  // Levels better than the quoted best no longer exist.
  std::vector<int64_t>& gone = better_scratch_;
  gone.clear();
  L.visit([&](int64_t p, int64_t) {
    if (!L.better(p, price)) return false;
    gone.push_back(p);
    return true;
  });
  for (const int64_t p : gone) {
    const int64_t prev = L.set(p, 0);
    reset_consumed(I, side, p);
    level_changed(I, side, p, prev, 0);
  }
  const int64_t prev = L.set(price, qty);
  reset_consumed(I, side, price);
  level_changed(I, side, price, prev, qty);
  cross_check(I, side, t);
}

void Exchange::clear(Inst& I, int8_t side, int64_t t) {
  for (const int8_t s : {int8_t{1}, int8_t{-1}}) {
    if (side != 0 && side != s) continue;
    I.consumed[s > 0 ? 0 : 1].clear();
    if (I.l3) {
      // The FIFO position is lost: our orders on that side expire.
      std::vector<uint32_t>& v = s > 0 ? I.buys : I.sells;
      for (const uint32_t slot : v) {
        Order& o = orders_[slot];
        emit(o, resp::kExpired, reason::kNone, t, o.price, o.leaves, 0);
        I.l3->remove_ours(o.l3_node);
        o.l3_node = -1;
        o.leaves = 0;
        live_.erase(o.id);
        release(slot);
      }
      v.clear();
      refresh_bounds(I, s);
      I.l3->clear(s);
    } else {
      I.book.side(s).clear();
    }
  }
}

void Exchange::cross_check(Inst& I, int8_t book_side, int64_t t) {
  const Book& B = ebook(I);
  if (book_side <= 0 && !I.buys.empty()) {
    const int64_t a = B.asks.best();
    if (a != kNoPrice && a <= I.buy_hi) {
      for (const uint32_t s : I.buys) {
        Order& o = orders_[s];
        if (o.price >= a && o.leaves > 0) fill(I, o, t, o.price, o.leaves, true);
      }
      compact(I, 1);
    }
  }
  if (book_side >= 0 && !I.sells.empty()) {
    const int64_t b = B.bids.best();
    if (b != kNoPrice && b >= I.sell_lo) {
      for (const uint32_t s : I.sells) {
        Order& o = orders_[s];
        if (o.price <= b && o.leaves > 0) fill(I, o, t, o.price, o.leaves, true);
      }
      compact(I, -1);
    }
  }
}

void Exchange::trade(Inst& I, int8_t side, int64_t price, int64_t qty, int64_t t) {
  if (I.l3) return;  // L3: executions drive fills
  if (side == 0) {
    const int64_t a = I.book.asks.best(), b = I.book.bids.best();
    if (a != kNoPrice && price >= a) side = 1;
    else if (b != kNoPrice && price <= b) side = -1;
    else return;
  }
  // A sell aggressor trades against bids (our buys); a buy aggressor against asks (our sells).
  const int8_t ours = side < 0 ? 1 : -1;
  std::vector<uint32_t>& v = ours > 0 ? I.buys : I.sells;
  if (v.empty()) return;
  if (ours > 0 ? price > I.buy_hi : price < I.sell_lo) return;
  int64_t budget = qty;
  bool any = false;
  for (const uint32_t s : v) {
    Order& o = orders_[s];
    if (o.leaves <= 0) continue;
    const bool through = ours > 0 ? o.price > price : o.price < price;
    if (through) {
      fill(I, o, t, o.price, o.leaves, true);
      any = true;
    } else if (o.price == price) {
      queue_.trade(o.q, qty);
      const int64_t passed = QueueModel::filled(o.q);
      if (passed <= 0) continue;
      int64_t exec = o.leaves;
      if (c_.partial_fills) {
        exec = std::min(std::min(passed, budget), o.leaves);
        budget -= exec;
      }
      if (exec > 0) {
        fill(I, o, t, o.price, exec, true);
        any = true;
      }
    }
  }
  if (any) compact(I, ours);
}

void Exchange::l3_event(Inst& I, const Row& r, int64_t t) {
  L3Book& B = *I.l3;
  switch (r.kind) {
    case kind::kL3Add:
      if (B.add(r.order_id, r.side, r.price, r.qty)) {
        reset_consumed(I, r.side, r.price);
        cross_check(I, r.side, t);
      }
      break;
    case kind::kL3Cancel: {
      int64_t p = 0;
      const int8_t s = B.cancel(r.order_id, r.qty, p);
      if (s != 0) reset_consumed(I, s, p);
      break;
    }
    case kind::kL3Delete: {
      int64_t p = 0;
      const int8_t s = B.remove(r.order_id, p);
      if (s != 0) reset_consumed(I, s, p);
      break;
    }
    case kind::kL3Modify: {
      int64_t old = 0;
      const int8_t s = B.modify(r.order_id, r.price, r.qty, old);
      if (s != 0) {
        reset_consumed(I, s, old);
        reset_consumed(I, s, r.price);
        cross_check(I, s, t);
      }
      break;
    }
    case kind::kL3Execute: {
      int64_t p = 0;
      const int8_t s = B.execute(r.order_id, r.qty, p, [&](uint32_t slot) {
        Order& o = orders_[slot];
        if (o.leaves > 0) fill(I, o, t, o.price, o.leaves, true);
      });
      if (s == 0) break;
      // Our orders at better prices on the executed side were passed through.
      std::vector<uint32_t>& v = s > 0 ? I.buys : I.sells;
      for (const uint32_t slot : v) {
        Order& o = orders_[slot];
        if (o.leaves > 0 && (s > 0 ? o.price > p : o.price < p)) fill(I, o, t, o.price, o.leaves, true);
      }
      compact(I, s);
      reset_consumed(I, s, p);
      break;
    }
    default: break;
  }
}

// --- our orders ---------------------------------------------------------------------------------------------------

void Exchange::on_request(const Request& rq, int64_t t) {
  switch (rq.op) {
    case op::kNew: new_order(rq, t); break;
    case op::kCancel: cancel(rq, t); break;
    case op::kReplace: replace(rq, t); break;
    default: emit_reject(rq, resp::kRejected, reason::kBadOp, t); break;
  }
}

bool Exchange::marketable(Inst& I, int8_t side, int64_t price) {
  const Book& B = ebook(I);
  if (side > 0) {
    const int64_t a = B.asks.best();
    return a != kNoPrice && price >= a;
  }
  const int64_t b = B.bids.best();
  return b != kNoPrice && price <= b;
}

void Exchange::new_order(const Request& rq, int64_t t) {
  if (!rq.valid) return emit_reject(rq, resp::kRejected, rq.reason, t);
  if (live_.find(rq.id) != IdMap::kMissing) return emit_reject(rq, resp::kRejected, reason::kDuplicateId, t);
  Inst& I = inst_[rq.instrument];
  Order o{rq.id, rq.price, rq.qty, 0, 0, -1, rq.instrument, rq.side, rq.type, rq.tif, {}};
  const Ladder& opp = ebook(I).side(static_cast<int8_t>(-rq.side));
  if (rq.type == order_type::kMarket) {
    o.price = 0;
    if (opp.empty()) return emit(o, resp::kExpired, reason::kNoLiquidity, t, 0, o.leaves, 0);
    if (!c_.partial_fills) return fill(I, o, t, opp.best(), o.leaves, false);
    take(I, o, t, false);
    if (o.leaves > 0) emit(o, resp::kExpired, reason::kNoLiquidity, t, 0, o.leaves, 0);
    return;
  }
  if (marketable(I, o.side, o.price)) {
    if (o.tif == tif::kGtx) return emit_reject(rq, resp::kRejected, reason::kPostOnlyWouldCross, t);
    if (!c_.partial_fills) return fill(I, o, t, opp.best(), o.leaves, false);
    if (o.tif == tif::kFok) {
      int64_t avail = 0;
      opp.visit([&](int64_t p, int64_t q) {
        if (o.side > 0 ? p > o.price : p < o.price) return false;
        avail += available(I, static_cast<int8_t>(-o.side), p, q);
        return avail < o.leaves;
      });
      if (avail < o.leaves) return emit(o, resp::kExpired, reason::kNone, t, o.price, o.leaves, 0);
    }
    take(I, o, t, true);
    if (o.leaves <= 0) return;
    if (o.tif != tif::kGtc) return emit(o, resp::kExpired, reason::kNone, t, o.price, o.leaves, 0);
    if (!c_.no_double_fill) return fill(I, o, t, o.price, o.leaves, false);
    // With no-double-fill the rest waits in the book until the replayed book updates through it.
    const uint32_t slot = alloc(o);
    rest(I, slot);
    orders_[slot].q.front = 0;
    const Order& r = orders_[slot];
    return emit(r, resp::kAccepted, reason::kNone, t, r.price, r.leaves, r.leaves);
  }
  if (o.tif == tif::kIoc || o.tif == tif::kFok) return emit(o, resp::kExpired, reason::kNone, t, o.price, o.leaves, 0);
  const uint32_t slot = alloc(o);
  rest(I, slot);
  const Order& r = orders_[slot];
  emit(r, resp::kAccepted, reason::kNone, t, r.price, r.leaves, r.leaves);
}

void Exchange::cancel(const Request& rq, int64_t t) {
  const int32_t found = live_.find(rq.id);
  if (found == IdMap::kMissing) return emit_reject(rq, resp::kCancelRejected, reason::kNotOpen, t);
  const uint32_t slot = static_cast<uint32_t>(found);
  Order& o = orders_[slot];
  Inst& I = inst_[o.instrument];
  unrest(I, slot);
  emit(o, resp::kCancelled, reason::kNone, t, o.price, o.leaves, 0);
  o.leaves = 0;
  live_.erase(o.id);
  release(slot);
}

void Exchange::replace(const Request& rq, int64_t t) {
  const int32_t found = live_.find(rq.id);
  if (found == IdMap::kMissing) return emit_reject(rq, resp::kReplaceRejected, reason::kNotOpen, t);
  if (!rq.valid) return emit_reject(rq, resp::kReplaceRejected, rq.reason, t);
  const uint32_t slot = static_cast<uint32_t>(found);
  Order& o = orders_[slot];
  Inst& I = inst_[o.instrument];
  if (rq.price == o.price && rq.qty <= o.leaves) {
    o.leaves = rq.qty;
    if (o.l3_node >= 0) I.l3->set_ours_qty(o.l3_node, o.leaves);
    return emit(o, resp::kReplaced, reason::kNone, t, o.price, o.leaves, o.leaves);
  }
  const bool mk = marketable(I, o.side, rq.price);
  if (mk && o.tif == tif::kGtx) return emit_reject(rq, resp::kReplaceRejected, reason::kPostOnlyWouldCross, t);
  unrest(I, slot);
  o.price = rq.price;
  o.leaves = rq.qty;
  emit(o, resp::kReplaced, reason::kNone, t, o.price, o.leaves, o.leaves);
  if (mk) {
    Order& w = orders_[slot];
    if (!c_.partial_fills) {
      fill(I, w, t, ebook(I).side(static_cast<int8_t>(-w.side)).best(), w.leaves, false);
    } else {
      take(I, w, t, true);
      if (w.leaves > 0 && !c_.no_double_fill) fill(I, w, t, w.price, w.leaves, false);
    }
    if (w.leaves <= 0) {
      live_.erase(w.id);
      release(slot);
      return;
    }
    rest(I, slot);
    orders_[slot].q.front = 0;
    return;
  }
  rest(I, slot);
}

void Exchange::take(Inst& I, Order& o, int64_t t, bool has_limit) {
  const int8_t bs = static_cast<int8_t>(-o.side);
  const Ladder& opp = ebook(I).side(bs);
  opp.visit([&](int64_t p, int64_t q) {
    if (o.leaves <= 0) return false;
    if (has_limit && (o.side > 0 ? p > o.price : p < o.price)) return false;
    const int64_t avail = available(I, bs, p, q);
    if (avail <= 0) return true;
    const int64_t n = avail < o.leaves ? avail : o.leaves;
    fill(I, o, t, p, n, false);
    consume(I, bs, p, n);
    return true;
  });
}

void Exchange::rest(Inst& I, uint32_t slot) {
  Order& o = orders_[slot];
  o.seq = seq_++;
  if (I.l3) {
    o.l3_node = I.l3->add_ours(slot, o.side, o.price, o.leaves);
  } else {
    queue_.new_order(o.q, I.book.side(o.side).qty(o.price));
  }
  (o.side > 0 ? I.buys : I.sells).push_back(slot);
  refresh_bounds(I, o.side);
  live_.put(o.id, static_cast<int32_t>(slot));
}

void Exchange::unrest(Inst& I, uint32_t slot) {
  Order& o = orders_[slot];
  std::vector<uint32_t>& v = o.side > 0 ? I.buys : I.sells;
  const auto it = std::find(v.begin(), v.end(), slot);
  if (it != v.end()) v.erase(it);
  if (o.l3_node >= 0) {
    I.l3->remove_ours(o.l3_node);
    o.l3_node = -1;
  }
  refresh_bounds(I, o.side);
}

void Exchange::compact(Inst& I, int8_t side) {
  std::vector<uint32_t>& v = side > 0 ? I.buys : I.sells;
  std::size_t w = 0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const uint32_t slot = v[k];
    Order& o = orders_[slot];
    if (o.leaves > 0) {
      v[w++] = slot;
      continue;
    }
    if (o.l3_node >= 0) {
      I.l3->remove_ours(o.l3_node);
      o.l3_node = -1;
    }
    live_.erase(o.id);
    release(slot);
  }
  v.resize(w);
  refresh_bounds(I, side);
}

void Exchange::refresh_bounds(Inst& I, int8_t side) {
  int64_t lo = kNever, hi = kNoPrice;
  for (const uint32_t s : side > 0 ? I.buys : I.sells) {
    const int64_t p = orders_[s].price;
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  if (side > 0) {
    I.buy_lo = lo;
    I.buy_hi = hi;
  } else {
    I.sell_lo = lo;
    I.sell_hi = hi;
  }
}

void Exchange::fill(Inst& I, Order& o, int64_t t, int64_t price, int64_t qty, bool maker) {
  if (qty <= 0) return;
  o.leaves -= qty;
  o.executed += qty;
  const int64_t rate = maker ? c_.fees.maker_ppb : c_.fees.taker_ppb;
  I.acct.apply(o.side, price, qty, rate);
  const int128 fee_units = static_cast<int128>(price) * qty * rate;
  Response r{};
  r.exch_ts = t;
  r.order_id = o.id;
  r.price = price;
  r.qty = qty;
  r.leaves = o.leaves;
  r.mid2 = ebook(I).mid2();
  r.fee = to_double(fee_units) * I.unit / 1e8;
  r.instrument = o.instrument;
  r.side = o.side;
  r.kind = resp::kFill;
  r.reason = reason::kNone;
  r.maker = maker ? 1 : 0;
  out_.push_back(r);
}

void Exchange::emit(const Order& o, uint8_t kind, uint8_t why, int64_t t, int64_t price, int64_t qty, int64_t leaves) {
  Response r{};
  r.exch_ts = t;
  r.order_id = o.id;
  r.price = price;
  r.qty = qty;
  r.leaves = leaves;
  r.mid2 = kNoPrice;
  r.fee = 0;
  r.instrument = o.instrument;
  r.side = o.side;
  r.kind = kind;
  r.reason = why;
  r.maker = 0;
  out_.push_back(r);
}

void Exchange::emit_reject(const Request& rq, uint8_t kind, uint8_t why, int64_t t) {
  Response r{};
  r.exch_ts = t;
  r.order_id = rq.id;
  r.price = rq.price;
  r.qty = rq.qty;
  r.leaves = 0;
  r.mid2 = kNoPrice;
  r.fee = 0;
  r.instrument = rq.instrument < inst_.size() ? rq.instrument : 0;
  r.side = rq.side;
  r.kind = kind;
  r.reason = why;
  r.maker = 0;
  out_.push_back(r);
}

uint32_t Exchange::alloc(const Order& o) {
  if (!free_.empty()) {
    const uint32_t s = free_.back();
    free_.pop_back();
    orders_[s] = o;
    return s;
  }
  orders_.push_back(o);
  return static_cast<uint32_t>(orders_.size() - 1);
}

void Exchange::release(uint32_t slot) { free_.push_back(slot); }

int64_t Exchange::available(Inst& I, int8_t book_side, int64_t price, int64_t displayed) const {
  if (!c_.no_double_fill) return displayed;
  for (const Consumed& c : I.consumed[book_side > 0 ? 0 : 1]) {
    if (c.price == price) return displayed > c.qty ? displayed - c.qty : 0;
  }
  return displayed;
}

void Exchange::consume(Inst& I, int8_t book_side, int64_t price, int64_t qty) {
  if (!c_.no_double_fill) return;
  auto& v = I.consumed[book_side > 0 ? 0 : 1];
  for (Consumed& c : v) {
    if (c.price == price) {
      c.qty += qty;
      return;
    }
  }
  v.push_back({price, qty});
}

void Exchange::reset_consumed(Inst& I, int8_t book_side, int64_t price) {
  if (!c_.no_double_fill) return;
  auto& v = I.consumed[book_side > 0 ? 0 : 1];
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (v[k].price == price) {
      v[k] = v.back();
      v.pop_back();
      return;
    }
  }
}

}  // namespace omq::replay
