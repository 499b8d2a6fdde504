// The engine's output: one row per event, stored as columns (structure of arrays) so that a batch of events can be
// handed to JavaScript as typed arrays. The buffer either owns its columns (growing as needed, reused across
// batches) or writes straight into columns the caller attached (JavaScript typed arrays), switching to its own
// storage, with a copy, only if the attached columns fill up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace omq::book {

struct EventColumns {
  uint8_t* type = nullptr;
  uint8_t* side = nullptr;
  uint8_t* reason = nullptr;
  uint32_t* op = nullptr;
  int64_t* order_id = nullptr;
  int64_t* other_id = nullptr;
  int64_t* price = nullptr;
  int64_t* qty = nullptr;
  int64_t* remaining = nullptr;
  int64_t* ts = nullptr;
};

class EventBuffer {
 public:
  EventBuffer() = default;
  EventBuffer(const EventBuffer&) = delete;
  EventBuffer& operator=(const EventBuffer&) = delete;
  ~EventBuffer() { release(owned_); }

  std::size_t size() const { return size_; }
  const EventColumns& columns() const { return cur_; }
  // True while the events are being written into attached columns.
  bool attached() const { return attached_; }

  // Starts an empty batch written into the caller's columns, which have room for `capacity` events.
  void attach(const EventColumns& cols, std::size_t capacity) {
    cur_ = cols;
    cap_ = capacity;
    size_ = 0;
    attached_ = true;
  }

  // Starts an empty batch in the buffer's own storage.
  void clear() {
    cur_ = owned_;
    cap_ = owned_cap_;
    size_ = 0;
    attached_ = false;
  }

  // Frees the own storage when a big batch left far more capacity than the last batch used.
  void trim(std::size_t used) {
    if (owned_cap_ > (std::size_t{1} << 20) && used < owned_cap_ / 8) {
      release(owned_);
      owned_ = EventColumns{};
      owned_cap_ = 0;
      clear();
    }
  }

  __attribute__((always_inline)) void push(uint8_t type, int64_t order_id, int64_t other_id, int64_t price,
                                           int64_t qty, int64_t remaining, uint8_t side, uint8_t reason, int64_t ts,
                                           uint32_t op) {
    if (size_ == cap_) grow();
    const std::size_t i = size_++;
    cur_.type[i] = type;
    cur_.side[i] = side;
    cur_.reason[i] = reason;
    cur_.op[i] = op;
    cur_.order_id[i] = order_id;
    cur_.other_id[i] = other_id;
    cur_.price[i] = price;
    cur_.qty[i] = qty;
    cur_.remaining[i] = remaining;
    cur_.ts[i] = ts;
  }

 private:
  template <typename T>
  static T* alloc(std::size_t cap) {
    T* p = static_cast<T*>(std::malloc(cap * sizeof(T)));
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }

  template <typename T>
  static void copy(T* dst, const T* src, std::size_t n) {
    if (n > 0) std::memcpy(dst, src, n * sizeof(T));
  }

  // Doubles the capacity into own storage, keeping the events so far.
  __attribute__((noinline)) void grow() {
    const std::size_t cap = cap_ < 2048 ? 4096 : cap_ * 2;
    EventColumns n;
    try {
      n.type = alloc<uint8_t>(cap);
      n.side = alloc<uint8_t>(cap);
      n.reason = alloc<uint8_t>(cap);
      n.op = alloc<uint32_t>(cap);
      n.order_id = alloc<int64_t>(cap);
      n.other_id = alloc<int64_t>(cap);
      n.price = alloc<int64_t>(cap);
      n.qty = alloc<int64_t>(cap);
      n.remaining = alloc<int64_t>(cap);
      n.ts = alloc<int64_t>(cap);
    } catch (...) {
      release(n);
      throw;
    }
    copy(n.type, cur_.type, size_);
    copy(n.side, cur_.side, size_);
    copy(n.reason, cur_.reason, size_);
    copy(n.op, cur_.op, size_);
    copy(n.order_id, cur_.order_id, size_);
    copy(n.other_id, cur_.other_id, size_);
    copy(n.price, cur_.price, size_);
    copy(n.qty, cur_.qty, size_);
    copy(n.remaining, cur_.remaining, size_);
    copy(n.ts, cur_.ts, size_);
    release(owned_);
    owned_ = cur_ = n;
    owned_cap_ = cap_ = cap;
    attached_ = false;
  }

  static void release(const EventColumns& c) {
    std::free(c.type);
    std::free(c.side);
    std::free(c.reason);
    std::free(c.op);
    std::free(c.order_id);
    std::free(c.other_id);
    std::free(c.price);
    std::free(c.qty);
    std::free(c.remaining);
    std::free(c.ts);
  }

  EventColumns cur_;    // where push() writes: owned_ or the attached columns
  EventColumns owned_;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
  std::size_t owned_cap_ = 0;
  bool attached_ = false;
};

}  // namespace omq::book
