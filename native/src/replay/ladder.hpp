// One side of a replayed L2 book: price (ticks) -> quantity (lots).
//
// Levels live in a dense window of prices (an int64 per tick plus a bit per tick saying "non-empty", so the next
// level after a deleted best is found 64 ticks at a time). The window is created around the first price seen,
// grows (at least doubling) to take in new prices up to kMaxWindow ticks wide, and re-centres when it is empty;
// a price that would make it wider goes to a sorted map of far levels instead. Best price, quantity at a price
// and set are O(1) in the window; iteration goes best-first across the far levels and the window.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "replay/types.hpp"

#pragma GCC visibility push(hidden)
namespace omq::replay {

class Ladder {
 public:
  static constexpr int64_t kInitialWindow = 4096;
  static constexpr int64_t kMaxWindow = int64_t{1} << 21;

  explicit Ladder(bool bids = true) : bids_(bids) {}

  bool bids() const { return bids_; }
  bool empty() const { return window_count_ == 0 && far_.empty(); }
  std::size_t levels() const { return window_count_ + far_.size(); }

  // Best price, or kNoPrice when the side is empty.
  int64_t best() const {
    int64_t b = window_count_ ? base_ + best_idx_ : kNoPrice;
    if (!far_.empty()) {
      const int64_t f = bids_ ? far_.rbegin()->first : far_.begin()->first;
      if (b == kNoPrice || better(f, b)) b = f;
    }
    return b;
  }

  int64_t qty(int64_t price) const {
    const int64_t i = price - base_;
    if (i >= 0 && i < size_) return qty_[static_cast<std::size_t>(i)];
    if (far_.empty()) return 0;
    const auto it = far_.find(price);
    return it == far_.end() ? 0 : it->second;
  }

  // Sets the quantity at `price` (0 deletes the level); returns the previous quantity.
  int64_t set(int64_t price, int64_t q) {
    int64_t i = price - base_;
    if (i < 0 || i >= size_) {
      if (q == 0) {
        const auto it = far_.find(price);
        if (it == far_.end()) return 0;
        const int64_t prev = it->second;
        far_.erase(it);
        return prev;
      }
      if (!fit(price)) {
        auto [it, inserted] = far_.try_emplace(price, q);
        if (inserted) return 0;
        const int64_t prev = it->second;
        it->second = q;
        return prev;
      }
      i = price - base_;
    }
    const std::size_t k = static_cast<std::size_t>(i);
    const int64_t prev = qty_[k];
    qty_[k] = q;
    if (prev == 0 && q != 0) {
      bits_[k >> 6] |= uint64_t{1} << (k & 63);
      if (window_count_++ == 0 || (bids_ ? i > best_idx_ : i < best_idx_)) best_idx_ = i;
    } else if (prev != 0 && q == 0) {
      bits_[k >> 6] &= ~(uint64_t{1} << (k & 63));
      if (--window_count_ == 0) {
        best_idx_ = -1;
      } else if (i == best_idx_) {
        best_idx_ = bids_ ? prev_set(i) : next_set(i);
      }
    }
    return prev;
  }

  void clear() {
    if (window_count_) {
      std::fill(qty_.begin(), qty_.end(), 0);
      std::fill(bits_.begin(), bits_.end(), 0);
    }
    window_count_ = 0;
    best_idx_ = -1;
    far_.clear();
  }

  // Visits levels best first: f(price, qty) returns false to stop.
  template <typename F>
  void visit(F&& f) const {
    if (bids_) {
      // Far levels above the window, the window downward, far levels below it.
      auto it = far_.rbegin();
      for (; it != far_.rend() && it->first >= base_ + size_; ++it)
        if (!f(it->first, it->second)) return;
      if (window_count_) {
        for (int64_t i = best_idx_; i >= 0; i = i > 0 ? prev_set(i - 1) : -1) {
          if (!f(base_ + i, qty_[static_cast<std::size_t>(i)])) return;
        }
      }
      for (; it != far_.rend(); ++it)
        if (!f(it->first, it->second)) return;
    } else {
      auto it = far_.begin();
      for (; it != far_.end() && it->first < base_; ++it)
        if (!f(it->first, it->second)) return;
      if (window_count_) {
        for (int64_t i = best_idx_; i >= 0; i = i + 1 < size_ ? next_set(i + 1) : -1) {
          if (!f(base_ + i, qty_[static_cast<std::size_t>(i)])) return;
        }
      }
      for (; it != far_.end(); ++it)
        if (!f(it->first, it->second)) return;
    }
  }

  // True when a is a better price than b on this side.
  bool better(int64_t a, int64_t b) const { return bids_ ? a > b : a < b; }

 private:
  // Highest set index <= i, or -1.
  int64_t prev_set(int64_t i) const {
    if (i < 0) return -1;
    std::size_t w = static_cast<std::size_t>(i) >> 6;
    const unsigned b = static_cast<unsigned>(i & 63);
    uint64_t word = bits_[w] & (b == 63 ? ~uint64_t{0} : ((uint64_t{1} << (b + 1)) - 1));
    for (;;) {
      if (word) return static_cast<int64_t>((w << 6) + 63 - static_cast<std::size_t>(__builtin_clzll(word)));
      if (w == 0) return -1;
      word = bits_[--w];
    }
  }
  // Lowest set index >= i, or -1.
  int64_t next_set(int64_t i) const {
    if (i >= size_) return -1;
    std::size_t w = static_cast<std::size_t>(i) >> 6;
    uint64_t word = bits_[w] & (~uint64_t{0} << (i & 63));
    const std::size_t nw = bits_.size();
    for (;;) {
      if (word) return static_cast<int64_t>((w << 6) + static_cast<std::size_t>(__builtin_ctzll(word)));
      if (++w >= nw) return -1;
      word = bits_[w];
    }
  }

  // Makes the window cover `price` if that keeps it within kMaxWindow; false otherwise.
  bool fit(int64_t price) {
    if (size_ == 0 || window_count_ == 0) {
      // Empty window: (re)centre it on the price.
      const int64_t size = std::max<int64_t>(size_, kInitialWindow);
      if (price < kNoPrice / 2 + size || price > -(kNoPrice / 2) - size) return false;
      if (size_ != size) {
        qty_.assign(static_cast<std::size_t>(size), 0);
        bits_.assign(static_cast<std::size_t>(size / 64), 0);
        size_ = size;
      }
      base_ = price - size / 2;
      best_idx_ = -1;
      absorb_far();
      return true;
    }
    const int64_t lo = std::min(base_, price);
    const int64_t hi = std::max(base_ + size_, price + 1);
    if (hi - lo > kMaxWindow) return false;
    // Grow at least twofold, extending on the side of the new price, within kMaxWindow.
    int64_t size = std::max(hi - lo, std::min(size_ * 2, kMaxWindow));
    size = (size + 63) & ~int64_t{63};
    if (size > kMaxWindow) size = kMaxWindow;
    const int64_t new_base = price < base_ ? (base_ + size_) - size : base_;
    if (price < new_base || price >= new_base + size) return false;
    std::vector<int64_t> q(static_cast<std::size_t>(size), 0);
    std::vector<uint64_t> bits(static_cast<std::size_t>(size / 64), 0);
    const int64_t shift = base_ - new_base;  // >= 0
    for (int64_t i = 0; i < size_; ++i) {
      const int64_t v = qty_[static_cast<std::size_t>(i)];
      if (v == 0) continue;
      const std::size_t k = static_cast<std::size_t>(i + shift);
      q[k] = v;
      bits[k >> 6] |= uint64_t{1} << (k & 63);
    }
    best_idx_ += shift;
    qty_.swap(q);
    bits_.swap(bits);
    base_ = new_base;
    size_ = size;
    absorb_far();
    return true;
  }

  // Far levels inside the window move into it (keeps "far levels are outside the window" true).
  void absorb_far() {
    for (auto it = far_.begin(); it != far_.end();) {
      const int64_t i = it->first - base_;
      if (i >= 0 && i < size_) {
        const std::size_t k = static_cast<std::size_t>(i);
        qty_[k] = it->second;
        bits_[k >> 6] |= uint64_t{1} << (k & 63);
        if (window_count_++ == 0 || (bids_ ? i > best_idx_ : i < best_idx_)) best_idx_ = i;
        it = far_.erase(it);
      } else {
        ++it;
      }
    }
  }

  bool bids_;
  int64_t base_ = 0;
  int64_t size_ = 0;  // multiple of 64
  std::vector<int64_t> qty_;
  std::vector<uint64_t> bits_;
  int64_t best_idx_ = -1;
  std::size_t window_count_ = 0;
  std::map<int64_t, int64_t> far_;
};

// Both sides of one instrument's book.
struct Book {
  Ladder bids{true};
  Ladder asks{false};
  Ladder& side(int8_t s) { return s > 0 ? bids : asks; }
  const Ladder& side(int8_t s) const { return s > 0 ? bids : asks; }
  // bid + ask in ticks (a mid x 2), or kNoPrice when a side is empty.
  int64_t mid2() const {
    const int64_t b = bids.best(), a = asks.best();
    return (b == kNoPrice || a == kNoPrice) ? kNoPrice : b + a;
  }
};

}  // namespace omq::replay
#pragma GCC visibility pop
