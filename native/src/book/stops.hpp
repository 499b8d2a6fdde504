// Untriggered stop orders. Stop-market and stop-limit orders sit in price-ordered sets (buy stops trigger when the
// last trade price rises to their stop, sell stops when it falls to it), so the triggered ones are a prefix.
// Trailing stops move with every trade, so they sit in a plain list that is scanned when trades happen.
//
// Trigger order when several fire at once: buy stops before sell stops; buy stops by ascending stop price, sell
// stops by descending stop price; ties by acceptance sequence.
#pragma once

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "book/order_pool.hpp"
#include "book/types.hpp"

namespace omq::book {

class StopBook {
 public:
  bool empty() const { return buys_.empty() && sells_.empty() && trailing_.empty(); }
  std::size_t size() const { return buys_.size() + sells_.size() + trailing_.size(); }

  void add(OrderPool& pool, uint32_t i) {
    Order& o = pool[i];
    if (o.type == order_type::kTrailingStop) {
      o.trail_pos = static_cast<uint32_t>(trailing_.size());
      trailing_.push_back(i);
    } else if (o.side == side::kBuy) {
      buys_.insert(Key{o.stop_price, o.seq, i});
    } else {
      sells_.insert(Key{-o.stop_price, o.seq, i});
    }
  }

  void remove(OrderPool& pool, uint32_t i) {
    Order& o = pool[i];
    if (o.type == order_type::kTrailingStop) {
      const uint32_t pos = o.trail_pos;
      const uint32_t last = trailing_.back();
      trailing_[pos] = last;
      pool[last].trail_pos = pos;
      trailing_.pop_back();
    } else if (o.side == side::kBuy) {
      buys_.erase(Key{o.stop_price, o.seq, i});
    } else {
      sells_.erase(Key{-o.stop_price, o.seq, i});
    }
  }

  // The stop price at which a pending stop fires (for trailing stops: from its reference price).
  static int64_t effective_stop(const Order& o) {
    if (o.type != order_type::kTrailingStop) return o.stop_price;
    return o.side == side::kBuy ? o.ref + o.trail : o.ref - o.trail;
  }

  // After trades at prices in [lo, hi], the last at `last`: moves trailing references, then removes every stop
  // that fires and appends it to `out` in trigger order.
  void collect(OrderPool& pool, int64_t last, int64_t hi, int64_t lo, std::vector<uint32_t>& out) {
    fired_.clear();
    for (auto it = buys_.begin(); it != buys_.end() && it->price <= last; ++it) {
      fired_.push_back(Fired{side::kBuy, it->price, it->seq, it->index});
    }
    for (auto it = sells_.begin(); it != sells_.end() && -it->price >= last; ++it) {
      fired_.push_back(Fired{side::kSell, -it->price, it->seq, it->index});
    }
    for (const uint32_t i : trailing_) {
      Order& o = pool[i];
      if (o.side == side::kBuy) {
        o.ref = o.has_ref ? std::min(o.ref, lo) : lo;
      } else {
        o.ref = o.has_ref ? std::max(o.ref, hi) : hi;
      }
      o.has_ref = true;
      const int64_t stop = effective_stop(o);
      if (o.side == side::kBuy ? last >= stop : last <= stop) fired_.push_back(Fired{o.side, stop, o.seq, i});
    }
    if (fired_.empty()) return;
    std::sort(fired_.begin(), fired_.end(), [](const Fired& a, const Fired& b) {
      if (a.side != b.side) return a.side < b.side;
      if (a.stop != b.stop) return a.side == side::kBuy ? a.stop < b.stop : a.stop > b.stop;
      return a.seq < b.seq;
    });
    for (const Fired& f : fired_) {
      remove(pool, f.index);
      out.push_back(f.index);
    }
  }

  // Visits every pending stop (any order).
  template <typename F>
  void for_each(F&& f) const {
    for (const Key& k : buys_) f(k.index);
    for (const Key& k : sells_) f(k.index);
    for (const uint32_t i : trailing_) f(i);
  }

 private:
  struct Key {
    int64_t price;  // stop price for buys, minus the stop price for sells: the first key fires first
    uint64_t seq;
    uint32_t index;
    bool operator<(const Key& o) const { return price != o.price ? price < o.price : seq < o.seq; }
  };
  struct Fired {
    uint8_t side;
    int64_t stop;
    uint64_t seq;
    uint32_t index;
  };

  std::set<Key> buys_;
  std::set<Key> sells_;
  std::vector<uint32_t> trailing_;
  std::vector<Fired> fired_;
};

}  // namespace omq::book
