// Orders live in one vector and are named by their index; freed slots are reused through a free list threaded
// through `next`. Indices stay valid while the pool grows; references do not, so the engine only allocates
// before it takes references.
#pragma once

#include <cstdint>
#include <vector>

#include "book/order.hpp"

namespace omq::book {

class OrderPool {
 public:
  explicit OrderPool(std::size_t reserve) { orders_.reserve(reserve); }

  uint32_t allocate() {
    if (free_ != kNil) {
      const uint32_t i = free_;
      free_ = orders_[i].next;
      return i;
    }
    orders_.emplace_back();
    orders_.back().gen = 0;
    return static_cast<uint32_t>(orders_.size() - 1);
  }

  void release(uint32_t i) {
    Order& o = orders_[i];
    o.state = OrderState::kFree;
    o.gen++;
    o.next = free_;
    free_ = i;
  }

  Order& operator[](uint32_t i) { return orders_[i]; }
  const Order& operator[](uint32_t i) const { return orders_[i]; }
  Order* data() { return orders_.data(); }
  std::size_t slots() const { return orders_.size(); }

 private:
  std::vector<Order> orders_;
  uint32_t free_ = kNil;
};

}  // namespace omq::book
