#include "itch/book_builder.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace omq::itch {

BookBuilder::BookBuilder(BookOptions options)
    : options_(std::move(options)), books_(65536), active_(65536, options_.symbols.empty() ? 1 : 0) {}

void BookBuilder::clear_rows() {
  orders_.clear();
  l2_.clear();
  bbo_.clear();
  trades_.clear();
}

namespace {

// Reads the message header at p (within [p, end)); returns the message's full length or 0 if it is incomplete or
// not an ITCH message.
inline std::size_t whole_message(const std::uint8_t* p, const std::uint8_t* end) {
  if (end - p < 3) return 0;
  const std::size_t len = kLengths.len[p[2]];
  return len != 0 && static_cast<std::size_t>(end - p) >= kPrefixLength + len ? kPrefixLength + len : 0;
}

}  // namespace

std::size_t BookBuilder::push(const std::uint8_t* data, std::size_t n) {
  constexpr std::size_t k = kMaxRowsPerMessage;
  // Order lookups are random memory accesses: a cursor runs kAhead messages ahead of the one being applied and
  // starts loading the order slot it will need, so that it is in cache when its turn comes.
  constexpr int kAhead = 4;
  const std::uint8_t* const end = data + n;
  const std::uint8_t* ahead = data + framer_.first_message_in(data, n);
  auto advance = [&] {
    const std::size_t len = whole_message(ahead, end);
    if (len == 0) {
      ahead = end;
      return;
    }
    const std::uint8_t t = ahead[2];
    if (t == 'A' || t == 'F' || t == 'E' || t == 'C' || t == 'X' || t == 'D' || t == 'U') {
      orders_map_.prefetch(be64(ahead + kPrefixLength + off::kOrderRef));
      // A replace also looks up (and then inserts) its new reference: a second random slot.
      if (t == 'U') orders_map_.prefetch(be64(ahead + kPrefixLength + off::kReplaceNewRef));
    }
    ahead += len;
  };
  for (int a = 0; a < kAhead; a++) advance();
  return framer_.push(
      data, n,
      [&](const std::uint8_t* m, std::uint8_t type, std::size_t, std::uint64_t offset) {
        if (m >= data && m < end) advance();
        counts_[type]++;
        on_message(m, type, offset);
        messages_++;
      },
      [&] { return orders_.room(k) && l2_.room(k) && bbo_.room(k) && trades_.room(k); });
}

StockBook& BookBuilder::book_of(std::uint16_t locate) {
  std::unique_ptr<StockBook>& b = books_[locate];
  if (!b) b = std::make_unique<StockBook>();
  return *b;
}

inline void BookBuilder::on_message(const std::uint8_t* m, std::uint8_t type, std::uint64_t offset) {
  const std::uint16_t locate = be16(m + off::kLocate);
  if (type == 'R') {
    on_directory(m);
    return;
  }
  if (!active_[locate]) return;
  switch (type) {
    case 'A':
    case 'F':
    case 'E':
    case 'C':
    case 'X':
    case 'D':
    case 'U':
    case 'P':
    case 'Q': break;
    case 'B': anomalies_.broken_trades++; return;
    default: return;
  }
  message_ = static_cast<double>(messages_);
  timestamp_ = static_cast<double>(be48(m + off::kTimestamp));
  switch (type) {
    case 'A':
    case 'F':
      add(m, locate, be64(m + off::kOrderRef), m[off::kAddSide] == 'B' ? 1 : -1, be32(m + off::kAddShares),
          be32(m + off::kAddPrice), type, offset);
      break;
    case 'E':
    case 'C': execute(m, type, locate, offset); break;
    case 'X': cancel(m, locate, offset); break;
    case 'D': remove(m, locate, offset); break;
    case 'U': replace(m, locate, offset); break;
    default: trade(m, type, locate); break;
  }
}

void BookBuilder::on_directory(const std::uint8_t* m) {
  DirectoryEntry e{};
  e.locate = be16(m + off::kLocate);
  std::memcpy(e.stock, m + off::kDirStock, 8);
  e.market_category = static_cast<char>(m[off::kDirMarketCategory]);
  e.financial_status = static_cast<char>(m[off::kDirFinancialStatus]);
  e.round_lot_size = be32(m + off::kDirRoundLot);
  e.timestamp = static_cast<double>(be48(m + off::kTimestamp));
  if (!options_.symbols.empty()) {
    for (const auto& s : options_.symbols) {
      if (std::memcmp(s.data(), e.stock, 8) == 0) active_[e.locate] = 1;
    }
  }
  directory_.push_back(e);
}

Order* BookBuilder::lookup(std::uint64_t ref, std::uint8_t type, std::uint16_t locate, std::uint64_t offset) {
  Order* o = orders_map_.find(ref);
  if (o == nullptr) {
    if (anomalies_.unknown_ref++ == 0) {
      anomalies_.first_unknown_ref_offset = offset;
      anomalies_.first_unknown_ref_type = type;
    }
    return nullptr;
  }
  if (o->locate != locate) anomalies_.locate_mismatch++;
  return o;
}

void BookBuilder::add(const std::uint8_t*, std::uint16_t locate, std::uint64_t ref, std::int8_t side,
                      std::uint32_t shares, std::uint32_t price, std::uint8_t kind, std::uint64_t offset) {
  const auto [o, fresh] = orders_map_.emplace(ref);
  if (!fresh) {
    // A reference added twice: the later order replaces the earlier one.
    if (anomalies_.duplicate_ref++ == 0) anomalies_.first_duplicate_ref_offset = offset;
    const Order old = *o;
    StockBook& ob = book_of(old.locate);
    change_level(ob, old.locate, old.side, old.price, -static_cast<std::int64_t>(old.shares), -1);
    check_bbo(ob, old.locate);
  }
  *o = Order{ref, shares, price, locate, side, 1};
  StockBook& b = book_of(locate);
  if (options_.orders) emit_order(kind, locate, ref, 0, side, shares, price, shares);
  change_level(b, locate, side, price, shares, 1);
  check_bbo(b, locate);
}

void BookBuilder::execute(const std::uint8_t* m, std::uint8_t type, std::uint16_t locate, std::uint64_t offset) {
  const std::uint64_t ref = be64(m + off::kOrderRef);
  std::uint32_t shares = be32(m + off::kExecShares);
  Order* o = lookup(ref, type, locate, offset);
  if (o == nullptr) return;
  if (shares > o->shares) {
    if (anomalies_.overfill++ == 0) anomalies_.first_overfill_offset = offset;
    shares = o->shares;
  }
  const Order order = *o;
  const std::uint32_t remaining = order.shares - shares;
  if (options_.trades) {
    emit_trade(order.locate, type, order.side, type == 'C' ? be32(m + off::kExecPrice) : order.price, shares,
               be64(m + off::kExecMatch), ref, type == 'C' ? (m[off::kExecPrintable] == 'Y' ? 1 : 0) : 1);
  }
  if (options_.orders) emit_order(type, order.locate, ref, 0, order.side, shares, order.price, remaining);
  take_shares(o, order, shares, remaining);
}

// E, C and X: `shares` leave a resting order (a copy of it in `order`); it is erased when none remain.
void BookBuilder::take_shares(Order* o, const Order& order, std::uint32_t shares, std::uint32_t remaining) {
  StockBook& b = book_of(order.locate);
  if (remaining == 0) {
    orders_map_.erase(o);
    change_level(b, order.locate, order.side, order.price, -static_cast<std::int64_t>(shares), -1);
  } else {
    o->shares = remaining;
    change_level(b, order.locate, order.side, order.price, -static_cast<std::int64_t>(shares), 0);
  }
  check_bbo(b, order.locate);
}

void BookBuilder::cancel(const std::uint8_t* m, std::uint16_t locate, std::uint64_t offset) {
  const std::uint64_t ref = be64(m + off::kOrderRef);
  std::uint32_t shares = be32(m + off::kCancelShares);
  Order* o = lookup(ref, 'X', locate, offset);
  if (o == nullptr) return;
  if (shares > o->shares) {
    if (anomalies_.overfill++ == 0) anomalies_.first_overfill_offset = offset;
    shares = o->shares;
  }
  const Order order = *o;
  const std::uint32_t remaining = order.shares - shares;
  if (options_.orders) emit_order('X', order.locate, ref, 0, order.side, shares, order.price, remaining);
  take_shares(o, order, shares, remaining);
}

void BookBuilder::remove(const std::uint8_t* m, std::uint16_t locate, std::uint64_t offset) {
  const std::uint64_t ref = be64(m + off::kOrderRef);
  Order* o = lookup(ref, 'D', locate, offset);
  if (o == nullptr) return;
  const Order order = *o;
  orders_map_.erase(o);
  if (options_.orders) emit_order('D', order.locate, ref, 0, order.side, order.shares, order.price, 0);
  StockBook& b = book_of(order.locate);
  change_level(b, order.locate, order.side, order.price, -static_cast<std::int64_t>(order.shares), -1);
  check_bbo(b, order.locate);
}

void BookBuilder::replace(const std::uint8_t* m, std::uint16_t locate, std::uint64_t offset) {
  const std::uint64_t ref = be64(m + off::kOrderRef);
  const std::uint64_t new_ref = be64(m + off::kReplaceNewRef);
  const std::uint32_t shares = be32(m + off::kReplaceShares);
  const std::uint32_t price = be32(m + off::kReplacePrice);
  Order* o = lookup(ref, 'U', locate, offset);
  if (o == nullptr) return;
  const Order order = *o;
  orders_map_.erase(o);
  StockBook& b = book_of(order.locate);
  change_level(b, order.locate, order.side, order.price, -static_cast<std::int64_t>(order.shares), -1);
  const auto [n, fresh] = orders_map_.emplace(new_ref);
  if (!fresh) {  // the new reference was live: that order leaves its book
    if (anomalies_.duplicate_ref++ == 0) anomalies_.first_duplicate_ref_offset = offset;
    const Order d = *n;
    StockBook& db = book_of(d.locate);
    change_level(db, d.locate, d.side, d.price, -static_cast<std::int64_t>(d.shares), -1);
    if (&db != &b) check_bbo(db, d.locate);
  }
  *n = Order{new_ref, shares, price, order.locate, order.side, 1};
  if (options_.orders) emit_order('U', order.locate, ref, new_ref, order.side, shares, price, shares);
  change_level(b, order.locate, order.side, price, shares, 1);
  check_bbo(b, order.locate);
}

void BookBuilder::trade(const std::uint8_t* m, std::uint8_t type, std::uint16_t locate) {
  if (!options_.trades) return;
  if (type == 'P') {
    const std::uint8_t side = m[off::kAddSide];
    emit_trade(locate, type, side == 'B' ? 1 : side == 'S' ? -1 : 0, be32(m + off::kAddPrice), be32(m + off::kAddShares),
               be64(m + off::kTradeMatch), be64(m + off::kOrderRef), 1);
  } else {  // 'Q': a cross, no side and no order
    emit_trade(locate, type, 0, be32(m + off::kCrossPrice), static_cast<double>(be64(m + off::kCrossShares)),
               be64(m + off::kCrossMatch), 0, 1);
  }
}

void BookBuilder::emit_trade(std::uint16_t locate, std::uint8_t kind, std::int8_t side, std::uint32_t price,
                             double shares, std::uint64_t match, std::uint64_t ref, std::uint8_t printable) {
  TradeRows& t = trades_;
  t.reserve(1);
  const std::size_t i = t.n++;
  t.message[i] = message_;
  t.timestamp[i] = timestamp_;
  t.locate[i] = locate;
  t.kind[i] = kind;
  t.side[i] = side;
  t.price[i] = price;
  t.shares[i] = shares;
  t.match[i] = match;
  t.ref[i] = ref;
  t.printable[i] = printable;
}

void BookBuilder::emit_order(std::uint8_t kind, std::uint16_t locate, std::uint64_t ref, std::uint64_t new_ref,
                             std::int8_t side, std::uint32_t shares, std::uint32_t price, std::uint32_t remaining) {
  OrderRows& o = orders_;
  o.reserve(1);
  const std::size_t i = o.n++;
  o.message[i] = message_;
  o.timestamp[i] = timestamp_;
  o.locate[i] = locate;
  o.kind[i] = kind;
  o.ref[i] = ref;
  o.new_ref[i] = new_ref;
  o.side[i] = side;
  o.shares[i] = shares;
  o.price[i] = price;
  o.remaining[i] = remaining;
}

inline void BookBuilder::emit_l2(std::uint16_t locate, std::int8_t side, const Level& level) {
  L2Rows& l = l2_;
  l.reserve(1);
  const std::size_t i = l.n++;
  l.message[i] = message_;
  l.timestamp[i] = timestamp_;
  l.locate[i] = locate;
  l.side[i] = side;
  l.price[i] = level.price;
  l.shares[i] = static_cast<double>(level.shares);
  l.orders[i] = level.orders;
}

inline void BookBuilder::emit_l2_gone(std::uint16_t locate, std::int8_t side, std::uint32_t price) {
  emit_l2(locate, side, Level{price, 0, 0});
}

void BookBuilder::change_level(StockBook& b, std::uint16_t locate, std::int8_t side, std::uint32_t price,
                               std::int64_t shares, std::int32_t orders) {
  using Did = SideLevels::Did;
  SideLevels& v = side > 0 ? b.bids : b.asks;
  Level level;
  const Did did = v.change(price, shares, orders, level);
  if (!options_.l2 || did == Did::Nothing) return;
  const std::uint32_t depth = options_.levels;
  if (depth == 0) {
    if (did == Did::Removed) emit_l2_gone(locate, side, price);
    else emit_l2(locate, side, level);
    return;
  }
  // Only the top `depth` levels are followed: a level entering them pushes the one at rank `depth` out of view,
  // a level leaving them brings the one now at rank depth - 1 into view.
  if (v.rank(price) >= depth) return;
  const std::size_t n = v.size();
  if (did == Did::Inserted) {
    emit_l2(locate, side, level);
    if (n > depth) emit_l2_gone(locate, side, v.kth(depth).price);
  } else if (did == Did::Removed) {
    emit_l2_gone(locate, side, price);
    if (n >= depth) emit_l2(locate, side, v.kth(depth - 1));
  } else {
    emit_l2(locate, side, level);
  }
}

void BookBuilder::check_bbo(StockBook& b, std::uint16_t locate) {
  const Level bid = b.bids.empty() ? Level{0, 0, 0} : b.bids.best();
  const Level ask = b.asks.empty() ? Level{0, 0, 0} : b.asks.best();
  const std::uint32_t bp = bid.price, ap = ask.price;
  const std::uint64_t bs = bid.shares, as = ask.shares;
  if (bp == b.bbo_bid_price && bs == b.bbo_bid_shares && ap == b.bbo_ask_price && as == b.bbo_ask_shares) return;
  b.bbo_bid_price = bp, b.bbo_bid_shares = bs, b.bbo_ask_price = ap, b.bbo_ask_shares = as;
  if (!options_.bbo) return;
  BboRows& q = bbo_;
  q.reserve(1);
  const std::size_t i = q.n++;
  q.message[i] = message_;
  q.timestamp[i] = timestamp_;
  q.locate[i] = locate;
  q.bid_price[i] = bp;
  q.bid_shares[i] = static_cast<double>(bs);
  q.ask_price[i] = ap;
  q.ask_shares[i] = static_cast<double>(as);
}

}  // namespace omq::itch
