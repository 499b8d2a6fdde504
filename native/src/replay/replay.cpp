// The replay engine; semantics in replay.hpp.
#include "replay/replay.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace omq::replay {

namespace {

constexpr double kTwo53 = 9007199254740992.0;
constexpr double kTwo62 = 4611686018427387904.0;

// An integral double within (-limit, limit).
bool integral(double v, double limit) { return std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < limit; }

std::string num(int64_t v) { return std::to_string(v); }

}  // namespace

Request request_from_doubles(const double* f, std::size_t instruments) {
  Request r{};
  r.valid = true;
  r.reason = reason::kNone;
  const double op_d = f[0], id_d = f[1], inst_d = f[2], side_d = f[3], price_d = f[4], qty_d = f[5], type_d = f[6],
               tif_d = f[7];
  r.op = (op_d == 1 || op_d == 2 || op_d == 3) ? static_cast<uint8_t>(op_d) : 0;
  auto bad = [&](uint8_t why) {
    if (r.valid) {
      r.valid = false;
      r.reason = why;
    }
  };
  if (r.op == 0) bad(reason::kBadOp);
  if (integral(id_d, kTwo53) && id_d >= 1) r.id = static_cast<uint64_t>(id_d);
  else {
    r.id = 0;
    bad(reason::kBadId);
  }
  if (integral(inst_d, 65536.0) && inst_d >= 0 && static_cast<std::size_t>(inst_d) < instruments) {
    r.instrument = static_cast<uint16_t>(inst_d);
  } else {
    r.instrument = 0;
    if (r.op == op::kNew) bad(reason::kBadInstrument);
  }
  r.side = side_d == 1 ? int8_t{1} : side_d == -1 ? int8_t{-1} : int8_t{0};
  if (r.side == 0 && r.op == op::kNew) bad(reason::kBadSide);
  r.type = type_d == 0 ? order_type::kLimit : type_d == 1 ? order_type::kMarket : uint8_t{255};
  r.tif = (tif_d == 0 || tif_d == 1 || tif_d == 2 || tif_d == 3) ? static_cast<uint8_t>(tif_d) : uint8_t{255};
  if (r.op == op::kNew && (r.type == 255 || r.tif == 255)) bad(reason::kBadType);
  const bool needs_price = (r.op == op::kNew && r.type == order_type::kLimit) || r.op == op::kReplace;
  const bool needs_qty = r.op == op::kNew || r.op == op::kReplace;
  if (integral(price_d, kTwo62)) r.price = static_cast<int64_t>(price_d);
  else {
    r.price = 0;
    if (needs_price) bad(reason::kBadPrice);
  }
  if (integral(qty_d, kTwo62) && qty_d >= 1) r.qty = static_cast<int64_t>(qty_d);
  else {
    r.qty = 0;
    if (needs_qty) bad(reason::kBadQty);
  }
  return r;
}

Engine::Engine(EngineConfig c)
    : cfg_(std::move(c)), latency_(cfg_.latency), rng_(cfg_.seed), exchange_(cfg_.exchange, emitted_) {
  exchange_.reseed(cfg_.seed ^ 0x5bd1e9955bd1e995ULL);
  const std::size_t n = cfg_.exchange.instruments.size();
  local_.resize(n);
  for (auto& li : local_)
    if (cfg_.exchange.l3) li.l3 = std::make_unique<L3Book>();
  local_acct_.resize(n);
  last_mid2_.assign(n, kNoPrice);
}

// --- data ---------------------------------------------------------------------------------------------------------

bool Engine::append(const ColumnsIn& in, int64_t ts_offset, RowError& err) {
  if (final_) {
    err.row = rows_appended_;
    err.field = "";
    err.what = "data was appended after the data was declared final";
    return false;
  }
  if (in.n == 0) return true;
  const std::size_t n_inst = instruments();
  const bool l3 = cfg_.exchange.l3;
  Chunk chunk;
  if (!spare_.empty()) {
    // Reuse the memory of a freed chunk (saves the page faults of a fresh allocation).
    chunk = std::move(spare_.back());
    spare_.pop_back();
    chunk.perm.clear();
  }
  chunk.rows.resize(in.n);
  int64_t last_local = last_local_ts_;
  for (std::size_t i = 0; i < in.n; ++i) {
    Row& r = chunk.rows[i];
    const uint64_t row = rows_appended_ + i;
    auto fail = [&](const char* field, std::string what, std::string expected, std::string found) {
      err.row = row;
      err.field = field;
      err.what = std::move(what);
      err.expected = std::move(expected);
      err.found = std::move(found);
      return false;
    };
    if (__builtin_add_overflow(in.exch_ts[i], ts_offset, &r.exch_ts)) {
      return fail("exchTs", "exchTs overflows when shifted by the time offset", "a timestamp in int64 nanoseconds", num(in.exch_ts[i]));
    }
    if (__builtin_add_overflow(in.local_ts[i], ts_offset, &r.local_ts)) {
      return fail("localTs", "localTs overflows when shifted by the time offset", "a timestamp in int64 nanoseconds", num(in.local_ts[i]));
    }
    if (r.exch_ts == kNever || r.local_ts == kNever) {
      return fail("localTs", "a timestamp is the largest int64", "a timestamp below 2^63 - 1", "9223372036854775807");
    }
    const uint8_t k = in.kind[i];
    if (k < 1 || k > kind::kMax) return fail("kind", "kind is not an EventKind code", "one of 1..10", num(k));
    if (kind::is_l3(k) && !l3) {
      return fail("kind", "an L3 event in an L2 replay", "L2/trade/BBO kinds (choose the L3 FIFO queue model for L3 data)", num(k));
    }
    if (l3 && (k == kind::kDepth || k == kind::kDepthSnapshot || k == kind::kBbo)) {
      return fail("kind", "an L2 depth or BBO event in an L3 replay", "L3, trade or DEPTH_CLEAR kinds", num(k));
    }
    const int8_t s = in.side[i];
    if (s != -1 && s != 0 && s != 1) return fail("side", "side is not -1, 0 or +1", "-1 (ask/sell), 0 or +1 (bid/buy)", num(s));
    if (s == 0 && (k == kind::kDepth || k == kind::kDepthSnapshot || k == kind::kBbo || k == kind::kL3Add)) {
      return fail("side", "a book event has no side", "+1 (bid) or -1 (ask)", "0");
    }
    const int64_t p = in.price[i];
    if (p <= -kMaxAbs || p >= kMaxAbs) return fail("price", "price is out of range", "|price| < 2^62 ticks", num(p));
    const int64_t q = in.qty[i];
    if (q < 0) return fail("qty", "qty is negative", "a quantity >= 0 lots", num(q));
    if (q >= kMaxAbs) return fail("qty", "qty is out of range", "a quantity < 2^62 lots", num(q));
    const uint16_t inst = in.instrument ? in.instrument[i] : 0;
    if (inst >= n_inst) {
      return fail("instrument", "instrument indexes no instrument", "an index below " + std::to_string(n_inst), num(inst));
    }
    const uint64_t oid = in.order_id ? in.order_id[i] : 0;
    if (kind::is_l3(k) && oid == IdMap::kEmpty) {
      return fail("orderId", "orderId is the reserved value 2^64 - 1", "an order id below 2^64 - 1", "18446744073709551615");
    }
    if (last_local != kNoPrice && r.local_ts < last_local) {
      return fail("localTs", "localTs goes back in time (rows must be sorted by localTs)",
                  ">= " + num(last_local) + " (the previous row's)", num(r.local_ts));
    }
    last_local = r.local_ts;
    r.price = p;
    r.qty = q;
    r.order_id = oid;
    r.kind = k;
    r.side = s;
    r.instrument = inst;
    r.pad = 0;
  }
  // Exchange order: a stable sort by exchTs, only when the chunk is not already sorted. Rows are nearly sorted
  // (feed latency jitter), so an insertion sort does it in about one pass; a badly unsorted chunk falls back to
  // std::stable_sort.
  const std::vector<Row>& rows = chunk.rows;
  bool sorted = true;
  for (std::size_t i = 1; i < rows.size() && sorted; ++i) sorted = rows[i - 1].exch_ts <= rows[i].exch_ts;
  if (!sorted) {
    std::vector<uint32_t>& perm = chunk.perm;
    perm.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) perm[i] = static_cast<uint32_t>(i);
    uint64_t moves = 0;
    const uint64_t budget = 64 * static_cast<uint64_t>(rows.size()) + 1024;
    bool done = true;
    for (std::size_t i = 1; i < perm.size(); ++i) {
      const uint32_t v = perm[i];
      const int64_t key = rows[v].exch_ts;
      std::size_t j = i;
      while (j > 0 && rows[perm[j - 1]].exch_ts > key) {
        perm[j] = perm[j - 1];
        --j;
        if (++moves > budget) break;
      }
      perm[j] = v;
      if (moves > budget) {
        done = false;
        break;
      }
    }
    if (!done) {
      for (std::size_t i = 0; i < rows.size(); ++i) perm[i] = static_cast<uint32_t>(i);
      std::stable_sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) { return rows[a].exch_ts < rows[b].exch_ts; });
    }
  }
  if (now_ == kNoPrice) {
    const int64_t first_exch = chunk.perm.empty() ? rows[0].exch_ts : rows[chunk.perm[0]].exch_ts;
    now_ = std::min(first_exch, rows[0].local_ts);
  }
  last_local_ts_ = last_local;
  rows_appended_ += in.n;
  chunks_.push_back(std::move(chunk));
  return true;
}

// Moves a cursor that reached the end of its chunk to the next chunk, if there is one.
const Row* Engine::settle(Cursor& cur, bool exchange_order) {
  if (cur.n > 0 && cur.k >= cur.n) {
    ++cur.c;
    cur.k = 0;
    cur.n = 0;
  }
  while (cur.c < chunks_.size()) {
    const Chunk& ch = chunks_[cur.c];
    if (cur.k < ch.rows.size()) {
      cur.rows = ch.rows.data();
      cur.perm = exchange_order && !ch.perm.empty() ? ch.perm.data() : nullptr;
      cur.n = ch.rows.size();
      return &cur.rows[cur.perm ? cur.perm[cur.k] : cur.k];
    }
    ++cur.c;
    cur.k = 0;
  }
  cur.n = 0;
  return nullptr;
}

void Engine::exch_advance() {
  ++ex_.k;
  ++rows_exch_;
  if (ex_.k >= ex_.n) free_chunks();
}

void Engine::local_advance() {
  ++lo_.k;
  ++rows_local_;
  if (lo_.k >= lo_.n) free_chunks();
}

void Engine::free_chunks() {
  // Move the cursors past finished chunks, then drop chunks both have passed.
  exch_peek();
  local_peek();
  while (!chunks_.empty() && ex_.c > 0 && lo_.c > 0) {
    if (spare_.empty()) spare_.push_back(std::move(chunks_.front()));
    chunks_.pop_front();
    --ex_.c;
    --lo_.c;
  }
}

// --- orders -------------------------------------------------------------------------------------------------------

void Engine::push_response(Response r, int64_t earliest) {
  const int64_t at = std::max(earliest, last_resp_arrival_);
  r.local_ts = at;
  last_resp_arrival_ = at;
  resp_bus_.push_back(r);
}

void Engine::submit(const Request& r) {
  int64_t e = latency_.entry(now_, rng_);
  if (e < 0) {
    // The latency table records the venue rejecting requests at this time: the strategy learns it after |e|.
    Response x{};
    x.exch_ts = now_;
    x.order_id = r.id;
    x.price = r.price;
    x.qty = r.qty;
    x.leaves = 0;
    x.mid2 = kNoPrice;
    x.instrument = r.instrument;
    x.side = r.side;
    x.kind = r.op == op::kCancel ? resp::kCancelRejected : r.op == op::kReplace ? resp::kReplaceRejected : resp::kRejected;
    x.reason = reason::kLatencyReject;
    push_response(x, now_ + (-e));
    return;
  }
  if (r.op == op::kCancel || r.op == op::kReplace) e += latency_.cancel_delay();
  const int64_t at = std::max(now_ + e, last_req_arrival_);
  last_req_arrival_ = at;
  req_bus_.push_back({at, r});
}

void Engine::route_emitted() {
  if (emitted_.empty()) return;
  for (const Response& r : emitted_) {
    const int64_t lat = latency_.response(r.exch_ts, rng_);
    push_response(r, r.exch_ts + (lat > 0 ? lat : 0));
  }
  emitted_.clear();
}

void Engine::deliver(Outputs& out, const Response& r) {
  const std::size_t k = out.resp_n++;
  out.resp_ts[k * kRespI64] = r.local_ts;
  out.resp_ts[k * kRespI64 + 1] = r.exch_ts;
  double* f = out.resp_f + k * kRespF64;
  f[0] = r.kind;
  f[1] = r.reason;
  f[2] = static_cast<double>(r.order_id);
  f[3] = r.instrument;
  f[4] = r.side;
  f[5] = static_cast<double>(r.price);
  f[6] = static_cast<double>(r.qty);
  f[7] = static_cast<double>(r.leaves);
  f[8] = r.maker;
  f[9] = r.fee;
  f[10] = r.mid2 == kNoPrice ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(r.mid2) / 2.0;
  if (r.kind == resp::kFill) {
    const auto& fees = cfg_.exchange.fees;
    local_acct_[r.instrument].apply(r.side, r.price, r.qty, r.maker ? fees.maker_ppb : fees.taker_ppb);
  }
}

// --- local view ---------------------------------------------------------------------------------------------------

void Engine::apply_local(const Row& r, Outputs& out) {
  LocalInst& li = local_[r.instrument];
  switch (r.kind) {
    case kind::kDepth:
    case kind::kDepthSnapshot: li.book.side(r.side).set(r.price, r.qty); break;
    case kind::kDepthClear:
      if (li.l3) li.l3->clear(r.side);
      else if (r.side == 0) {
        li.book.bids.clear();
        li.book.asks.clear();
      } else {
        li.book.side(r.side).clear();
      }
      break;
    case kind::kBbo: {
      Ladder& L = li.book.side(r.side);
      for (;;) {
        const int64_t b = L.best();
        if (b == kNoPrice || !L.better(b, r.price)) break;
        L.set(b, 0);
      }
      L.set(r.price, r.qty);
      break;
    }
    case kind::kTrade:
      if (cfg_.record_trades) {
        const std::size_t k = out.trade_n++;
        out.trade_ts[k] = r.local_ts;
        double* f = out.trade_f + k * kTradeF64;
        f[0] = r.instrument;
        f[1] = r.side;
        f[2] = static_cast<double>(r.price);
        f[3] = static_cast<double>(r.qty);
      }
      break;
    case kind::kL3Add: li.l3->add(r.order_id, r.side, r.price, r.qty); break;
    case kind::kL3Cancel: {
      int64_t p;
      li.l3->cancel(r.order_id, r.qty, p);
      break;
    }
    case kind::kL3Delete: {
      int64_t p;
      li.l3->remove(r.order_id, p);
      break;
    }
    case kind::kL3Modify: {
      int64_t p;
      li.l3->modify(r.order_id, r.price, r.qty, p);
      break;
    }
    case kind::kL3Execute: {
      int64_t p;
      li.l3->execute(r.order_id, r.qty, p, [](uint32_t) {});
      break;
    }
    default: break;
  }
}

bool Engine::write_sample(Outputs& out, int64_t t) {
  const std::size_t n = instruments();
  if (out.sample_n + n > out.sample_cap) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t m2 = exchange_.book(i).mid2();
    if (m2 != kNoPrice) last_mid2_[i] = m2;
    const int64_t mid2 = last_mid2_[i];
    const Account& a = exchange_.account(i);
    const double u = exchange_.unit(i);
    const std::size_t k = out.sample_n++;
    out.sample_ts[k] = t;
    double* f = out.sample_f + k * kSampleF64;
    f[0] = static_cast<double>(i);
    f[1] = static_cast<double>(a.position);
    f[2] = mid2 == kNoPrice ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(mid2) / 2.0;
    f[3] = to_double(a.cash) * u;
    f[4] = to_double(a.fees) * u / 1e8;
    f[5] = to_double(a.realised) * u;
    f[6] = mid2 == kNoPrice ? (a.position == 0 ? 0.0 : std::numeric_limits<double>::quiet_NaN())
                            : to_double(a.unrealised2(mid2)) * u / 2.0;
    f[7] = static_cast<double>(a.volume);
  }
  return true;
}

// --- the loop -----------------------------------------------------------------------------------------------------

int Engine::run(int64_t until, bool step, Outputs& out) {
  const bool sampling = cfg_.sample_ns > 0;
  for (;;) {
    const Row* er = exch_peek();
    const Row* lr = local_peek();
    if ((er == nullptr || lr == nullptr) && !final_) return status::kNeedData;
    const int64_t te = er ? std::max(er->exch_ts, now_) : kNever;
    const int64_t tl = lr ? std::max(lr->local_ts, now_) : kNever;
    const int64_t tq = req_bus_.empty() ? kNever : req_bus_.front().arrival;
    const int64_t tr = resp_bus_.empty() ? kNever : resp_bus_.front().local_ts;
    const int64_t tmin = std::min(std::min(te, tl), std::min(tq, tr));
    if (tmin == kNever) {
      // The data is over: the clock still runs to `until` (a wait the strategy asked for), and the final sample
      // is taken there.
      if (until < kUntilEnd && until > now_) now_ = until;
      if (sampling && !ended_ && started_) {
        if (!write_sample(out, now_)) return status::kOutputFull;
        // Sampling resumes after the clock (orders sent after the end must not back-fill the idle gap).
        if (next_sample_ <= now_) next_sample_ = next_sample_after(now_);
      }
      ended_ = true;
      return status::kEnd;
    }
    ended_ = false;
    if (!started_) {
      started_ = true;
      if (sampling) next_sample_ = next_sample_after(tmin);
    }
    if (sampling && next_sample_ <= until && next_sample_ < tmin) {
      if (!write_sample(out, next_sample_)) return status::kOutputFull;
      now_ = std::max(now_, next_sample_);
      next_sample_ += cfg_.sample_ns;
      continue;
    }
    if (tmin > until) {
      if (until > now_) now_ = until;
      return status::kReached;
    }
    if (te == tmin) {
      now_ = te;
      exchange_.on_row(*er, te);
      exch_advance();
      route_emitted();
      continue;
    }
    if (tq == tmin) {
      now_ = tq;
      const Request rq = req_bus_.front().req;
      req_bus_.pop_front();
      exchange_.on_request(rq, tq);
      route_emitted();
      continue;
    }
    if (tr == tmin) {
      if (out.resp_n >= out.resp_cap) return status::kOutputFull;
      now_ = tr;
      const Response r = resp_bus_.front();
      resp_bus_.pop_front();
      deliver(out, r);
      if (step) return status::kStepped;
      continue;
    }
    if (cfg_.record_trades && lr->kind == kind::kTrade && out.trade_n >= out.trade_cap) return status::kOutputFull;
    now_ = tl;
    apply_local(*lr, out);
    local_advance();
    if (step) return status::kStepped;
  }
}

}  // namespace omq::replay
