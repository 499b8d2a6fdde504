// The replay engine's vocabulary: market-event rows (the MarketEvents columns of lib/data/market/events.ts, one
// struct per row), our order requests, the responses the strategy receives, and the codes shared with the
// TypeScript facade (lib/backtest/replay/codes.ts). Numeric values are part of that contract: never renumber.
//
// Units: timestamps are nanoseconds since the Unix epoch; prices integer ticks; quantities integer lots.
#pragma once

#include <cstdint>
#include <limits>

// Hidden visibility: the engine is internal to the addon, so its functions can be inlined across calls
// (no semantic interposition) and are called without the PLT.
#pragma GCC visibility push(hidden)
namespace omq::replay {

constexpr int64_t kNoPrice = std::numeric_limits<int64_t>::min();
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// `run(kUntilEnd)` replays to the end of the data without moving the clock past the last event; any smaller
// `until` is a time the strategy waits for, so a run that reaches the end of the data leaves the clock there.
constexpr int64_t kUntilEnd = kNever - 1;
// Prices and quantities must stay within +-2^62 so that sums and differences of two never overflow int64.
constexpr int64_t kMaxAbs = int64_t{1} << 62;

// Market-event kinds (the `kind` column; lib/data/market/events.ts EventKind).
namespace kind {
constexpr uint8_t kDepth = 1;
constexpr uint8_t kDepthClear = 2;
constexpr uint8_t kDepthSnapshot = 3;
constexpr uint8_t kTrade = 4;
constexpr uint8_t kBbo = 5;
constexpr uint8_t kL3Add = 6;
constexpr uint8_t kL3Cancel = 7;
constexpr uint8_t kL3Modify = 8;
constexpr uint8_t kL3Execute = 9;
constexpr uint8_t kL3Delete = 10;
constexpr uint8_t kMax = 10;
inline bool is_l3(uint8_t k) { return k >= kL3Add && k <= kL3Delete; }
}  // namespace kind

// One market event. 48 bytes; the engine copies incoming columns into rows of these.
struct Row {
  int64_t exch_ts;
  int64_t local_ts;
  int64_t price;
  int64_t qty;
  uint64_t order_id;
  uint8_t kind;
  int8_t side;  // +1 bid/buy, -1 ask/sell, 0 none
  uint16_t instrument;
  uint32_t pad;
};

// Request operations (our order flow, TypeScript -> engine).
namespace op {
constexpr uint8_t kNew = 1;
constexpr uint8_t kCancel = 2;
constexpr uint8_t kReplace = 3;
}  // namespace op

namespace order_type {
constexpr uint8_t kLimit = 0;
constexpr uint8_t kMarket = 1;
}  // namespace order_type

namespace tif {
constexpr uint8_t kGtc = 0;
constexpr uint8_t kIoc = 1;
constexpr uint8_t kFok = 2;
constexpr uint8_t kGtx = 3;  // post-only: rejected if it would take liquidity
}  // namespace tif

struct Request {
  uint8_t op;
  uint8_t type;
  uint8_t tif;
  int8_t side;
  uint16_t instrument;
  uint64_t id;
  int64_t price;
  int64_t qty;
  bool valid;        // false: the request was malformed; `reason` says why
  uint8_t reason;    // set when !valid
};

// Response kinds (engine -> strategy, after the response latency).
namespace resp {
constexpr uint8_t kAccepted = 1;        // a new order rests at the venue (qty = leaves)
constexpr uint8_t kFill = 2;            // an execution: price, qty, leaves after it, maker flag, fee
constexpr uint8_t kCancelled = 3;       // our cancel took effect (leaves = what was cancelled)
constexpr uint8_t kExpired = 4;         // IOC/FOK/market remainder (or a whole IOC/FOK) that did not execute
constexpr uint8_t kRejected = 5;        // a new order was refused (reason)
constexpr uint8_t kCancelRejected = 6;  // a cancel found no open order (already filled, cancelled or unknown)
constexpr uint8_t kReplaced = 7;        // a replace took effect: new price and leaves
constexpr uint8_t kReplaceRejected = 8; // a replace found no open order or was invalid (reason)
}  // namespace resp

// Reasons for rejects (shared with lib/backtest/replay/codes.ts).
namespace reason {
constexpr uint8_t kNone = 0;
constexpr uint8_t kBadQty = 1;          // quantity not a positive integer (or out of range)
constexpr uint8_t kBadPrice = 2;        // price not an integer within range
constexpr uint8_t kBadSide = 3;
constexpr uint8_t kBadInstrument = 4;
constexpr uint8_t kBadType = 5;         // unknown order type or time in force
constexpr uint8_t kDuplicateId = 6;
constexpr uint8_t kPostOnlyWouldCross = 7;
constexpr uint8_t kNotOpen = 8;         // cancel/replace of an order that is not open at the venue
constexpr uint8_t kLatencyReject = 9;   // the recorded latency table says the venue rejected requests then
constexpr uint8_t kBadOp = 10;          // unknown request operation
constexpr uint8_t kNoLiquidity = 11;    // market order on an empty side
constexpr uint8_t kBadId = 12;          // order id not a positive safe integer
}  // namespace reason

// A response as it travels back to the strategy.
struct Response {
  int64_t exch_ts;   // when the venue produced it
  int64_t local_ts;  // when the strategy receives it (filled in by the engine)
  uint64_t order_id;
  int64_t price;     // fill price, or the order price
  int64_t qty;       // fill qty, or leaves for accepted/cancelled/expired/replaced
  int64_t leaves;    // remaining quantity after this response
  int64_t mid2;      // bid + ask of the venue's book at the time (ticks x 2), kNoPrice if a side was empty
  double fee;        // fee of a fill in quote currency (negative = rebate); exact sums are kept separately
  uint16_t instrument;
  int8_t side;
  uint8_t kind;
  uint8_t reason;
  uint8_t maker;
};

// Status of a run call (lib/backtest/replay/codes.ts RunStatus).
namespace status {
constexpr int kReached = 0;     // simulated until the requested local time
constexpr int kStepped = 1;     // stopped after one local event (step mode)
constexpr int kNeedData = 2;    // the buffered data is exhausted and more may come: append, then call again
constexpr int kOutputFull = 3;  // an output buffer is full: drain it, then call again
constexpr int kEnd = 4;         // the data is final and exhausted, and no message is in flight
}  // namespace status

}  // namespace omq::replay
#pragma GCC visibility pop
