// One live order: resting in a price level, pending as an untriggered stop, or being matched as the taker.
#pragma once

#include <cstddef>
#include <cstdint>

#include "book/types.hpp"

namespace omq::book {

struct Level;

enum class OrderState : uint8_t { kFree = 0, kActive = 1, kResting = 2, kPendingStop = 3 };

// One cache line of hot fields (everything matching, cancel and replace touch), then the cold ones.
struct alignas(64) Order {
  // Hot.
  int64_t id;
  int64_t price;      // limit price in ticks (0 for market-like orders)
  int64_t remaining;  // open quantity, displayed plus reserve
  int64_t visible;    // displayed quantity while resting (== remaining unless iceberg)
  Level* level;       // the level it rests in, when kResting
  uint32_t prev;      // FIFO links inside the level, pool indices
  uint32_t next;
  uint32_t owner;     // self-trade prevention group, 0 = none
  uint32_t gen;       // bumped when the slot is freed: stale expiry-heap entries are recognised by it
  uint8_t side;
  uint8_t type;
  uint8_t tif;
  uint8_t post_only;  // 0, flag::kPostOnlyReject or flag::kPostOnlySlide
  OrderState state;
  bool market;        // matches at any price (market orders, triggered stop-markets)
  bool iceberg;       // peak != 0
  // Cold: icebergs, stops, expiry.
  int64_t peak;        // iceberg display size, 0 = not an iceberg
  int64_t expire_ns;   // GTD expiry
  int64_t stop_price;  // stop, stop-limit trigger price
  int64_t trail;       // trailing stop distance in ticks
  int64_t ref;         // trailing stop: best trade price seen since acceptance (valid if has_ref)
  uint64_t seq;        // acceptance order, breaks ties between stops triggered together
  uint32_t trail_pos;  // index in the trailing-stop list
  bool has_ref;
};

static_assert(offsetof(Order, iceberg) < 64, "the hot fields of Order must fit in its first cache line");

}  // namespace omq::book
