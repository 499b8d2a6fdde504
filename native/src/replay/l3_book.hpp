// A replayed L3 (market-by-order) book with our orders inserted into the FIFO queues: exact queue position
// (after hftbacktest's L3FIFOQueueModel). Each price level is a FIFO list of nodes, market orders and ours; a
// market order joins the tail when added or modified (a modify loses priority, as the MarketEvents contract
// says), ours join the tail when they reach the venue. The aggregated market quantity per level is kept in a
// Book (our orders are not in it), which the exchange uses for taker walks, crossing checks and the top of book.
//
// Events for unknown market order ids (orders that predate the data, or bad data) are counted and skipped.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "replay/id_map.hpp"
#include "replay/ladder.hpp"
#include "replay/types.hpp"

#pragma GCC visibility push(hidden)
namespace omq::replay {

class L3Book {
 public:
  struct Node {
    uint64_t id;    // market order id, or our order's slot for our nodes
    int64_t price;
    int64_t qty;    // market: remaining; ours: leaves
    int32_t prev;
    int32_t next;
    int8_t side;
    uint8_t ours;
  };

  Book agg;           // market quantity per level
  uint64_t unknown_ids = 0;

  const Node& node(int32_t n) const { return nodes_[static_cast<std::size_t>(n)]; }

  // Market feed --------------------------------------------------------------------------------------------------

  // Returns false when the id is already live (the event is skipped).
  bool add(uint64_t id, int8_t side, int64_t price, int64_t qty) {
    if (ids_.find(id) != IdMap::kMissing) {
      ++unknown_ids;
      return false;
    }
    const int32_t n = alloc({id, price, qty, -1, -1, side, 0});
    ids_.put(id, n);
    push_back(n);
    bump(side, price, qty);
    return true;
  }

  // Partial cancel; the order is removed when nothing remains. Returns the order's side (0 when unknown) and
  // sets `price_out`.
  int8_t cancel(uint64_t id, int64_t qty, int64_t& price_out) {
    const int32_t n = ids_.find(id);
    if (n == IdMap::kMissing) {
      ++unknown_ids;
      return 0;
    }
    Node& o = nodes_[static_cast<std::size_t>(n)];
    const int8_t side = o.side;
    price_out = o.price;
    const int64_t take = qty < o.qty ? qty : o.qty;
    bump(o.side, o.price, -take);
    o.qty -= take;
    if (o.qty <= 0) remove_market(id, n);
    return side;
  }

  int8_t remove(uint64_t id, int64_t& price_out) {
    const int32_t n = ids_.find(id);
    if (n == IdMap::kMissing) {
      ++unknown_ids;
      return 0;
    }
    const Node& o = nodes_[static_cast<std::size_t>(n)];
    const int8_t side = o.side;
    price_out = o.price;
    bump(o.side, o.price, -o.qty);
    remove_market(id, n);
    return side;
  }

  // New price and quantity, back of the queue. Returns the order's side (0 when unknown) and sets the old price.
  int8_t modify(uint64_t id, int64_t price, int64_t qty, int64_t& old_price) {
    const int32_t n = ids_.find(id);
    if (n == IdMap::kMissing) {
      ++unknown_ids;
      return 0;
    }
    Node& o = nodes_[static_cast<std::size_t>(n)];
    old_price = o.price;
    bump(o.side, o.price, -o.qty);
    unlink(n);
    o.price = price;
    o.qty = qty;
    if (qty <= 0) {
      const int8_t s = o.side;
      ids_.erase(id);
      release(n);
      return s;
    }
    push_back(n);
    bump(o.side, price, qty);
    return o.side;
  }

  // Execution of `qty` of market order `id`. Calls ahead(slot) for each of our nodes ahead of it in its level
  // (the aggressor went through them) before applying the execution. Returns the order's side and sets
  // `price_out` (0 side when unknown).
  template <typename F>
  int8_t execute(uint64_t id, int64_t qty, int64_t& price_out, F&& ahead) {
    const int32_t n = ids_.find(id);
    if (n == IdMap::kMissing) {
      ++unknown_ids;
      return 0;
    }
    const Node o = nodes_[static_cast<std::size_t>(n)];
    price_out = o.price;
    Level& lv = level(o.side, o.price);
    if (lv.ours > 0) {
      std::vector<uint32_t>& hits = scratch_;
      hits.clear();
      for (int32_t k = lv.head; k != n && k >= 0; k = nodes_[static_cast<std::size_t>(k)].next) {
        if (nodes_[static_cast<std::size_t>(k)].ours) hits.push_back(static_cast<uint32_t>(nodes_[static_cast<std::size_t>(k)].id));
      }
      for (const uint32_t slot : hits) ahead(slot);
    }
    Node& live = nodes_[static_cast<std::size_t>(n)];
    const int64_t take = qty < live.qty ? qty : live.qty;
    bump(live.side, live.price, -take);
    live.qty -= take;
    if (live.qty <= 0) remove_market(id, n);
    return o.side;
  }

  // Removes every market order on `side` (0 = both). Our nodes on that side must have been removed first.
  void clear(int8_t side) {
    for (int8_t s : {int8_t{1}, int8_t{-1}}) {
      if (side != 0 && side != s) continue;
      auto& levels = s > 0 ? bids_ : asks_;
      for (auto& entry : levels) {
        for (int32_t k = entry.second.head; k >= 0;) {
          const int32_t next = nodes_[static_cast<std::size_t>(k)].next;
          if (!nodes_[static_cast<std::size_t>(k)].ours) ids_.erase(nodes_[static_cast<std::size_t>(k)].id);
          release(k);
          k = next;
        }
      }
      levels.clear();
      agg.side(s).clear();
    }
  }

  // Our orders -------------------------------------------------------------------------------------------------

  int32_t add_ours(uint32_t slot, int8_t side, int64_t price, int64_t qty) {
    const int32_t n = alloc({slot, price, qty, -1, -1, side, 1});
    push_back(n);
    level(side, price).ours += 1;
    return n;
  }

  void remove_ours(int32_t n) {
    const Node& o = nodes_[static_cast<std::size_t>(n)];
    level(o.side, o.price).ours -= 1;
    unlink(n);
    release(n);
  }

  void set_ours_qty(int32_t n, int64_t qty) { nodes_[static_cast<std::size_t>(n)].qty = qty; }

  // Market quantity ahead of node n in its level.
  int64_t qty_ahead(int32_t n) const {
    const Node& o = nodes_[static_cast<std::size_t>(n)];
    const auto& levels = o.side > 0 ? bids_ : asks_;
    const auto it = levels.find(o.price);
    if (it == levels.end()) return 0;
    int64_t q = 0;
    for (int32_t k = it->second.head; k >= 0 && k != n; k = nodes_[static_cast<std::size_t>(k)].next) {
      if (!nodes_[static_cast<std::size_t>(k)].ours) q += nodes_[static_cast<std::size_t>(k)].qty;
    }
    return q;
  }

  std::size_t live_orders() const { return ids_.size(); }

 private:
  struct Level {
    int32_t head = -1;
    int32_t tail = -1;
    int32_t ours = 0;
  };

  Level& level(int8_t side, int64_t price) { return (side > 0 ? bids_ : asks_)[price]; }

  void bump(int8_t side, int64_t price, int64_t delta) {
    Ladder& l = agg.side(side);
    l.set(price, l.qty(price) + delta);
  }

  int32_t alloc(const Node& v) {
    if (!free_.empty()) {
      const int32_t n = free_.back();
      free_.pop_back();
      nodes_[static_cast<std::size_t>(n)] = v;
      return n;
    }
    nodes_.push_back(v);
    return static_cast<int32_t>(nodes_.size() - 1);
  }
  void release(int32_t n) { free_.push_back(n); }

  void push_back(int32_t n) {
    Node& o = nodes_[static_cast<std::size_t>(n)];
    Level& lv = level(o.side, o.price);
    o.prev = lv.tail;
    o.next = -1;
    if (lv.tail >= 0) nodes_[static_cast<std::size_t>(lv.tail)].next = n;
    else lv.head = n;
    lv.tail = n;
  }

  void unlink(int32_t n) {
    Node& o = nodes_[static_cast<std::size_t>(n)];
    auto& levels = o.side > 0 ? bids_ : asks_;
    const auto it = levels.find(o.price);
    if (it == levels.end()) return;
    Level& lv = it->second;
    if (o.prev >= 0) nodes_[static_cast<std::size_t>(o.prev)].next = o.next;
    else lv.head = o.next;
    if (o.next >= 0) nodes_[static_cast<std::size_t>(o.next)].prev = o.prev;
    else lv.tail = o.prev;
    o.prev = o.next = -1;
    if (lv.head < 0 && lv.ours == 0) levels.erase(it);
  }

  void remove_market(uint64_t id, int32_t n) {
    unlink(n);
    ids_.erase(id);
    release(n);
  }

  std::vector<Node> nodes_;
  std::vector<int32_t> free_;
  IdMap ids_;
  std::unordered_map<int64_t, Level> bids_, asks_;
  std::vector<uint32_t> scratch_;
};

}  // namespace omq::replay
#pragma GCC visibility pop
