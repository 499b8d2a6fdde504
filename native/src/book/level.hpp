// A price level: the FIFO queue of resting orders at one price, as an intrusive doubly linked list through the
// orders' prev/next pool indices. `qty` is the displayed quantity (icebergs count their visible slice only).
// 16 bytes, four to a cache line; an empty level has head == kNil.
#pragma once

#include <cstdint>

#include "book/order.hpp"
#include "book/types.hpp"

namespace omq::book {

struct Level {
  int64_t qty;
  uint32_t head;
  uint32_t tail;
};

inline uint32_t level_count(const Level& lv, const Order* pool) {
  uint32_t n = 0;
  for (uint32_t i = lv.head; i != kNil; i = pool[i].next) n++;
  return n;
}

// Appends order `i` at the back of the queue (time priority: last).
inline void level_push_back(Level& lv, uint32_t i, Order* pool) {
  Order& o = pool[i];
  o.prev = lv.tail;
  o.next = kNil;
  if (lv.tail != kNil) {
    pool[lv.tail].next = i;
  } else {
    lv.head = i;
  }
  lv.tail = i;
  lv.qty += o.visible;
  o.level = &lv;
}

// Removes order `i` from the queue, wherever it is.
inline void level_unlink(Level& lv, uint32_t i, Order* pool) {
  Order& o = pool[i];
  if (o.prev != kNil) {
    pool[o.prev].next = o.next;
  } else {
    lv.head = o.next;
  }
  if (o.next != kNil) {
    pool[o.next].prev = o.prev;
  } else {
    lv.tail = o.prev;
  }
  lv.qty -= o.visible;
  o.level = nullptr;
}

}  // namespace omq::book
