// Read-only views of the book: top of book, L2 depth, L3 queues, queue positions, order lookups, snapshots.
#include <algorithm>

#include "book/order_book.hpp"

namespace omq::book {

bool OrderBook::top(uint8_t s, LevelInfo& out) {
  Ladder& ladder = s == side::kBuy ? bids_ : asks_;
  if (ladder.empty()) return false;
  const Level& lv = *ladder.find(ladder.best());
  out = LevelInfo{ladder.best(), lv.qty, level_count(lv, pool_.data())};
  return true;
}

void OrderBook::depth(uint8_t s, std::size_t n, std::vector<LevelInfo>& out) {
  out.clear();
  Ladder& ladder = s == side::kBuy ? bids_ : asks_;
  if (ladder.empty() || n == 0) return;
  int64_t px = ladder.best();
  for (;;) {
    const Level& lv = *ladder.find(px);
    out.push_back(LevelInfo{px, lv.qty, level_count(lv, pool_.data())});
    if (out.size() >= n || !ladder.next(px, px)) return;
  }
}

void OrderBook::queue(uint8_t s, int64_t price, std::vector<QueueEntry>& out) {
  out.clear();
  Ladder& ladder = s == side::kBuy ? bids_ : asks_;
  const Level* lv = ladder.find(price);
  if (lv == nullptr) return;
  for (uint32_t i = lv->head; i != kNil; i = pool_[i].next) {
    const Order& o = pool_[i];
    out.push_back(QueueEntry{o.id, o.visible, o.remaining - o.visible, o.owner});
  }
}

bool OrderBook::queue_position(int64_t id, QueuePosition& out) {
  if (id <= 0) return false;
  const uint32_t idx = ids_.find(id);
  if (idx == kNil || pool_[idx].state != OrderState::kResting) return false;
  const Order& o = pool_[idx];
  int64_t ahead = 0;
  uint32_t n = 0;
  for (uint32_t i = o.level->head; i != idx; i = pool_[i].next) {
    ahead += pool_[i].visible;
    n++;
  }
  out = QueuePosition{o.side, o.price, ahead, n, o.visible, o.remaining};
  return true;
}

namespace {
OrderInfo info_of(const Order& o) {
  OrderInfo r{};
  r.id = o.id;
  r.side = o.side;
  r.type = o.type;
  r.tif = o.tif;
  r.state = o.state;
  r.price = o.price;
  r.remaining = o.remaining;
  r.visible = o.state == OrderState::kResting ? o.visible : 0;
  r.peak = o.peak;
  r.trail = o.trail;
  r.expire_ns = o.expire_ns;
  r.owner = o.owner;
  r.has_stop = o.state == OrderState::kPendingStop && (o.type != order_type::kTrailingStop || o.has_ref);
  r.stop_price = r.has_stop ? StopBook::effective_stop(o) : o.stop_price;
  return r;
}
}  // namespace

bool OrderBook::order(int64_t id, OrderInfo& out) {
  if (id <= 0) return false;
  const uint32_t idx = ids_.find(id);
  if (idx == kNil) return false;
  out = info_of(pool_[idx]);
  return true;
}

void OrderBook::resting(std::vector<std::pair<LevelInfo, std::vector<QueueEntry>>>& bids,
                        std::vector<std::pair<LevelInfo, std::vector<QueueEntry>>>& asks) {
  for (const uint8_t s : {side::kBuy, side::kSell}) {
    auto& out = s == side::kBuy ? bids : asks;
    out.clear();
    Ladder& ladder = s == side::kBuy ? bids_ : asks_;
    if (ladder.empty()) continue;
    int64_t px = ladder.best();
    for (;;) {
      const Level& lv = *ladder.find(px);
      out.emplace_back(LevelInfo{px, lv.qty, level_count(lv, pool_.data())}, std::vector<QueueEntry>{});
      queue(s, px, out.back().second);
      if (!ladder.next(px, px)) break;
    }
  }
}

void OrderBook::pending_stops(std::vector<OrderInfo>& out) {
  out.clear();
  stops_.for_each([&](uint32_t i) { out.push_back(info_of(pool_[i])); });
  std::sort(out.begin(), out.end(), [](const OrderInfo& a, const OrderInfo& b) { return a.id < b.id; });
}

BookStats OrderBook::stats() const {
  return BookStats{ids_.size(), bids_.levels(), asks_.levels(), stops_.size(), has_last_, last_price_, has_clock_, now_};
}

}  // namespace omq::book
