// Adapts omq::book::OrderBook to JavaScript. lib/sim/order-book.ts is the typed facade; these functions are
// internal to it:
//
//   bookCreate({ minPrice: bigint, maxPrice: bigint, stp: 0..3 }) -> handle (a type-tagged external)
//   bookProcessBatch(handle, columns, out?, measureLatency?) -> number of events written into `out`, or, when
//       `out` is absent or too small, { count, type, orderId, ... } with fresh typed arrays of length count
//   bookTop(handle) -> { bid: { price, qty, orders } | null, ask: ... }
//   bookDepth(handle, levels) -> { bids: [{ price, qty, orders }], asks: [...] }
//   bookQueue(handle, side, price) -> [{ id, qty, hidden, owner }]
//   bookQueuePosition(handle, id) -> { side, price, qtyAhead, ordersAhead, visible, remaining } | undefined
//   bookOrder(handle, id) -> { id, side, type, tif, state, price, remaining, visible, ... } | undefined
//   bookSnapshot(handle) -> { bids: [{ price, qty, orders: [{ id, visible, hidden, owner }] }], asks, stops, ... }
//   bookStats(handle) -> { orders, bidLevels, askLevels, stops, lastPrice, now }
//   bookLatency(handle, reset?) -> { count, meanNs, p50Ns, p90Ns, p99Ns, p999Ns, maxNs }
//
// Argument errors (wrong handle, wrong column types or lengths) throw TypeError/RangeError with a whole sentence;
// everything about the orders themselves is the engine's business and comes back as events.
#include "napi/book_binding.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "napi/args.hpp"

namespace omq {
namespace {

using book::BatchInput;
using book::EventBuffer;
using book::Int64Column;
using book::LatencyHistogram;
using book::OrderBook;

// A random 128-bit tag: only externals created by bookCreate carry it.
constexpr napi_type_tag kBookTag = {0x6f6d712d626f6f6bULL, 0x9e3779b97f4a7c15ULL};

struct BookHandle {
  explicit BookHandle(const book::BookConfig& c) : book(c) {}
  OrderBook book;
  LatencyHistogram latency;
};

using napi_args::describe;
using napi_args::typed_array_name;

BookHandle& unwrap(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Value v = info[0];
  if (v.Type() != napi_external || !v.As<Napi::External<BookHandle>>().CheckTypeTag(&kBookTag)) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected an OrderBook handle, found " + describe(v) + ".");
  }
  return *v.As<Napi::External<BookHandle>>().Data();
}

// An integer argument as int64 (a safe-integer number or a bigint); false when it is neither.
bool to_int64(const Napi::Value& v, int64_t& out) {
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(std::fabs(d) <= 9007199254740991.0) || std::trunc(d) != d) return false;
    out = static_cast<int64_t>(d);
    return true;
  }
  if (v.IsBigInt()) {
    bool lossless = false;
    out = v.As<Napi::BigInt>().Int64Value(&lossless);
    return lossless;
  }
  return false;
}

int64_t int_arg(const Napi::CallbackInfo& info, std::size_t k, const char* fn, const char* name) {
  int64_t out;
  if (!to_int64(info[k], out)) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + name +
                                               " must be an integer (a safe-integer number or a bigint), found " +
                                               describe(info[k]) + ".");
  }
  return out;
}

uint8_t side_arg(const Napi::CallbackInfo& info, std::size_t k, const char* fn) {
  const Napi::Value v = info[k];
  if (!v.IsNumber() || (v.As<Napi::Number>().DoubleValue() != 0 && v.As<Napi::Number>().DoubleValue() != 1)) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": side must be 0 (buy) or 1 (sell), found " + describe(v) + ".");
  }
  return static_cast<uint8_t>(v.As<Napi::Number>().Uint32Value());
}

Napi::Value num(Napi::Env env, int64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

// Element pointer and length of a typed array (the pointer already includes the view's byte offset; works for
// views of SharedArrayBuffers too). The caller has checked v.IsTypedArray().
struct TypedView {
  napi_typedarray_type type;
  std::size_t length;
  void* data;
};

TypedView view_of(Napi::Env env, const Napi::Value& v) {
  TypedView t{napi_int8_array, 0, nullptr};
  napi_value buffer;
  std::size_t offset;
  NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, v, &t.type, &t.length, &t.data, &buffer, &offset), t);
  return t;
}

// --- batch columns ---------------------------------------------------------------------------------------------

// Reading columns happens in two phases: first every property is fetched (a getter or a Proxy may run
// JavaScript then), then pointers are taken, so that no JavaScript runs between taking a pointer and using it.
struct ColumnReader {
  Napi::Env env;
  std::size_t n;

  [[noreturn]] void bad(const char* name, const char* expected, const Napi::Value& v) const {
    throw Napi::TypeError::New(env, std::string("processBatch: columns.") + name + " must be " + expected + " of length " +
                                        std::to_string(n) + " (one element per operation) or undefined, found " +
                                        describe(v) + ".");
  }

  template <typename T>
  const T* typed(const Napi::Value& v, const char* name, napi_typedarray_type want, const char* expected) const {
    if (v.IsUndefined() || v.IsNull()) return nullptr;
    if (!v.IsTypedArray()) bad(name, expected, v);
    const TypedView t = view_of(env, v);
    if (t.type != want || t.length != n) bad(name, expected, v);
    if (n == 0) return nullptr;
    return static_cast<const T*>(t.data);
  }

  Int64Column int64(const Napi::Value& v, const char* name) const {
    Int64Column c;
    if (v.IsUndefined() || v.IsNull()) return c;
    const char* expected = "a BigInt64Array or a Float64Array";
    if (!v.IsTypedArray()) bad(name, expected, v);
    const TypedView t = view_of(env, v);
    if (t.length != n) bad(name, expected, v);
    if (t.type == napi_bigint64_array) {
      c.kind = Int64Column::kInt64;
    } else if (t.type == napi_float64_array) {
      c.kind = Int64Column::kFloat64;
    } else {
      bad(name, expected, v);
    }
    if (n == 0) return Int64Column{};
    c.data = t.data;
    return c;
  }
};

constexpr const char* kInColumns[] = {"op",        "id",    "side",       "type",     "tif",      "price", "qty",
                                      "stopPrice", "trail", "displayQty", "expireNs", "ts",       "owner", "flags"};

BatchInput read_batch(Napi::Env env, const Napi::Value& arg) {
  if (!arg.IsObject() || arg.IsTypedArray() || arg.IsArray()) {
    throw Napi::TypeError::New(env, "processBatch: columns must be an object of typed arrays ({ op: Uint8Array, id, ... }), found " +
                                        describe(arg) + ".");
  }
  const Napi::Object cols = arg.As<Napi::Object>();
  Napi::Value v[std::size(kInColumns)];
  for (std::size_t k = 0; k < std::size(kInColumns); ++k) v[k] = cols.Get(kInColumns[k]);
  if (!v[0].IsTypedArray() || view_of(env, v[0]).type != napi_uint8_array) {
    throw Napi::TypeError::New(env, "processBatch: columns.op must be a Uint8Array (one operation code per row), found " +
                                        describe(v[0]) + ".");
  }
  BatchInput in;
  in.n = view_of(env, v[0]).length;
  ColumnReader r{env, in.n};
  in.op = r.typed<uint8_t>(v[0], "op", napi_uint8_array, "a Uint8Array");
  in.id = r.int64(v[1], "id");
  in.side = r.typed<uint8_t>(v[2], "side", napi_uint8_array, "a Uint8Array");
  in.type = r.typed<uint8_t>(v[3], "type", napi_uint8_array, "a Uint8Array");
  in.tif = r.typed<uint8_t>(v[4], "tif", napi_uint8_array, "a Uint8Array");
  in.price = r.int64(v[5], "price");
  in.qty = r.int64(v[6], "qty");
  in.stop_price = r.int64(v[7], "stopPrice");
  in.trail = r.int64(v[8], "trail");
  in.display_qty = r.int64(v[9], "displayQty");
  in.expire_ns = r.int64(v[10], "expireNs");
  in.ts = r.int64(v[11], "ts");
  in.owner = r.typed<uint32_t>(v[12], "owner", napi_uint32_array, "a Uint32Array");
  in.flags = r.typed<uint8_t>(v[13], "flags", napi_uint8_array, "a Uint8Array");
  return in;
}

// The output columns: name, element type, element size, source in the EventBuffer.
struct OutColumn {
  const char* name;
  napi_typedarray_type type;
  std::size_t size;
  const void* (*src)(const EventBuffer&);
};

const OutColumn kOutColumns[] = {
    {"type", napi_uint8_array, 1, [](const EventBuffer& e) -> const void* { return e.columns().type; }},
    {"orderId", napi_bigint64_array, 8, [](const EventBuffer& e) -> const void* { return e.columns().order_id; }},
    {"otherId", napi_bigint64_array, 8, [](const EventBuffer& e) -> const void* { return e.columns().other_id; }},
    {"price", napi_bigint64_array, 8, [](const EventBuffer& e) -> const void* { return e.columns().price; }},
    {"qty", napi_bigint64_array, 8, [](const EventBuffer& e) -> const void* { return e.columns().qty; }},
    {"remaining", napi_bigint64_array, 8, [](const EventBuffer& e) -> const void* { return e.columns().remaining; }},
    {"side", napi_uint8_array, 1, [](const EventBuffer& e) -> const void* { return e.columns().side; }},
    {"reason", napi_uint8_array, 1, [](const EventBuffer& e) -> const void* { return e.columns().reason; }},
    {"ts", napi_bigint64_array, 8, [](const EventBuffer& e) -> const void* { return e.columns().ts; }},
    {"op", napi_uint32_array, 4, [](const EventBuffer& e) -> const void* { return e.columns().op; }},
};

// The caller's output columns, fetched and checked before the batch runs (no JavaScript runs after that).
struct OutTarget {
  bool given = false;
  void* dst[std::size(kOutColumns)] = {};
  std::size_t capacity = 0;
};

OutTarget read_out(Napi::Env env, const Napi::Value& outv) {
  OutTarget t;
  if (outv.IsUndefined() || outv.IsNull()) return t;
  if (!outv.IsObject()) {
    throw Napi::TypeError::New(env, "processBatch: out must be an object of event columns or undefined, found " +
                                        describe(outv) + ".");
  }
  const Napi::Object out = outv.As<Napi::Object>();
  Napi::Value v[std::size(kOutColumns)];
  for (std::size_t k = 0; k < std::size(kOutColumns); ++k) v[k] = out.Get(kOutColumns[k].name);
  t.given = true;
  t.capacity = SIZE_MAX;
  for (std::size_t k = 0; k < std::size(kOutColumns); ++k) {
    const OutColumn& c = kOutColumns[k];
    if (!v[k].IsTypedArray() || view_of(env, v[k]).type != c.type) {
      throw Napi::TypeError::New(env, std::string("processBatch: out.") + c.name + " must be " + typed_array_name(c.type) +
                                          ", found " + describe(v[k]) + ".");
    }
    const TypedView tv = view_of(env, v[k]);
    t.dst[k] = tv.data;
    if (tv.length < t.capacity) t.capacity = tv.length;
  }
  return t;
}

Napi::Object fresh_columns(Napi::Env env, const EventBuffer& ev) {
  const std::size_t count = ev.size();
  Napi::Object out = Napi::Object::New(env);
  out.Set("count", Napi::Number::New(env, static_cast<double>(count)));
  for (const OutColumn& c : kOutColumns) {
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, count * c.size);
    if (count > 0) std::memcpy(buf.Data(), c.src(ev), count * c.size);
    napi_value arr;
    NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, c.type, count, buf, 0, &arr), Napi::Object());
    out.Set(c.name, arr);
  }
  return out;
}

// --- functions ---------------------------------------------------------------------------------------------------

Napi::Value BookCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) {
    throw Napi::TypeError::New(env, "bookCreate: config must be an object, found " + describe(info[0]) + ".");
  }
  const Napi::Object cfg = info[0].As<Napi::Object>();
  book::BookConfig c{book::kDefaultMinPrice, book::kDefaultMaxPrice, book::StpMode::kNone};
  const Napi::Value minv = cfg.Get("minPrice");
  const Napi::Value maxv = cfg.Get("maxPrice");
  if (!minv.IsUndefined() && !to_int64(minv, c.min_price)) {
    throw Napi::TypeError::New(env, "bookCreate: minPrice must be an integer number of ticks, found " + describe(minv) + ".");
  }
  if (!maxv.IsUndefined() && !to_int64(maxv, c.max_price)) {
    throw Napi::TypeError::New(env, "bookCreate: maxPrice must be an integer number of ticks, found " + describe(maxv) + ".");
  }
  if (c.min_price < book::kDefaultMinPrice || c.max_price > book::kDefaultMaxPrice || c.min_price > c.max_price) {
    throw Napi::RangeError::New(env, "bookCreate: the price range must satisfy -(2^62) <= minPrice <= maxPrice <= 2^62.");
  }
  const Napi::Value stpv = cfg.Get("stp");
  if (!stpv.IsUndefined()) {
    const double s = stpv.IsNumber() ? stpv.As<Napi::Number>().DoubleValue() : -1;
    if (s != 0 && s != 1 && s != 2 && s != 3) {
      throw Napi::TypeError::New(env, "bookCreate: stp must be 0, 1, 2 or 3, found " + describe(stpv) + ".");
    }
    c.stp = static_cast<book::StpMode>(static_cast<int>(s));
  }
  auto* handle = new BookHandle(c);
  auto ext = Napi::External<BookHandle>::New(env, handle, [](Napi::Env, BookHandle* h) { delete h; });
  ext.TypeTag(&kBookTag);
  return ext;
}

Napi::Value BookProcessBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "processBatch");
  const BatchInput in = read_batch(env, info[1]);
  const OutTarget out = read_out(env, info[2]);
  const bool measure = info[3].ToBoolean().Value();
  EventBuffer& ev = h.book.events();
  if (out.given) {
    // Events go straight into the caller's columns (same order as kOutColumns).
    book::EventColumns cols;
    cols.type = static_cast<uint8_t*>(out.dst[0]);
    cols.order_id = static_cast<int64_t*>(out.dst[1]);
    cols.other_id = static_cast<int64_t*>(out.dst[2]);
    cols.price = static_cast<int64_t*>(out.dst[3]);
    cols.qty = static_cast<int64_t*>(out.dst[4]);
    cols.remaining = static_cast<int64_t*>(out.dst[5]);
    cols.side = static_cast<uint8_t*>(out.dst[6]);
    cols.reason = static_cast<uint8_t*>(out.dst[7]);
    cols.ts = static_cast<int64_t*>(out.dst[8]);
    cols.op = static_cast<uint32_t*>(out.dst[9]);
    ev.attach(cols, out.capacity);
  } else {
    ev.clear();
  }
  try {
    h.book.process(in, measure ? &h.latency : nullptr);
  } catch (...) {
    ev.clear();  // never leave the buffer pointing into JavaScript memory
    throw;
  }
  const std::size_t count = ev.size();
  Napi::Value result;
  if (ev.attached()) {
    result = Napi::Number::New(env, static_cast<double>(count));
  } else {
    result = fresh_columns(env, ev);
  }
  ev.clear();
  ev.trim(count);
  return result;
}

Napi::Object level_object(Napi::Env env, const book::LevelInfo& l) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("price", num(env, l.price));
  o.Set("qty", num(env, l.qty));
  o.Set("orders", Napi::Number::New(env, l.count));
  return o;
}

Napi::Value BookTop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "bookTop");
  Napi::Object out = Napi::Object::New(env);
  book::LevelInfo l;
  out.Set("bid", h.book.top(book::side::kBuy, l) ? Napi::Value(level_object(env, l)) : env.Null());
  out.Set("ask", h.book.top(book::side::kSell, l) ? Napi::Value(level_object(env, l)) : env.Null());
  return out;
}

Napi::Value BookDepth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "depth");
  const int64_t n = int_arg(info, 1, "depth", "levels");
  if (n < 0) throw Napi::RangeError::New(env, "depth: levels must be a non-negative integer, found " + describe(info[1]) + ".");
  Napi::Object out = Napi::Object::New(env);
  std::vector<book::LevelInfo> levels;
  for (const uint8_t s : {book::side::kBuy, book::side::kSell}) {
    h.book.depth(s, static_cast<std::size_t>(n), levels);
    Napi::Array arr = Napi::Array::New(env, levels.size());
    for (std::size_t k = 0; k < levels.size(); ++k) arr.Set(static_cast<uint32_t>(k), level_object(env, levels[k]));
    out.Set(s == book::side::kBuy ? "bids" : "asks", arr);
  }
  return out;
}

Napi::Array queue_array(Napi::Env env, const std::vector<book::QueueEntry>& q) {
  Napi::Array arr = Napi::Array::New(env, q.size());
  for (std::size_t k = 0; k < q.size(); ++k) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", num(env, q[k].id));
    o.Set("qty", num(env, q[k].visible));
    o.Set("hidden", num(env, q[k].hidden));
    o.Set("owner", Napi::Number::New(env, q[k].owner));
    arr.Set(static_cast<uint32_t>(k), o);
  }
  return arr;
}

Napi::Value BookQueue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "queue");
  const uint8_t s = side_arg(info, 1, "queue");
  const int64_t price = int_arg(info, 2, "queue", "price");
  std::vector<book::QueueEntry> q;
  h.book.queue(s, price, q);
  return queue_array(env, q);
}

Napi::Value BookQueuePosition(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "queuePosition");
  int64_t id;
  book::QueuePosition p;
  if (!to_int64(info[1], id) || !h.book.queue_position(id, p)) return env.Undefined();
  Napi::Object o = Napi::Object::New(env);
  o.Set("side", Napi::Number::New(env, p.side));
  o.Set("price", num(env, p.price));
  o.Set("qtyAhead", num(env, p.qty_ahead));
  o.Set("ordersAhead", Napi::Number::New(env, p.orders_ahead));
  o.Set("visible", num(env, p.visible));
  o.Set("remaining", num(env, p.remaining));
  return o;
}

Napi::Object order_object(Napi::Env env, const book::OrderInfo& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", num(env, r.id));
  o.Set("side", Napi::Number::New(env, r.side));
  o.Set("type", Napi::Number::New(env, r.type));
  o.Set("tif", Napi::Number::New(env, r.tif));
  o.Set("state", Napi::Number::New(env, static_cast<int>(r.state)));
  o.Set("price", num(env, r.price));
  o.Set("remaining", num(env, r.remaining));
  o.Set("visible", num(env, r.visible));
  o.Set("displayQty", num(env, r.peak));
  o.Set("stopPrice", r.has_stop || r.type == book::order_type::kStop || r.type == book::order_type::kStopLimit
                         ? Napi::Value(num(env, r.stop_price))
                         : env.Null());
  o.Set("trail", num(env, r.trail));
  o.Set("expireNs", Napi::BigInt::New(env, r.expire_ns));
  o.Set("owner", Napi::Number::New(env, r.owner));
  return o;
}

Napi::Value BookOrder(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "order");
  int64_t id;
  book::OrderInfo r;
  if (!to_int64(info[1], id) || !h.book.order(id, r)) return env.Undefined();
  return order_object(env, r);
}

Napi::Value BookSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "snapshot");
  std::vector<std::pair<book::LevelInfo, std::vector<book::QueueEntry>>> bids, asks;
  h.book.resting(bids, asks);
  Napi::Object out = Napi::Object::New(env);
  for (const auto* side : {&bids, &asks}) {
    Napi::Array arr = Napi::Array::New(env, side->size());
    for (std::size_t k = 0; k < side->size(); ++k) {
      Napi::Object lv = level_object(env, (*side)[k].first);
      lv.Set("queue", queue_array(env, (*side)[k].second));
      arr.Set(static_cast<uint32_t>(k), lv);
    }
    out.Set(side == &bids ? "bids" : "asks", arr);
  }
  std::vector<book::OrderInfo> stops;
  h.book.pending_stops(stops);
  Napi::Array arr = Napi::Array::New(env, stops.size());
  for (std::size_t k = 0; k < stops.size(); ++k) arr.Set(static_cast<uint32_t>(k), order_object(env, stops[k]));
  out.Set("stops", arr);
  const book::BookStats s = h.book.stats();
  out.Set("lastPrice", s.has_last_price ? num(env, s.last_price) : env.Null());
  out.Set("now", s.has_clock ? Napi::Value(Napi::BigInt::New(env, s.now)) : env.Null());
  return out;
}

Napi::Value BookStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "stats");
  const book::BookStats s = h.book.stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("orders", Napi::Number::New(env, static_cast<double>(s.orders)));
  o.Set("bidLevels", Napi::Number::New(env, static_cast<double>(s.bid_levels)));
  o.Set("askLevels", Napi::Number::New(env, static_cast<double>(s.ask_levels)));
  o.Set("stops", Napi::Number::New(env, static_cast<double>(s.stops)));
  o.Set("lastPrice", s.has_last_price ? num(env, s.last_price) : env.Null());
  o.Set("now", s.has_clock ? Napi::Value(Napi::BigInt::New(env, s.now)) : env.Null());
  return o;
}

Napi::Value BookLatency(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookHandle& h = unwrap(info, "latency");
  const LatencyHistogram& l = h.latency;
  Napi::Object o = Napi::Object::New(env);
  o.Set("count", Napi::Number::New(env, static_cast<double>(l.count())));
  o.Set("meanNs", Napi::Number::New(env, l.mean()));
  o.Set("p50Ns", Napi::Number::New(env, l.quantile(0.50)));
  o.Set("p90Ns", Napi::Number::New(env, l.quantile(0.90)));
  o.Set("p99Ns", Napi::Number::New(env, l.quantile(0.99)));
  o.Set("p999Ns", Napi::Number::New(env, l.quantile(0.999)));
  o.Set("maxNs", Napi::Number::New(env, static_cast<double>(l.max())));
  if (info[1].ToBoolean().Value()) h.latency.reset();
  return o;
}

}  // namespace

void InitBook(Napi::Env env, Napi::Object exports) {
  exports.Set("bookCreate", Napi::Function::New(env, BookCreate, "bookCreate"));
  exports.Set("bookProcessBatch", Napi::Function::New(env, BookProcessBatch, "bookProcessBatch"));
  exports.Set("bookTop", Napi::Function::New(env, BookTop, "bookTop"));
  exports.Set("bookDepth", Napi::Function::New(env, BookDepth, "bookDepth"));
  exports.Set("bookQueue", Napi::Function::New(env, BookQueue, "bookQueue"));
  exports.Set("bookQueuePosition", Napi::Function::New(env, BookQueuePosition, "bookQueuePosition"));
  exports.Set("bookOrder", Napi::Function::New(env, BookOrder, "bookOrder"));
  exports.Set("bookSnapshot", Napi::Function::New(env, BookSnapshot, "bookSnapshot"));
  exports.Set("bookStats", Napi::Function::New(env, BookStats, "bookStats"));
  exports.Set("bookLatency", Napi::Function::New(env, BookLatency, "bookLatency"));
}

}  // namespace omq
