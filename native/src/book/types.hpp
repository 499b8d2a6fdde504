// Codes shared by the matching engine, its batch columns and its events. The numeric values are part of the
// batch format (lib/sim/codes.ts mirrors them) and must not change.
#pragma once

#include <cstdint>

namespace omq::book {

// Side of an order (batch column `side`).
namespace side {
constexpr uint8_t kBuy = 0;
constexpr uint8_t kSell = 1;
}  // namespace side

// Order type (batch column `type`).
namespace order_type {
constexpr uint8_t kLimit = 0;
constexpr uint8_t kMarket = 1;
constexpr uint8_t kStop = 2;          // stop-market: a market order once the stop price trades
constexpr uint8_t kStopLimit = 3;     // a limit order at `price` once `stopPrice` trades
constexpr uint8_t kTrailingStop = 4;  // stop-market whose stop trails the best trade price by `trail` ticks
constexpr uint8_t kCount = 5;
}  // namespace order_type

// Time in force (batch column `tif`).
namespace tif {
constexpr uint8_t kGtc = 0;
constexpr uint8_t kIoc = 1;
constexpr uint8_t kFok = 2;
constexpr uint8_t kDay = 3;  // expires at the next END_OF_DAY operation
constexpr uint8_t kGtd = 4;  // expires when the book clock reaches `expireNs`
constexpr uint8_t kCount = 5;
}  // namespace tif

// Operation (batch column `op`).
namespace op {
constexpr uint8_t kSubmit = 0;
constexpr uint8_t kCancel = 1;
constexpr uint8_t kReplace = 2;
constexpr uint8_t kAdvanceTime = 3;
constexpr uint8_t kEndOfDay = 4;
constexpr uint8_t kCount = 5;
}  // namespace op

// Instruction flags (batch column `flags`).
namespace flag {
constexpr uint8_t kPostOnlyReject = 1;  // submit: reject the order if it would take liquidity
constexpr uint8_t kPostOnlySlide = 2;   // submit: re-price one tick behind the opposite best instead
constexpr uint8_t kKeepPrice = 4;       // replace: leave the price unchanged (the price column is ignored)
constexpr uint8_t kKeepQty = 8;         // replace: leave the quantity unchanged (the qty column is ignored)
constexpr uint8_t kSubmitMask = kPostOnlyReject | kPostOnlySlide;
constexpr uint8_t kReplaceMask = kKeepPrice | kKeepQty;
}  // namespace flag

// Event type (event column `type`).
namespace event {
constexpr uint8_t kAccepted = 1;
constexpr uint8_t kRejected = 2;
constexpr uint8_t kTrade = 3;
constexpr uint8_t kPartiallyFilled = 4;
constexpr uint8_t kFilled = 5;
constexpr uint8_t kCancelled = 6;
constexpr uint8_t kReplaced = 7;
constexpr uint8_t kExpired = 8;
constexpr uint8_t kTriggered = 9;
}  // namespace event

// Reason codes (event column `reason`): 1-31 reject reasons, 32-47 why an order left the book, 48+ notes.
namespace reason {
constexpr uint8_t kNone = 0;
constexpr uint8_t kInvalidId = 1;
constexpr uint8_t kDuplicateId = 2;
constexpr uint8_t kUnknownOrder = 3;
constexpr uint8_t kInvalidSide = 4;
constexpr uint8_t kInvalidType = 5;
constexpr uint8_t kInvalidTif = 6;
constexpr uint8_t kInvalidQuantity = 7;
constexpr uint8_t kPriceOffTick = 8;
constexpr uint8_t kPriceOutOfRange = 9;
constexpr uint8_t kInvalidStopPrice = 10;
constexpr uint8_t kInvalidTrail = 11;
constexpr uint8_t kInvalidDisplayQty = 12;
constexpr uint8_t kInvalidExpiry = 13;
constexpr uint8_t kInvalidFlags = 14;
constexpr uint8_t kCrossedPostOnly = 15;
constexpr uint8_t kNotReplaceable = 16;
constexpr uint8_t kTimeBackwards = 17;
constexpr uint8_t kInvalidTimestamp = 18;
constexpr uint8_t kInvalidOp = 19;
constexpr uint8_t kUserCancel = 32;
constexpr uint8_t kUnfilledImmediate = 33;
constexpr uint8_t kFokUnfillable = 34;
constexpr uint8_t kSelfTrade = 35;
constexpr uint8_t kGtdExpired = 36;
constexpr uint8_t kDayExpired = 37;
constexpr uint8_t kPriorityKept = 48;
}  // namespace reason

// Self-trade prevention: what happens when a taker meets a resting order of the same non-zero owner.
enum class StpMode : uint8_t {
  kNone = 0,          // trade with yourself
  kCancelNewest = 1,  // cancel the taker's remainder
  kCancelOldest = 2,  // cancel the resting order and keep matching
  kCancelBoth = 3,    // cancel both
};

struct BookConfig {
  int64_t min_price;  // in ticks, inclusive
  int64_t max_price;  // in ticks, inclusive
  StpMode stp;
};

// Default price bounds: far from int64 overflow in price +/- trail or +/- 1 tick arithmetic.
constexpr int64_t kDefaultMinPrice = -(int64_t{1} << 62);
constexpr int64_t kDefaultMaxPrice = int64_t{1} << 62;

constexpr uint32_t kNil = 0xFFFFFFFFu;

}  // namespace omq::book
