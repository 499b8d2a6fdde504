// Good-till-date expiries: a min-heap of (expireNs, id). Entries are not removed when their order fills or is
// cancelled; the slot generation tells a stale entry from a live one when it reaches the top, and the heap is
// rebuilt without stale entries when they come to outnumber the live ones.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace omq::book {

struct ExpiryEntry {
  int64_t expire_ns;
  int64_t id;
  uint32_t index;
  uint32_t gen;
  bool operator>(const ExpiryEntry& o) const { return expire_ns != o.expire_ns ? expire_ns > o.expire_ns : id > o.id; }
};

class ExpiryQueue {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const ExpiryEntry& top() const { return heap_.front(); }

  void pop() {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<ExpiryEntry>());
    heap_.pop_back();
  }

  // Adds an entry; first drops the stale ones (is_live(entry) false) if there are more than 3 per live order.
  template <typename IsLive>
  void push(const ExpiryEntry& e, std::size_t live, IsLive&& is_live) {
    if (heap_.size() >= 1024 && heap_.size() > 4 * live) {
      heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [&](const ExpiryEntry& x) { return !is_live(x); }),
                  heap_.end());
      std::make_heap(heap_.begin(), heap_.end(), std::greater<ExpiryEntry>());
    }
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<ExpiryEntry>());
  }

 private:
  std::vector<ExpiryEntry> heap_;
};

}  // namespace omq::book
