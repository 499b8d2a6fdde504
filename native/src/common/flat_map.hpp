// Integer key -> small value, for the engines' id and page indexes: open addressing with linear probing,
// Fibonacci hashing (the high bits of key * 2^64/phi), backward-shift deletion (no tombstones), doubling at half
// load. `kEmpty` marks an empty slot and is never a key; `find` returns `kMissing` for an absent key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace omq {

template <class Key, class Value, Key kEmptyKey, Value kMissingValue>
class FlatMap {
 public:
  static constexpr Key kEmpty = kEmptyKey;
  static constexpr Value kMissing = kMissingValue;

  /// Room for `expected` keys before the first growth.
  explicit FlatMap(std::size_t expected = 8) {
    std::size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    init(cap);
  }

  std::size_t size() const { return size_; }

  Value find(Key key) const {
    std::size_t i = slot(key);
    for (;;) {
      const Entry& e = table_[i];
      if (e.key == key) return e.value;
      if (e.key == kEmpty) return kMissing;
      i = (i + 1) & mask_;
    }
  }

  /// Inserts a key known to be absent.
  void insert(Key key, Value value) {
    grow_for_one_more();
    std::size_t i = slot(key);
    while (table_[i].key != kEmpty) i = (i + 1) & mask_;
    table_[i] = Entry{key, value};
    size_++;
  }

  /// Inserts or overwrites.
  void put(Key key, Value value) {
    grow_for_one_more();
    std::size_t i = slot(key);
    for (;;) {
      Entry& e = table_[i];
      if (e.key == key) {
        e.value = value;
        return;
      }
      if (e.key == kEmpty) {
        e = Entry{key, value};
        size_++;
        return;
      }
      i = (i + 1) & mask_;
    }
  }

  /// Removes `key` if present.
  void erase(Key key) {
    std::size_t i = slot(key);
    for (;;) {
      if (table_[i].key == key) break;
      if (table_[i].key == kEmpty) return;
      i = (i + 1) & mask_;
    }
    // Backward-shift: move later entries of the probe run into the hole when their home slot allows it.
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

  void clear() { init(16); }

 private:
  struct Entry {
    Key key;
    Value value;
  };

  std::size_t slot(Key key) const {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void grow_for_one_more() {
    if ((size_ + 1) * 2 > table_.size()) rehash(table_.size() * 2);
  }

  void init(std::size_t cap) {
    table_.assign(cap, Entry{kEmpty, Value{}});
    mask_ = cap - 1;
    int bits = 0;
    while ((std::size_t{1} << bits) < cap) bits++;
    shift_ = 64 - bits;
    size_ = 0;
  }

  void rehash(std::size_t cap) {
    std::vector<Entry> old;
    old.swap(table_);
    init(cap);
    for (const Entry& e : old)
      if (e.key != kEmpty) insert(e.key, e.value);  // the doubled table never grows again here
  }

  std::vector<Entry> table_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  int shift_ = 0;
};

}  // namespace omq
