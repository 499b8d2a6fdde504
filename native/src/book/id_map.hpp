// int64 key -> uint32 value: open addressing with linear probing and backward-shift deletion (no tombstones).
// `kEmpty` marks an empty slot and is never a key (order ids are positive, so the id map uses 0). The table
// doubles at half load.
#pragma once

#include <cstdint>
#include <vector>

#include "book/types.hpp"

namespace omq::book {

template <int64_t kEmpty>
class HashIndex {
 public:
  explicit HashIndex(std::size_t expected) {
    std::size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    init(cap);
  }

  std::size_t size() const { return size_; }

  uint32_t find(int64_t id) const {
    std::size_t i = slot(id);
    for (;;) {
      const Entry& e = table_[i];
      if (e.key == id) return e.value;
      if (e.key == kEmpty) return kNil;
      i = (i + 1) & mask_;
    }
  }

  // Inserts a key known to be absent.
  void insert(int64_t id, uint32_t value) {
    if ((size_ + 1) * 2 > table_.size()) rehash(table_.size() * 2);
    std::size_t i = slot(id);
    while (table_[i].key != kEmpty) i = (i + 1) & mask_;
    table_[i].key = id;
    table_[i].value = value;
    size_++;
  }

  void erase(int64_t id) {
    std::size_t i = slot(id);
    for (;;) {
      if (table_[i].key == id) break;
      if (table_[i].key == kEmpty) return;
      i = (i + 1) & mask_;
    }
    // Backward-shift: move later entries of the probe run into the hole when their home allows it.
    std::size_t hole = i;
    std::size_t j = i;
    for (;;) {
      j = (j + 1) & mask_;
      if (table_[j].key == kEmpty) break;
      const std::size_t home = slot(table_[j].key);
      // Entry j may fill the hole unless its home lies cyclically in (hole, j].
      const bool home_after_hole = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!home_after_hole) {
        table_[hole] = table_[j];
        hole = j;
      }
    }
    table_[hole].key = kEmpty;
    size_--;
  }

 private:
  struct Entry {
    int64_t key;
    uint32_t value;
  };

  std::size_t slot(int64_t id) const {
    return static_cast<std::size_t>((static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void init(std::size_t cap) {
    table_.assign(cap, Entry{kEmpty, 0});
    mask_ = cap - 1;
    int bits = 0;
    while ((std::size_t{1} << bits) < cap) bits++;
    shift_ = 64 - bits;
  }

  void rehash(std::size_t cap) {
    std::vector<Entry> old;
    old.swap(table_);
    init(cap);
    for (const Entry& e : old) {
      if (e.key == kEmpty) continue;
      std::size_t i = slot(e.key);
      while (table_[i].key != kEmpty) i = (i + 1) & mask_;
      table_[i] = e;
    }
  }

  std::vector<Entry> table_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  int shift_ = 0;
};

using IdMap = HashIndex<0>;

}  // namespace omq::book
