// Live orders keyed by ITCH order reference number: open addressing with linear probing and backward-shift
// deletion (no tombstones), Fibonacci hashing, the order stored inline so a lookup touches one cache line.
// Grows at 50% load; memory is proportional to the number of live orders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace omq::itch {

struct Order {
  std::uint64_t ref;
  std::uint32_t shares;  // remaining
  std::uint32_t price;   // Price(4)
  std::uint16_t locate;
  std::int8_t side;  // +1 buy, -1 sell
  std::uint8_t used;
};

class OrderMap {
 public:
  OrderMap() { rehash(1u << 12); }

  std::size_t size() const { return size_; }

  /// The live order with this reference, or nullptr. The pointer is valid until the next emplace or erase.
  Order* find(std::uint64_t ref) {
    std::size_t i = slot(ref);
    for (;;) {
      Order& o = slots_[i];
      if (!o.used) return nullptr;
      if (o.ref == ref) return &o;
      i = (i + 1) & mask_;
    }
  }

  /// Starts loading the slot where `ref` lives or would go (for a message a few messages ahead).
  /// A 24-byte slot may straddle two cache lines, and a probe often goes on to the next slot: the line holding
  /// the end of the next slot is loaded too (the same line most of the time, then the prefetch is free).
  void prefetch(std::uint64_t ref) const {
    const Order* o = &slots_[slot(ref)];
    __builtin_prefetch(o);
    __builtin_prefetch(reinterpret_cast<const char*>(o) + 2 * sizeof(Order) - 1);
  }

  /// The slot of `ref`: {the live order, false} if there is one; otherwise {a new slot holding only `ref`, true},
  /// for the caller to fill: one probe serves a lookup and an insertion. The pointer is valid until the
  /// next emplace or erase.
  std::pair<Order*, bool> emplace(std::uint64_t ref) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t i = slot(ref);
    for (;;) {
      Order& o = slots_[i];
      if (!o.used) {
        o.ref = ref;
        o.used = 1;
        size_++;
        return {&o, true};
      }
      if (o.ref == ref) return {&o, false};
      i = (i + 1) & mask_;
    }
  }

  /// Removes the order `o` points at (from find()).
  void erase(Order* o) {
    std::size_t i = static_cast<std::size_t>(o - slots_.data());
    std::size_t j = i;
    // Backward-shift: move later entries of the probe run into the hole when their home slot allows it.
    for (;;) {
      j = (j + 1) & mask_;
      Order& next = slots_[j];
      if (!next.used) break;
      const std::size_t home = slot(next.ref);
      // `next` may fill hole i if its home is not in (i, j] cyclically.
      const bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        slots_[i] = next;
        i = j;
      }
    }
    slots_[i].used = 0;
    size_--;
  }

  template <class F>
  void for_each(F&& f) const {
    for (const Order& o : slots_)
      if (o.used) f(o);
  }

 private:
  std::size_t slot(std::uint64_t ref) const {
    return static_cast<std::size_t>((ref * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void rehash(std::size_t capacity) {
    std::vector<Order> old;
    old.swap(slots_);
    slots_.assign(capacity, Order{0, 0, 0, 0, 0, 0});
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) shift_--;
    size_ = 0;
    for (const Order& o : old)
      if (o.used) *emplace(o.ref).first = o;
  }

  std::vector<Order> slots_;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace omq::itch
