// A batch of operations as parallel columns (all of length n), the engine's one input format: the N-API binding
// points these at JavaScript typed arrays without copying. An absent column reads as zeros.
//
// Integer columns may hold int64 values or doubles; a double that is not an integer (or NaN, or outside int64)
// reads as "not ok", which the engine turns into a reject event with the reason for that column.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace omq::book {

struct Int64Column {
  enum Kind : uint8_t { kAbsent = 0, kInt64 = 1, kFloat64 = 2 };
  const void* data = nullptr;
  Kind kind = kAbsent;

  // Reads element i into `out`; false when it is a double that is not an exact int64.
  bool get(std::size_t i, int64_t& out) const {
    if (kind == kInt64) {
      out = static_cast<const int64_t*>(data)[i];
      return true;
    }
    if (kind == kAbsent) {
      out = 0;
      return true;
    }
    const double d = static_cast<const double*>(data)[i];
    // [-2^63, 2^63): every double in it with no fraction is an exact int64.
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d) {
      out = static_cast<int64_t>(d);
      return true;
    }
    out = 0;
    return false;
  }
};

struct BatchInput {
  std::size_t n = 0;
  const uint8_t* op = nullptr;  // required
  Int64Column id;
  const uint8_t* side = nullptr;
  const uint8_t* type = nullptr;
  const uint8_t* tif = nullptr;
  Int64Column price;
  Int64Column qty;
  Int64Column stop_price;
  Int64Column display_qty;
  Int64Column trail;
  Int64Column expire_ns;
  Int64Column ts;
  const uint32_t* owner = nullptr;
  const uint8_t* flags = nullptr;
};

inline uint8_t at(const uint8_t* col, std::size_t i) { return col == nullptr ? 0 : col[i]; }
inline uint32_t at(const uint32_t* col, std::size_t i) { return col == nullptr ? 0 : col[i]; }

}  // namespace omq::book
