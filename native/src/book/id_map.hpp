// The matching engine's integer indexes (common/flat_map.hpp): order id -> order slot (IdMap; ids are positive, so
// 0 marks an empty slot) and, in ladder.hpp, price page -> page index (HashIndex<INT64_MIN>). kNil = absent.
#pragma once

#include <cstdint>

#include "book/types.hpp"
#include "common/flat_map.hpp"

namespace omq::book {

template <int64_t kEmpty>
using HashIndex = FlatMap<int64_t, uint32_t, kEmpty, kNil>;

using IdMap = HashIndex<0>;

}  // namespace omq::book
