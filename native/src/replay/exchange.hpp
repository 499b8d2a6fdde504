// The simulated venue: the replayed book of each instrument as the venue sees it (market events applied at their
// exchange timestamps) and our orders, which live apart from that book (after hftbacktest's PartialFillExchange
// and NoPartialFillExchange). Every outcome is a Response emitted at exchange time; the engine (replay.hpp) adds
// the response latency.
//
// Fill rules (L2; `front` is the queue model's market quantity ahead of us, see queue_models.hpp):
//   - A trade print at our price moves our queue position (queue model); once the market has traded through us
//     (front <= -1), partial-fill mode executes min(lots traded through us, the trade's quantity not already
//     given to our earlier orders at that price, leaves); no-partial-fill mode executes all the leaves.
//   - A trade print through our price (a sell aggressor below our bid, a buy aggressor above our ask) fills all
//     the leaves, as does the opposite best reaching our price (best ask <= our bid after an update).
//   - Maker fills are at our order's price.
// Fill rules (L3 FIFO): an execution of a market order behind ours in the FIFO, or at a worse price than ours,
// fills all our leaves; the opposite best reaching our price too. Trade prints do not fill in L3 mode.
//
// Taker orders walk the replayed book (the book is not changed: it is replayed):
//   - partial-fill mode: a marketable limit takes each level's displayed quantity from the best up to its limit;
//     IOC expires the rest, FOK executes only if the displayed quantity up to its limit covers it (else expires
//     whole), GTC fills the rest at its limit price as taker (hftbacktest's rule: a replayed book cannot be
//     moved, so the order cannot rest through it). A market order walks the whole side and expires the rest.
//   - no-partial-fill mode: every marketable order fills its whole quantity at the opposite best.
//   - GTX (post-only) that would take is rejected.
//   - With no-double-fill on, quantity we took at a level is not available to our later taker orders until a
//     book update at that level replaces it.
// Cancels and replaces of orders that are not open (filled, cancelled, expired, unknown) are rejected: a cancel
// that arrives after the fill does not cancel. A replace at the same price with a smaller or equal quantity
// keeps queue priority; any other replace goes to the back of the queue at its new price (and may take).
// Replace quantities are the new leaves (remaining) quantity.
//
// DEPTH_CLEAR removes the levels of a side; in L3 mode it also expires our orders on that side (the FIFO
// position is lost, as hftbacktest does). L2 queue estimates survive a clear: the snapshot that follows sets the
// level again, which only ever lowers `front` (the level-shrink rule).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "replay/fees.hpp"
#include "replay/id_map.hpp"
#include "replay/l3_book.hpp"
#include "replay/ladder.hpp"
#include "replay/queue_models.hpp"
#include "replay/rng.hpp"
#include "replay/types.hpp"

#pragma GCC visibility push(hidden)
namespace omq::replay {

struct InstrumentSpec {
  double tick_size = 1;
  double lot_size = 1;
};

struct ExchangeConfig {
  std::vector<InstrumentSpec> instruments;
  QueueConfig queue;
  FeeConfig fees;
  bool partial_fills = true;
  bool no_double_fill = false;
  bool l3 = false;
};

struct Order {
  uint64_t id;
  int64_t price;
  int64_t leaves;
  int64_t executed;
  uint32_t seq;       // arrival order, for FIFO among our orders
  int32_t l3_node;    // node in the L3 book, -1 in L2 mode
  uint16_t instrument;
  int8_t side;
  uint8_t type;
  uint8_t tif;
  QueueState q;
};

class Exchange {
 public:
  Exchange(const ExchangeConfig& c, std::vector<Response>& out);

  // A market event at exchange time t.
  void on_row(const Row& r, int64_t t);
  // One of our requests reaching the venue at exchange time t.
  void on_request(const Request& rq, int64_t t);

  const Book& book(std::size_t i) const { return inst_[i].l3 ? inst_[i].l3->agg : inst_[i].book; }
  const Account& account(std::size_t i) const { return inst_[i].acct; }
  std::size_t instruments() const { return inst_.size(); }
  std::size_t open_orders() const { return live_.size(); }
  uint64_t unknown_l3_ids() const;
  // Market quantity ahead of our open order `id` (queue model estimate, or exact in L3); false if not open.
  bool queue_ahead(uint64_t id, double& ahead) const;
  Rng& rng() { return rng_; }
  void reseed(uint64_t seed) { rng_.reseed(seed); }

  // Fee in currency of a fill (for reporting): exact fee units x tick x lot / 1e8.
  double fee_currency(std::size_t i, int128 fee_units) const {
    return to_double(fee_units) * inst_[i].unit / 1e8;
  }
  double unit(std::size_t i) const { return inst_[i].unit; }

 private:
  struct Consumed {
    int64_t price;
    int64_t qty;
  };
  struct Inst {
    Book book;
    std::unique_ptr<L3Book> l3;
    std::vector<uint32_t> buys, sells;  // slots of our resting orders, arrival order
    int64_t buy_lo = kNever, buy_hi = kNoPrice, sell_lo = kNever, sell_hi = kNoPrice;
    std::vector<Consumed> consumed[2];  // [0] bids, [1] asks: quantity our takers took (no-double-fill)
    Account acct;
    double unit = 1;  // tick x lot
  };

  Book& ebook(Inst& I) { return I.l3 ? I.l3->agg : I.book; }

  // Market events.
  void depth(Inst& I, int8_t side, int64_t price, int64_t qty, int64_t t);
  void bbo(Inst& I, int8_t side, int64_t price, int64_t qty, int64_t t);
  void clear(Inst& I, int8_t side, int64_t t);
  void trade(Inst& I, int8_t side, int64_t price, int64_t qty, int64_t t);
  void l3_event(Inst& I, const Row& r, int64_t t);
  void level_changed(Inst& I, int8_t side, int64_t price, int64_t prev, int64_t now);
  void cross_check(Inst& I, int8_t book_side, int64_t t);

  // Our orders.
  void new_order(const Request& rq, int64_t t);
  void cancel(const Request& rq, int64_t t);
  void replace(const Request& rq, int64_t t);
  bool marketable(Inst& I, int8_t side, int64_t price);
  // Executes a taker order against the book (best first, up to its limit when has_limit).
  void take(Inst& I, Order& o, int64_t t, bool has_limit);
  void rest(Inst& I, uint32_t slot);
  void unrest(Inst& I, uint32_t slot);
  void fill(Inst& I, Order& o, int64_t t, int64_t price, int64_t qty, bool maker);
  void emit(const Order& o, uint8_t kind, uint8_t why, int64_t t, int64_t price, int64_t qty, int64_t leaves);
  void emit_reject(const Request& rq, uint8_t kind, uint8_t why, int64_t t);
  void refresh_bounds(Inst& I, int8_t side);
  void compact(Inst& I, int8_t side);
  uint32_t alloc(const Order& o);
  void release(uint32_t slot);
  int64_t available(Inst& I, int8_t book_side, int64_t price, int64_t displayed) const;
  void consume(Inst& I, int8_t book_side, int64_t price, int64_t qty);
  void reset_consumed(Inst& I, int8_t book_side, int64_t price);

  ExchangeConfig c_;
  QueueModel queue_;
  std::vector<Response>& out_;
  std::vector<Inst> inst_;
  std::vector<Order> orders_;
  std::vector<uint32_t> free_;
  IdMap live_;  // our open order id -> slot
  uint32_t seq_ = 0;
  Rng rng_;
  std::vector<int64_t> better_scratch_;
};

}  // namespace omq::replay
#pragma GCC visibility pop
