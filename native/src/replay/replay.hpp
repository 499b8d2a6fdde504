// The replay engine: market events in, our orders in, responses/trades/equity samples out, on two timelines
// (after hftbacktest's backtest loop):
//
//   exchange time  market rows are applied to the venue's book (exchange.hpp) at their exchange timestamps, in
//                  exchTs order within each appended chunk (a stable sort when a chunk is not already sorted; a
//                  row earlier than the clock is applied at the clock); our requests reach the venue after the
//                  entry latency, our responses leave it at the time they happen.
//   local time     the strategy sees market rows at their local timestamps (the rows' order: sorted by localTs)
//                  and responses after the response latency.
//
// One clock merges four streams: exchange rows, requests arriving at the venue, responses arriving locally and
// local rows; the earliest goes first, ties in that order (the venue processes a market event before an order
// arriving at the same nanosecond; the strategy gets a response before a market row of the same nanosecond).
// Messages are FIFO per direction, as on one connection: a message never overtakes an earlier one, so a jittered
// latency is max(now + latency, previous arrival).
//
// `run(until)` processes every event with time <= until and leaves the clock at `until` (also when the data
// ends first, except for run(kUntilEnd), which stops at the last event); the strategy then acts
// at that local time (its requests leave at `until`). In step mode it returns after the first local-side event
// (a local market row or a response). It returns early to ask for data (the buffered rows are exhausted and the
// data is not final) or for room (an output buffer is full). Equity samples are taken at every multiple of
// sample_ns (epoch-aligned) after the first event, after all events at or before that time, plus one at the end.
//
// Data arrives in chunks (`append`), validated row by row: a bad row rejects the chunk with an error naming the
// row (counted from the first row ever appended) and the field. Chunks are freed once both cursors have passed
// them.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "replay/exchange.hpp"
#include "replay/fees.hpp"
#include "replay/ladder.hpp"
#include "replay/latency_models.hpp"
#include "replay/rng.hpp"
#include "replay/types.hpp"

#pragma GCC visibility push(hidden)
namespace omq::replay {

struct ColumnsIn {
  std::size_t n = 0;
  const int64_t* exch_ts = nullptr;
  const int64_t* local_ts = nullptr;
  const uint8_t* kind = nullptr;
  const int8_t* side = nullptr;
  const int64_t* price = nullptr;
  const int64_t* qty = nullptr;
  const uint64_t* order_id = nullptr;     // may be null (all 0)
  const uint16_t* instrument = nullptr;   // may be null (all 0)
};

struct RowError {
  uint64_t row = 0;
  std::string field;
  std::string what;
  std::string expected;
  std::string found;
};

struct EngineConfig {
  ExchangeConfig exchange;
  LatencyConfig latency;
  uint64_t seed = 1;
  int64_t sample_ns = 0;     // 0: no equity samples
  bool record_trades = false;
};

// Output record layouts (shared with lib/backtest/replay/engine.ts).
constexpr std::size_t kRespI64 = 2;   // localTs, exchTs
constexpr std::size_t kRespF64 = 11;  // kind, reason, orderId, instrument, side, price, qty, leaves, maker, fee, mid
constexpr std::size_t kTradeF64 = 4;  // instrument, side, price, qty (plus one i64: localTs)
constexpr std::size_t kSampleF64 = 8; // instrument, position, mid, cash, fees, realised, unrealised, volume (+ ts)
constexpr std::size_t kReqF64 = 8;    // op, id, instrument, side, price, qty, type, tif

struct Outputs {
  int64_t* resp_ts = nullptr;
  double* resp_f = nullptr;
  std::size_t resp_cap = 0, resp_n = 0;
  int64_t* trade_ts = nullptr;
  double* trade_f = nullptr;
  std::size_t trade_cap = 0, trade_n = 0;
  int64_t* sample_ts = nullptr;
  double* sample_f = nullptr;
  std::size_t sample_cap = 0, sample_n = 0;  // rows (one per instrument per sample time)
};

// Converts one request record (kReqF64 doubles) into a Request, validating every field.
Request request_from_doubles(const double* f, std::size_t instruments);

class Engine {
 public:
  explicit Engine(EngineConfig c);

  // Validates and copies one chunk; on a bad row returns false and fills `err` (nothing is appended).
  bool append(const ColumnsIn& in, int64_t ts_offset, RowError& err);
  // No more data will be appended.
  void finish() { final_ = true; }
  bool final() const { return final_; }

  // Sends a request at the current local time.
  void submit(const Request& r);

  int run(int64_t until, bool step, Outputs& out);

  int64_t now() const { return now_; }
  std::size_t instruments() const { return cfg_.exchange.instruments.size(); }
  const Book& local_book(std::size_t i) const { return local_[i].l3 ? local_[i].l3->agg : local_[i].book; }
  const Account& local_account(std::size_t i) const { return local_acct_[i]; }
  const Exchange& exchange() const { return exchange_; }
  uint64_t rows_appended() const { return rows_appended_; }
  uint64_t rows_exchange() const { return rows_exch_; }
  uint64_t rows_local() const { return rows_local_; }
  std::size_t in_flight() const { return req_bus_.size() + resp_bus_.size(); }
  std::size_t buffered_chunks() const { return chunks_.size(); }
  double unit(std::size_t i) const { return exchange_.unit(i); }

 private:
  struct Chunk {
    std::vector<Row> rows;
    std::vector<uint32_t> perm;  // exchange order, empty when rows are already in exchTs order
  };
  struct Pending {
    int64_t arrival;
    Request req;
  };
  struct LocalInst {
    Book book;
    std::unique_ptr<L3Book> l3;
  };

  // A position in the buffered chunks, with the current chunk's arrays cached (deque elements do not move when
  // chunks are pushed or popped at the ends).
  struct Cursor {
    std::size_t c = 0;  // chunk index
    std::size_t k = 0;  // position within the chunk
    const Row* rows = nullptr;
    const uint32_t* perm = nullptr;
    std::size_t n = 0;  // rows in the current chunk (0 when past the last chunk)
  };

  const Row* exch_peek() {
    if (ex_.k < ex_.n) return &ex_.rows[ex_.perm ? ex_.perm[ex_.k] : ex_.k];
    return settle(ex_, true);
  }
  const Row* local_peek() {
    if (lo_.k < lo_.n) return &lo_.rows[lo_.k];
    return settle(lo_, false);
  }
  const Row* settle(Cursor& cur, bool exchange_order);
  void exch_advance();
  void local_advance();
  void free_chunks();
  void route_emitted();
  void deliver(Outputs& out, const Response& r);
  void apply_local(const Row& r, Outputs& out);
  bool write_sample(Outputs& out, int64_t t);
  void push_response(Response r, int64_t earliest);
  // The first multiple of sample_ns (epoch-aligned) after t; sample_ns > 0.
  int64_t next_sample_after(int64_t t) const {
    const int64_t s = cfg_.sample_ns;
    const int64_t q = t >= 0 ? t / s : -((-t + s - 1) / s);  // floor(t / s)
    return (q + 1) * s;
  }

  EngineConfig cfg_;
  LatencyModel latency_;
  Rng rng_;
  std::vector<Response> emitted_;
  Exchange exchange_;
  std::vector<LocalInst> local_;
  std::vector<Account> local_acct_;
  std::vector<int64_t> last_mid2_;

  std::deque<Chunk> chunks_;
  std::vector<Chunk> spare_;  // one freed chunk kept for reuse
  Cursor ex_, lo_;
  bool final_ = false;
  uint64_t rows_appended_ = 0, rows_exch_ = 0, rows_local_ = 0;
  int64_t last_local_ts_ = kNoPrice;

  std::deque<Pending> req_bus_;
  std::deque<Response> resp_bus_;
  int64_t last_req_arrival_ = kNoPrice;
  int64_t last_resp_arrival_ = kNoPrice;

  int64_t now_ = kNoPrice;
  bool started_ = false;
  bool ended_ = false;
  int64_t next_sample_ = kNever;
};

}  // namespace omq::replay
#pragma GCC visibility pop
