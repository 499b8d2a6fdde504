// Adapts omq::replay::Engine to JavaScript. lib/backtest/replay/engine.ts is the typed facade; these functions
// are internal to it:
//
//   replayCreate(config) -> { handle, buffer: ArrayBuffer, layout: { name: [byteOffset, length] } }
//       The buffer holds every per-call input and output (header, requests, responses, trades, samples) so that
//       a run call passes no arguments but the handle: the facade writes requests and the target time into it
//       and reads results out of it through typed-array views at the given offsets.
//   replayAppendSync(handle, columns, tsOffset: bigint) -> undefined | { row, field, what, expected, found }
//   replayFinishSync(handle)
//   replayRunSync(handle) -> status (reads header.until, header.nReq, header.step; writes header and outputs)
//   replayDepthSync(handle, instrument, levels) -> { bids: Float64Array, asks: Float64Array } ([price, qty]...)
//   replayTotalsSync(handle) -> { exchange: Account[], local: Account[] } exact integers as bigints
//   replayQueueAheadSync(handle, orderId) -> number | undefined
//   replayStatsSync(handle) -> { rowsAppended, rowsExchange, rowsLocal, inFlight, openOrders, chunks, l3UnknownIds }
//
// Argument errors (wrong handle, wrong column types or lengths, a bad config) throw TypeError/RangeError with a
// whole sentence. Bad market rows come back as an error object naming the row and field; bad requests become
// reject responses. Nothing aborts.
#include "napi/replay_binding.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "napi/args.hpp"
#include "replay/replay.hpp"

namespace omq {
namespace {

using napi_args::describe;
using napi_args::typed_array_name;
using namespace omq::replay;

constexpr napi_type_tag kReplayTag = {0x6f6d712d7265706cULL, 0x7f4a7c159e3779b9ULL};

// Header layout (Float64Array / BigInt64Array views at the start of the buffer).
constexpr std::size_t kHdrF64Base = 16;
constexpr std::size_t kHdrF64PerInst = 8;
constexpr std::size_t kHdrI64 = 4;

struct Layout {
  std::size_t hdr_f64 = 0, hdr_i64 = 0, req_f64 = 0, resp_i64 = 0, resp_f64 = 0, trade_i64 = 0, trade_f64 = 0,
              sample_i64 = 0, sample_f64 = 0, total = 0;
  std::size_t n_hdr_f64 = 0, n_req = 0, n_resp = 0, n_trade = 0, n_sample = 0;
};

struct ReplayHandle {
  std::unique_ptr<Engine> engine;
  Napi::Reference<Napi::ArrayBuffer> buffer_ref;
  uint8_t* base = nullptr;
  Layout layout;

  double* hdr_f() { return reinterpret_cast<double*>(base + layout.hdr_f64); }
  int64_t* hdr_i() { return reinterpret_cast<int64_t*>(base + layout.hdr_i64); }
};

ReplayHandle& unwrap(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Value v = info[0];
  if (v.Type() != napi_external || !v.As<Napi::External<ReplayHandle>>().CheckTypeTag(&kReplayTag)) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected a replay engine handle, found " + describe(v) + ".");
  }
  return *v.As<Napi::External<ReplayHandle>>().Data();
}

// --- config helpers -----------------------------------------------------------------------------------------------

[[noreturn]] void config_error(Napi::Env env, const std::string& what) {
  throw Napi::TypeError::New(env, "replayCreate: " + what + ".");
}

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

int64_t int_field(Napi::Env env, const Napi::Object& o, const char* where, const char* key, int64_t dflt, int64_t lo, int64_t hi) {
  const Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return dflt;
  int64_t out;
  if (!to_int64(v, out) || out < lo || out > hi) {
    config_error(env, std::string(where) + "." + key + " must be an integer in [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "], found " + describe(v));
  }
  return out;
}

double num_field(Napi::Env env, const Napi::Object& o, const char* where, const char* key, double dflt, double lo, double hi) {
  const Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return dflt;
  if (!v.IsNumber()) config_error(env, std::string(where) + "." + key + " must be a number, found " + describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi)) {
    config_error(env, std::string(where) + "." + key + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                          "], found " + describe(v));
  }
  return d;
}

bool bool_field(const Napi::Object& o, const char* key, bool dflt) {
  const Napi::Value v = o.Get(key);
  return v.IsUndefined() ? dflt : v.ToBoolean().Value();
}

Napi::Object obj_field(Napi::Env env, const Napi::Object& o, const char* key) {
  const Napi::Value v = o.Get(key);
  if (!v.IsObject()) config_error(env, std::string("config.") + key + " must be an object, found " + describe(v));
  return v.As<Napi::Object>();
}

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

const int64_t* bigint_column(Napi::Env env, const Napi::Value& v, const char* fn, const char* name, std::size_t n) {
  if (!v.IsTypedArray() || view_of(env, v).type != napi_bigint64_array || view_of(env, v).length != n) {
    throw Napi::TypeError::New(env, std::string(fn) + ": " + name + " must be a BigInt64Array of length " + std::to_string(n) +
                                        ", found " + describe(v) + ".");
  }
  return static_cast<const int64_t*>(view_of(env, v).data);
}

// --- functions ----------------------------------------------------------------------------------------------------

Napi::Value ReplayCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) config_error(env, "config must be an object, found " + describe(info[0]));
  const Napi::Object cfg = info[0].As<Napi::Object>();
  EngineConfig c;

  const Napi::Value instv = cfg.Get("instruments");
  if (!instv.IsArray() || instv.As<Napi::Array>().Length() == 0 || instv.As<Napi::Array>().Length() > 65535) {
    config_error(env, "config.instruments must be a non-empty array of { tickSize, lotSize } (at most 65535), found " + describe(instv));
  }
  const Napi::Array insts = instv.As<Napi::Array>();
  for (uint32_t i = 0; i < insts.Length(); ++i) {
    const Napi::Value e = insts.Get(i);
    if (!e.IsObject()) config_error(env, "config.instruments[" + std::to_string(i) + "] must be an object, found " + describe(e));
    const Napi::Object eo = e.As<Napi::Object>();
    InstrumentSpec s;
    s.tick_size = num_field(env, eo, "config.instruments[i]", "tickSize", 1, 1e-300, 1e300);
    s.lot_size = num_field(env, eo, "config.instruments[i]", "lotSize", 1, 1e-300, 1e300);
    c.exchange.instruments.push_back(s);
  }

  const Napi::Object q = obj_field(env, cfg, "queue");
  const int64_t qk = int_field(env, q, "config.queue", "kind", 0, 0, 6);
  c.exchange.queue.kind = static_cast<QueueConfig::Kind>(qk);
  c.exchange.queue.n = num_field(env, q, "config.queue", "n", 1, 1e-6, 1e6);
  c.exchange.queue.randomise = bool_field(q, "randomise", false);
  c.exchange.l3 = c.exchange.queue.kind == QueueConfig::kL3Fifo;

  const Napi::Object l = obj_field(env, cfg, "latency");
  const int64_t big = int64_t{1} << 62;
  c.latency.kind = static_cast<LatencyConfig::Kind>(int_field(env, l, "config.latency", "kind", 0, 0, 3));
  c.latency.entry_ns = int_field(env, l, "config.latency", "entryNs", 0, 0, big);
  c.latency.response_ns = int_field(env, l, "config.latency", "responseNs", 0, 0, big);
  c.latency.entry_jitter = num_field(env, l, "config.latency", "entryJitter", 0, 0, 1e18);
  c.latency.response_jitter = num_field(env, l, "config.latency", "responseJitter", 0, 0, 1e18);
  c.latency.min_ns = int_field(env, l, "config.latency", "minNs", 0, 0, big);
  c.latency.cancel_delay_ns = int_field(env, l, "config.latency", "cancelDelayNs", 0, 0, big);
  const Napi::Value tv = l.Get("table");
  if (!tv.IsUndefined()) {
    if (!tv.IsObject()) config_error(env, "config.latency.table must be an object of BigInt64Arrays, found " + describe(tv));
    const Napi::Object t = tv.As<Napi::Object>();
    const Napi::Value rq = t.Get("reqTs"), ex = t.Get("exchTs"), rs = t.Get("respTs");
    if (!rq.IsTypedArray()) config_error(env, "config.latency.table.reqTs must be a BigInt64Array, found " + describe(rq));
    const std::size_t n = view_of(env, rq).length;
    const int64_t* a = bigint_column(env, rq, "replayCreate", "config.latency.table.reqTs", n);
    const int64_t* b = bigint_column(env, ex, "replayCreate", "config.latency.table.exchTs", n);
    const int64_t* d = bigint_column(env, rs, "replayCreate", "config.latency.table.respTs", n);
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0 && a[i] < a[i - 1]) {
        throw Napi::RangeError::New(env, "replayCreate: config.latency.table row " + std::to_string(i) +
                                             ": reqTs goes back in time (rows must be sorted by reqTs).");
      }
      c.latency.table.push_back({a[i], b[i], d[i]});
    }
  }

  const Napi::Object f = obj_field(env, cfg, "fees");
  c.exchange.fees.maker_ppb = int_field(env, f, "config.fees", "makerPpb", 0, -100000000, 100000000);
  c.exchange.fees.taker_ppb = int_field(env, f, "config.fees", "takerPpb", 0, -100000000, 100000000);
  c.exchange.partial_fills = bool_field(cfg, "partialFills", true);
  c.exchange.no_double_fill = bool_field(cfg, "noDoubleFill", false);
  const Napi::Value seedv = cfg.Get("seed");
  int64_t seed = 1;
  if (!seedv.IsUndefined() && !to_int64(seedv, seed)) config_error(env, "config.seed must be an integer, found " + describe(seedv));
  c.seed = static_cast<uint64_t>(seed);
  c.sample_ns = int_field(env, cfg, "config", "sampleNs", 0, 0, big);
  c.record_trades = bool_field(cfg, "recordTrades", false);

  const Napi::Value capv = cfg.Get("capacity");
  Layout L;
  L.n_req = 1024;
  L.n_resp = 4096;
  L.n_trade = c.record_trades ? 4096 : 0;
  L.n_sample = 1024;
  if (capv.IsObject()) {
    const Napi::Object co = capv.As<Napi::Object>();
    L.n_req = static_cast<std::size_t>(int_field(env, co, "config.capacity", "requests", 1024, 1, 1 << 22));
    L.n_resp = static_cast<std::size_t>(int_field(env, co, "config.capacity", "responses", 4096, 1, 1 << 22));
    L.n_trade = c.record_trades ? static_cast<std::size_t>(int_field(env, co, "config.capacity", "trades", 4096, 1, 1 << 22)) : 0;
    L.n_sample = static_cast<std::size_t>(int_field(env, co, "config.capacity", "samples", 1024, 1, 1 << 22));
  }
  const std::size_t n_inst = c.exchange.instruments.size();
  if (L.n_sample < n_inst) L.n_sample = n_inst;
  L.n_hdr_f64 = kHdrF64Base + kHdrF64PerInst * n_inst;
  std::size_t off = 0;
  auto place = [&](std::size_t& field, std::size_t bytes) {
    field = off;
    off += (bytes + 7) & ~std::size_t{7};
  };
  place(L.hdr_f64, L.n_hdr_f64 * 8);
  place(L.hdr_i64, kHdrI64 * 8);
  place(L.req_f64, L.n_req * kReqF64 * 8);
  place(L.resp_i64, L.n_resp * kRespI64 * 8);
  place(L.resp_f64, L.n_resp * kRespF64 * 8);
  place(L.trade_i64, L.n_trade * 8);
  place(L.trade_f64, L.n_trade * kTradeF64 * 8);
  place(L.sample_i64, L.n_sample * 8);
  place(L.sample_f64, L.n_sample * kSampleF64 * 8);
  L.total = off;

  auto handle = std::make_unique<ReplayHandle>();
  handle->engine = std::make_unique<Engine>(std::move(c));
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, L.total);
  std::memset(buf.Data(), 0, L.total);
  handle->base = static_cast<uint8_t*>(buf.Data());
  handle->buffer_ref = Napi::Reference<Napi::ArrayBuffer>::New(buf, 1);
  handle->layout = L;
  ReplayHandle* raw = handle.release();
  auto ext = Napi::External<ReplayHandle>::New(env, raw, [](Napi::Env, ReplayHandle* h) { delete h; });
  ext.TypeTag(&kReplayTag);

  Napi::Object layout = Napi::Object::New(env);
  auto entry = [&](const char* name, std::size_t offset, std::size_t length) {
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(uint32_t{0}, Napi::Number::New(env, static_cast<double>(offset)));
    a.Set(uint32_t{1}, Napi::Number::New(env, static_cast<double>(length)));
    layout.Set(name, a);
  };
  entry("headerF64", L.hdr_f64, L.n_hdr_f64);
  entry("headerI64", L.hdr_i64, kHdrI64);
  entry("requests", L.req_f64, L.n_req * kReqF64);
  entry("responsesI64", L.resp_i64, L.n_resp * kRespI64);
  entry("responsesF64", L.resp_f64, L.n_resp * kRespF64);
  entry("tradesI64", L.trade_i64, L.n_trade);
  entry("tradesF64", L.trade_f64, L.n_trade * kTradeF64);
  entry("samplesI64", L.sample_i64, L.n_sample);
  entry("samplesF64", L.sample_f64, L.n_sample * kSampleF64);
  Napi::Object out = Napi::Object::New(env);
  out.Set("handle", ext);
  out.Set("buffer", buf);
  out.Set("layout", layout);
  return out;
}

constexpr const char* kColumns[] = {"exchTs", "localTs", "kind", "side", "price", "qty", "orderId", "instrument"};

Napi::Value ReplayAppend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReplayHandle& h = unwrap(info, "replayAppend");
  if (!info[1].IsObject()) {
    throw Napi::TypeError::New(env, "replayAppend: events must be a MarketEvents object of typed arrays, found " + describe(info[1]) + ".");
  }
  const Napi::Object cols = info[1].As<Napi::Object>();
  int64_t offset = 0;
  if (!info[2].IsUndefined() && !to_int64(info[2], offset)) {
    throw Napi::TypeError::New(env, "replayAppend: tsOffset must be an integer number of nanoseconds, found " + describe(info[2]) + ".");
  }
  // Fetch every property first (getters may run JavaScript), then take pointers.
  Napi::Value v[std::size(kColumns)];
  for (std::size_t k = 0; k < std::size(kColumns); ++k) v[k] = cols.Get(kColumns[k]);
  const napi_typedarray_type want[] = {napi_bigint64_array, napi_bigint64_array, napi_uint8_array,   napi_int8_array,
                                       napi_bigint64_array, napi_bigint64_array, napi_biguint64_array, napi_uint16_array};
  if (!v[2].IsTypedArray()) {
    throw Napi::TypeError::New(env, "replayAppend: events.kind must be a Uint8Array, found " + describe(v[2]) + ".");
  }
  const std::size_t n = view_of(env, v[2]).length;
  void* ptr[std::size(kColumns)] = {};
  for (std::size_t k = 0; k < std::size(kColumns); ++k) {
    const bool optional = k >= 6;
    if (optional && (v[k].IsUndefined() || v[k].IsNull())) continue;
    if (!v[k].IsTypedArray() || view_of(env, v[k]).type != want[k] || view_of(env, v[k]).length != n) {
      throw Napi::TypeError::New(env, std::string("replayAppend: events.") + kColumns[k] + " must be " + typed_array_name(want[k]) +
                                          " of length " + std::to_string(n) + " (one element per event), found " + describe(v[k]) + ".");
    }
    ptr[k] = view_of(env, v[k]).data;
  }
  ColumnsIn in;
  in.n = n;
  in.exch_ts = static_cast<const int64_t*>(ptr[0]);
  in.local_ts = static_cast<const int64_t*>(ptr[1]);
  in.kind = static_cast<const uint8_t*>(ptr[2]);
  in.side = static_cast<const int8_t*>(ptr[3]);
  in.price = static_cast<const int64_t*>(ptr[4]);
  in.qty = static_cast<const int64_t*>(ptr[5]);
  in.order_id = static_cast<const uint64_t*>(ptr[6]);
  in.instrument = static_cast<const uint16_t*>(ptr[7]);
  RowError err;
  if (h.engine->append(in, offset, err)) return env.Undefined();
  Napi::Object e = Napi::Object::New(env);
  e.Set("row", Napi::Number::New(env, static_cast<double>(err.row)));
  e.Set("field", err.field);
  e.Set("what", err.what);
  e.Set("expected", err.expected);
  e.Set("found", err.found);
  return e;
}

Napi::Value ReplayFinish(const Napi::CallbackInfo& info) {
  ReplayHandle& h = unwrap(info, "replayFinish");
  h.engine->finish();
  return info.Env().Undefined();
}

void write_header(ReplayHandle& h, int status, const Outputs& out) {
  Engine& e = *h.engine;
  double* f = h.hdr_f();
  int64_t* i64 = h.hdr_i();
  f[0] = status;
  f[1] = static_cast<double>(out.resp_n);
  f[2] = static_cast<double>(out.trade_n);
  f[3] = static_cast<double>(out.sample_n);
  f[4] = static_cast<double>(e.rows_exchange());
  f[5] = static_cast<double>(e.rows_local());
  f[6] = static_cast<double>(e.in_flight());
  f[7] = static_cast<double>(e.exchange().open_orders());
  i64[0] = e.now();
  i64[2] = static_cast<int64_t>(e.rows_appended());
  const double nan = std::nan("");
  for (std::size_t i = 0; i < e.instruments(); ++i) {
    double* b = f + kHdrF64Base + i * kHdrF64PerInst;
    const Book& bk = e.local_book(i);
    const int64_t bp = bk.bids.best(), ap = bk.asks.best();
    b[0] = bp == kNoPrice ? nan : static_cast<double>(bp);
    b[1] = bp == kNoPrice ? 0 : static_cast<double>(bk.bids.qty(bp));
    b[2] = ap == kNoPrice ? nan : static_cast<double>(ap);
    b[3] = ap == kNoPrice ? 0 : static_cast<double>(bk.asks.qty(ap));
    const Account& a = e.local_account(i);
    const double u = e.unit(i);
    b[4] = static_cast<double>(a.position);
    b[5] = to_double(a.cash) * u;
    b[6] = to_double(a.fees) * u / 1e8;
    b[7] = to_double(a.realised) * u;
  }
}

Napi::Value ReplayRun(const Napi::CallbackInfo& info) {
  ReplayHandle& h = unwrap(info, "replayRun");
  Engine& e = *h.engine;
  const Layout& L = h.layout;
  double* f = h.hdr_f();
  const int64_t until = h.hdr_i()[1];
  const double n_req_d = f[8];
  const bool step = f[9] != 0;
  if (!(n_req_d >= 0 && n_req_d <= static_cast<double>(L.n_req) && std::trunc(n_req_d) == n_req_d)) {
    throw Napi::RangeError::New(info.Env(), "replayRun: the request count must be an integer in [0, " + std::to_string(L.n_req) +
                                                "], found " + std::to_string(n_req_d) + ".");
  }
  const std::size_t n_req = static_cast<std::size_t>(n_req_d);
  const double* req = reinterpret_cast<const double*>(h.base + L.req_f64);
  for (std::size_t k = 0; k < n_req; ++k) e.submit(request_from_doubles(req + k * kReqF64, e.instruments()));
  f[8] = 0;
  Outputs out;
  out.resp_ts = reinterpret_cast<int64_t*>(h.base + L.resp_i64);
  out.resp_f = reinterpret_cast<double*>(h.base + L.resp_f64);
  out.resp_cap = L.n_resp;
  out.trade_ts = reinterpret_cast<int64_t*>(h.base + L.trade_i64);
  out.trade_f = reinterpret_cast<double*>(h.base + L.trade_f64);
  out.trade_cap = L.n_trade;
  out.sample_ts = reinterpret_cast<int64_t*>(h.base + L.sample_i64);
  out.sample_f = reinterpret_cast<double*>(h.base + L.sample_f64);
  out.sample_cap = L.n_sample;
  const int status = e.run(until, step, out);
  write_header(h, status, out);
  return Napi::Number::New(info.Env(), status);
}

Napi::Value ReplayDepth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReplayHandle& h = unwrap(info, "replayDepth");
  int64_t inst = 0, levels = 0;
  if (!to_int64(info[1], inst) || inst < 0 || static_cast<std::size_t>(inst) >= h.engine->instruments()) {
    throw Napi::RangeError::New(env, "replayDepth: instrument must be an index below " + std::to_string(h.engine->instruments()) +
                                         ", found " + describe(info[1]) + ".");
  }
  if (!to_int64(info[2], levels) || levels < 0 || levels > (1 << 20)) {
    throw Napi::RangeError::New(env, "replayDepth: levels must be an integer in [0, 2^20], found " + describe(info[2]) + ".");
  }
  const Book& b = h.engine->local_book(static_cast<std::size_t>(inst));
  Napi::Object out = Napi::Object::New(env);
  for (const Ladder* side : {&b.bids, &b.asks}) {
    std::vector<double> v;
    side->visit([&](int64_t p, int64_t q) {
      if (static_cast<int64_t>(v.size() / 2) >= levels) return false;
      v.push_back(static_cast<double>(p));
      v.push_back(static_cast<double>(q));
      return true;
    });
    Napi::Float64Array arr = Napi::Float64Array::New(env, v.size());
    if (!v.empty()) std::memcpy(arr.Data(), v.data(), v.size() * sizeof(double));
    out.Set(side == &b.bids ? "bids" : "asks", arr);
  }
  return out;
}

Napi::Value big(Napi::Env env, int128 v) {
  const bool neg = v < 0;
  unsigned __int128 m = neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  const uint64_t words[2] = {static_cast<uint64_t>(m), static_cast<uint64_t>(m >> 64)};
  return Napi::BigInt::New(env, neg ? 1 : 0, 2, words);
}

Napi::Object account_object(Napi::Env env, const Account& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("position", Napi::BigInt::New(env, a.position));
  o.Set("cash", big(env, a.cash));
  o.Set("fees", big(env, a.fees));
  o.Set("realised", big(env, a.realised));
  o.Set("cost", big(env, a.cost));
  o.Set("turnover", big(env, a.turnover));
  o.Set("volume", Napi::BigInt::New(env, a.volume));
  o.Set("fills", Napi::Number::New(env, static_cast<double>(a.fills)));
  return o;
}

Napi::Value ReplayTotals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReplayHandle& h = unwrap(info, "replayTotals");
  const Engine& e = *h.engine;
  Napi::Array ex = Napi::Array::New(env, e.instruments());
  Napi::Array lo = Napi::Array::New(env, e.instruments());
  for (std::size_t i = 0; i < e.instruments(); ++i) {
    Napi::Object a = account_object(env, e.exchange().account(i));
    const int64_t m2 = e.exchange().book(i).mid2();
    a.Set("mid2", m2 == kNoPrice ? env.Null() : Napi::Value(Napi::BigInt::New(env, m2)));
    ex.Set(static_cast<uint32_t>(i), a);
    lo.Set(static_cast<uint32_t>(i), account_object(env, e.local_account(i)));
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("exchange", ex);
  out.Set("local", lo);
  return out;
}

Napi::Value ReplayQueueAhead(const Napi::CallbackInfo& info) {
  ReplayHandle& h = unwrap(info, "replayQueueAhead");
  int64_t id = 0;
  double ahead = 0;
  if (!to_int64(info[1], id) || id < 1 || !h.engine->exchange().queue_ahead(static_cast<uint64_t>(id), ahead)) {
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), ahead);
}

Napi::Value ReplayStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReplayHandle& h = unwrap(info, "replayStats");
  const Engine& e = *h.engine;
  Napi::Object o = Napi::Object::New(env);
  o.Set("rowsAppended", Napi::Number::New(env, static_cast<double>(e.rows_appended())));
  o.Set("rowsExchange", Napi::Number::New(env, static_cast<double>(e.rows_exchange())));
  o.Set("rowsLocal", Napi::Number::New(env, static_cast<double>(e.rows_local())));
  o.Set("inFlight", Napi::Number::New(env, static_cast<double>(e.in_flight())));
  o.Set("openOrders", Napi::Number::New(env, static_cast<double>(e.exchange().open_orders())));
  o.Set("chunks", Napi::Number::New(env, static_cast<double>(e.buffered_chunks())));
  o.Set("l3UnknownIds", Napi::Number::New(env, static_cast<double>(e.exchange().unknown_l3_ids())));
  o.Set("final", Napi::Boolean::New(env, e.final()));
  return o;
}

}  // namespace

void InitReplay(Napi::Env env, Napi::Object exports) {
  exports.Set("replayCreate", Napi::Function::New(env, ReplayCreate, "replayCreate"));
  exports.Set("replayAppendSync", Napi::Function::New(env, ReplayAppend, "replayAppendSync"));
  exports.Set("replayFinishSync", Napi::Function::New(env, ReplayFinish, "replayFinishSync"));
  exports.Set("replayRunSync", Napi::Function::New(env, ReplayRun, "replayRunSync"));
  exports.Set("replayDepthSync", Napi::Function::New(env, ReplayDepth, "replayDepthSync"));
  exports.Set("replayTotalsSync", Napi::Function::New(env, ReplayTotals, "replayTotalsSync"));
  exports.Set("replayQueueAheadSync", Napi::Function::New(env, ReplayQueueAhead, "replayQueueAheadSync"));
  exports.Set("replayStatsSync", Napi::Function::New(env, ReplayStats, "replayStatsSync"));
}

}  // namespace omq
