// Per-order (L3) books rebuilt from ITCH 5.0 order messages, one per stock locate.
//
// A/F add an order, E/C execute part or all of it, X cancels part of it, D deletes it, U replaces it (the old
// reference leaves the book, the new one enters with the same side). Price levels aggregate the live orders of
// each side. While it builds, the builder writes rows into four tables, cleared by the caller after each chunk:
//   orders  every A F E C X D U applied to a book (the L3 event log);
//   l2      every change of an aggregated level (shares 0 = the level is gone), limited to the top `levels`
//           levels if set: then a level pushed out of view is written with shares 0 and one coming into view
//           with its size, so the rows replay into an exact top-N book;
//   bbo     the best bid and offer of a stock after each message that changed either (0 price = empty side);
//   trades  E and C (at the resting order's side; C at its execution price), P (non-displayed) and Q (cross).
// Prices stay Price(4) integers (1e-4 dollars). Message and timestamp columns are doubles, exact below 2^53.
//
// Inconsistent input (an execution of an unknown order, more shares executed than remain, a reference added
// twice) never throws: it is counted in Anomalies and the message is applied as far as it can be.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "itch/framer.hpp"
#include "itch/levels.hpp"
#include "itch/messages.hpp"
#include "itch/order_map.hpp"

namespace omq::itch {

struct StockBook {
  SideLevels bids{true};   // best = highest price
  SideLevels asks{false};  // best = lowest price
  std::uint32_t bbo_bid_price = 0, bbo_ask_price = 0;
  std::uint64_t bbo_bid_shares = 0, bbo_ask_shares = 0;
};

struct DirectoryEntry {
  std::uint16_t locate;
  char stock[8];
  char market_category;
  char financial_status;
  std::uint32_t round_lot_size;
  double timestamp;
};

/// One column of a table: either memory the caller lends (`attach`, e.g. a JavaScript typed array) or memory the
/// table owns and grows (not zero-filled).
template <class T>
struct Column {
  T* data = nullptr;
  std::unique_ptr<T[]> owned;
  void grow(std::size_t used, std::size_t capacity) {
    std::unique_ptr<T[]> p(new T[capacity]);
    if (used) std::memcpy(p.get(), data, used * sizeof(T));
    owned = std::move(p);
    data = owned.get();
  }
  T& operator[](std::size_t i) { return data[i]; }
  const T& operator[](std::size_t i) const { return data[i]; }
};

/// A table of rows stored column by column: `reserve(k)` once per row, then write row `n` of each column.
/// `columns(f)` calls f on every column, in a fixed order. With lent memory (`external`) the capacity is fixed
/// and the builder stops before a message that might not fit (see BookBuilder::kMaxRowsPerMessage).
template <class Derived>
struct Rows {
  std::size_t n = 0, cap = 0;
  bool external = false;
  std::size_t size() const { return n; }
  bool room(std::size_t k) const { return !external || n + k <= cap; }
  void reserve(std::size_t extra) {
    if (n + extra <= cap) return;
    std::size_t c = cap * 2;
    if (c < n + extra) c = n + extra;
    if (c < 1024) c = 1024;
    static_cast<Derived*>(this)->columns([&](auto& col) { col.grow(n, c); });
    cap = c;
    external = false;
  }
  void clear() { n = 0; }
};

struct OrderRows : Rows<OrderRows> {
  Column<double> message, timestamp;
  Column<std::uint16_t> locate;
  Column<std::uint8_t> kind;
  Column<std::uint64_t> ref, new_ref;
  Column<std::int8_t> side;
  Column<std::uint32_t> shares, price, remaining;
  template <class F>
  void columns(F&& f) {
    f(message), f(timestamp), f(locate), f(kind), f(ref), f(new_ref), f(side), f(shares), f(price), f(remaining);
  }
};

struct L2Rows : Rows<L2Rows> {
  Column<double> message, timestamp, shares;
  Column<std::uint16_t> locate;
  Column<std::int8_t> side;
  Column<std::uint32_t> price, orders;
  template <class F>
  void columns(F&& f) {
    f(message), f(timestamp), f(locate), f(side), f(price), f(shares), f(orders);
  }
};

struct BboRows : Rows<BboRows> {
  Column<double> message, timestamp, bid_shares, ask_shares;
  Column<std::uint16_t> locate;
  Column<std::uint32_t> bid_price, ask_price;
  template <class F>
  void columns(F&& f) {
    f(message), f(timestamp), f(locate), f(bid_price), f(bid_shares), f(ask_price), f(ask_shares);
  }
};

struct TradeRows : Rows<TradeRows> {
  Column<double> message, timestamp, shares;
  Column<std::uint16_t> locate;
  Column<std::uint8_t> kind, printable;
  Column<std::int8_t> side;
  Column<std::uint32_t> price;
  Column<std::uint64_t> match, ref;
  template <class F>
  void columns(F&& f) {
    f(message), f(timestamp), f(locate), f(kind), f(side), f(price), f(shares), f(match), f(ref), f(printable);
  }
};

struct Anomalies {
  std::uint64_t unknown_ref = 0, duplicate_ref = 0, overfill = 0, locate_mismatch = 0;
  std::uint64_t first_unknown_ref_offset = 0, first_duplicate_ref_offset = 0, first_overfill_offset = 0;
  std::uint8_t first_unknown_ref_type = 0;
  std::uint64_t broken_trades = 0;
};

struct BookOptions {
  /// Top-N levels the l2 table follows; 0 = every level.
  std::uint32_t levels = 0;
  bool orders = true, l2 = true, bbo = true, trades = true;
  /// Restrict to these symbols (8 bytes, space padded) as named by the stock directory; empty = every stock.
  std::vector<std::array<char, 8>> symbols;
};

class BookBuilder {
 public:
  explicit BookBuilder(BookOptions options);

  /// Most rows one message can add to each table (orders, l2, bbo, trades): a replace whose new reference was
  /// live in another book touches three levels (two rows each with a depth limit) and two BBOs.
  static constexpr std::size_t kMaxRowsPerMessage = 8;

  /// Frames a chunk and applies its messages. Returns the bytes consumed: fewer than `n` if a table with lent
  /// memory filled up (take its rows, clear, and push the rest) or the stream is bad (framer().failed()).
  std::size_t push(const std::uint8_t* data, std::size_t n);
  bool finish() { return framer_.finish(); }

  const Framer& framer() const { return framer_; }
  const std::array<std::uint64_t, 256>& counts() const { return counts_; }
  std::uint64_t messages() const { return messages_; }
  const Anomalies& anomalies() const { return anomalies_; }
  std::size_t live_orders() const { return orders_map_.size(); }
  const std::vector<DirectoryEntry>& directory() const { return directory_; }
  bool active(std::uint16_t locate) const { return active_[locate] != 0; }

  /// The book of a stock, or nullptr if no order was ever added to it.
  const StockBook* book(std::uint16_t locate) const { return books_[locate].get(); }

  OrderRows& order_rows() { return orders_; }
  L2Rows& l2_rows() { return l2_; }
  BboRows& bbo_rows() { return bbo_; }
  TradeRows& trade_rows() { return trades_; }
  void clear_rows();

 private:
  void on_message(const std::uint8_t* m, std::uint8_t type, std::uint64_t offset);
  void on_directory(const std::uint8_t* m);
  void add(const std::uint8_t* m, std::uint16_t locate, std::uint64_t ref, std::int8_t side, std::uint32_t shares,
           std::uint32_t price, std::uint8_t kind, std::uint64_t offset);
  void execute(const std::uint8_t* m, std::uint8_t type, std::uint16_t locate, std::uint64_t offset);
  void cancel(const std::uint8_t* m, std::uint16_t locate, std::uint64_t offset);
  void remove(const std::uint8_t* m, std::uint16_t locate, std::uint64_t offset);
  void take_shares(Order* o, const Order& order, std::uint32_t shares, std::uint32_t remaining);
  void replace(const std::uint8_t* m, std::uint16_t locate, std::uint64_t offset);
  void trade(const std::uint8_t* m, std::uint8_t type, std::uint16_t locate);

  Order* lookup(std::uint64_t ref, std::uint8_t type, std::uint16_t locate, std::uint64_t offset);
  StockBook& book_of(std::uint16_t locate);
  void change_level(StockBook& b, std::uint16_t locate, std::int8_t side, std::uint32_t price, std::int64_t shares,
                    std::int32_t orders);
  void emit_l2(std::uint16_t locate, std::int8_t side, const Level& level);
  void emit_l2_gone(std::uint16_t locate, std::int8_t side, std::uint32_t price);
  void check_bbo(StockBook& b, std::uint16_t locate);
  void emit_trade(std::uint16_t locate, std::uint8_t kind, std::int8_t side, std::uint32_t price, double shares,
                  std::uint64_t match, std::uint64_t ref, std::uint8_t printable);
  void emit_order(std::uint8_t kind, std::uint16_t locate, std::uint64_t ref, std::uint64_t new_ref, std::int8_t side,
                  std::uint32_t shares, std::uint32_t price, std::uint32_t remaining);

  BookOptions options_;
  Framer framer_;
  std::array<std::uint64_t, 256> counts_{};
  std::uint64_t messages_ = 0;
  OrderMap orders_map_;
  std::vector<std::unique_ptr<StockBook>> books_;
  std::vector<std::uint8_t> active_;
  std::vector<DirectoryEntry> directory_;
  Anomalies anomalies_;

  double message_ = 0;    // index of the message being applied
  double timestamp_ = 0;  // its timestamp

  OrderRows orders_;
  L2Rows l2_;
  BboRows bbo_;
  TradeRows trades_;
};

}  // namespace omq::itch
