// uint64 key -> int32 value: open addressing, linear probing, backward-shift deletion. The key UINT64_MAX is
// reserved (empty slot). Grows at half load.
#pragma once

#include <cstdint>
#include <vector>

#pragma GCC visibility push(hidden)
namespace omq::replay {

class IdMap {
 public:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static constexpr int32_t kMissing = -1;

  IdMap() { init(16); }

  std::size_t size() const { return size_; }

  int32_t find(uint64_t key) const {
    std::size_t i = slot(key);
    for (;;) {
      const Entry& e = table_[i];
      if (e.key == key) return e.value;
      if (e.key == kEmpty) return kMissing;
      i = (i + 1) & mask_;
    }
  }

  // Inserts or overwrites.
  void put(uint64_t key, int32_t value) {
    if ((size_ + 1) * 2 > table_.size()) rehash(table_.size() * 2);
    std::size_t i = slot(key);
    for (;;) {
      Entry& e = table_[i];
      if (e.key == key) {
        e.value = value;
        return;
      }
      if (e.key == kEmpty) {
        e.key = key;
        e.value = value;
        ++size_;
        return;
      }
      i = (i + 1) & mask_;
    }
  }

  void erase(uint64_t key) {
    std::size_t i = slot(key);
    for (;;) {
      if (table_[i].key == key) break;
      if (table_[i].key == kEmpty) return;
      i = (i + 1) & mask_;
    }
    std::size_t hole = i;
    std::size_t j = i;
    for (;;) {
      j = (j + 1) & mask_;
      if (table_[j].key == kEmpty) break;
      const std::size_t home = slot(table_[j].key);
      const bool home_in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!home_in_range) {
        table_[hole] = table_[j];
        hole = j;
      }
    }
    table_[hole].key = kEmpty;
    --size_;
  }

  void clear() { init(16); }

 private:
  struct Entry {
    uint64_t key;
    int32_t value;
  };

  std::size_t slot(uint64_t key) const {
    uint64_t h = key * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    return static_cast<std::size_t>(h) & mask_;
  }

  void init(std::size_t cap) {
    table_.assign(cap, Entry{kEmpty, 0});
    mask_ = cap - 1;
    size_ = 0;
  }

  void rehash(std::size_t cap) {
    std::vector<Entry> old;
    old.swap(table_);
    init(cap);
    for (const Entry& e : old)
      if (e.key != kEmpty) put(e.key, e.value);
  }

  std::vector<Entry> table_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace omq::replay
#pragma GCC visibility pop
