// The replay engine's id index (common/flat_map.hpp): order id -> node or slot. UINT64_MAX marks an empty slot
// (never an order id in market data), kMissing (-1) an absent id.
#pragma once

#include <cstdint>

#pragma GCC visibility push(hidden)
#include "common/flat_map.hpp"

namespace omq::replay {

using IdMap = FlatMap<uint64_t, int32_t, ~uint64_t{0}, -1>;

}  // namespace omq::replay
#pragma GCC visibility pop
