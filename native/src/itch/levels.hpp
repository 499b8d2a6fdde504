// The aggregated price levels of one side of a book.
//
// Most changes land at or near the best price, so the levels near it live in a window of kWindow consecutive
// price steps, indexed directly by price: a change there is an array access, and a bitmap of the occupied
// slots gives the best level, the rank of a level (how many are better) and the k-th best with a few word
// operations. The step is the greatest common divisor of the prices seen on the side (a cent, 100 in Price(4)
// units, for most stocks; it is recomputed when a price off the grid arrives, and reset when the side empties).
//
// Levels worse than the window's worst slot live in `overflow_`, a vector sorted worst first. Invariants:
//   - every overflow level is worse than every window slot (so the best level is in the window);
//   - the window is empty only if the side is (when its last level goes, the window moves onto the overflow's
//     best levels);
//   - a slot holds a level iff its `orders` is non-zero, iff its bitmap bit is set.
// A price better than the window's best slot moves the window up (the levels falling off its bottom go to the
// overflow), leaving a quarter of the window free above the new best price.
//
// Prices are compared through a key that grows with how good the price is: price / step for bids,
// (2^32 - 1) / step - price / step for asks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <vector>

namespace omq::itch {

struct Level {
  std::uint32_t price;
  std::uint32_t orders;
  std::uint64_t shares;
};

class SideLevels {
 public:
  static constexpr std::uint32_t kWindow = 256;
  static constexpr std::uint32_t kWords = kWindow / 64;
  /// Where the best level sits after the window moves: a quarter of the window stays free above it.
  static constexpr std::uint32_t kHeadroom = kWindow / 4;

  /// What change() did.
  enum class Did : std::uint8_t { Nothing, Inserted, Changed, Removed };

  explicit SideLevels(bool bids) : bids_(bids) {}
  SideLevels(const SideLevels&) = delete;
  SideLevels& operator=(const SideLevels&) = delete;

  std::size_t size() const { return in_window_ + overflow_.size(); }
  bool empty() const { return in_window_ == 0; }

  /// The best level (the side must not be empty).
  Level best() const { return Level{best_price_, slots_[top_].orders, slots_[top_].shares}; }

  /// Adds `shares` and `orders` (-1, 0 or +1) to the level at `price`: creates it if absent and orders > 0 (does
  /// nothing if absent otherwise) and removes it when its order count reaches 0. `out` is the level after the
  /// change (orders 0 if it was removed).
  Did change(std::uint32_t price, std::int64_t shares, std::int32_t orders, Level& out) {
    if (__builtin_expect(step_ != 0, 1)) {
      const std::uint32_t steps = step_ == 100 ? price / 100u : step_ == 1 ? price : price / step_;
      if (__builtin_expect(steps * step_ == price, 1)) {
        const std::uint64_t slot = key_of_steps(steps) - base_;
        if (__builtin_expect(slot < kWindow && in_window_ != 0, 1)) {
          return change_slot(static_cast<std::uint32_t>(slot), price, shares, orders, out);
        }
      }
    }
    return change_slow(price, shares, orders, out);
  }

  /// How many levels are better than `price` (whether or not a level exists there). `price` must be on the
  /// side's grid if the side holds levels (any price a level of the side had since its step last changed is).
  std::size_t rank(std::uint32_t price) const {
    if (in_window_ == 0) return 0;
    const std::uint64_t key = key_of(price);
    if (key >= base_ + kWindow) return 0;
    if (key >= base_) return count_above(static_cast<std::uint32_t>(key - base_));
    return in_window_ + better_in_overflow(price);
  }

  /// The k-th best level, 0 = the best (k < size()).
  Level kth(std::size_t k) const {
    if (k < in_window_) {
      const std::uint32_t s = select_from_top(static_cast<std::uint32_t>(k));
      return Level{price_of_slot(s), slots_[s].orders, slots_[s].shares};
    }
    return overflow_[overflow_.size() - 1 - (k - in_window_)];
  }

  /// Calls f(const Level&) on up to `max` levels (0 = all), best first.
  template <class F>
  void for_each_best_first(std::size_t max, F&& f) const {
    std::size_t left = max == 0 ? size() : std::min(max, size());
    for (std::uint32_t w = kWords; w-- > 0 && left > 0;) {
      std::uint64_t bits = bits_[w];
      while (bits != 0 && left > 0) {
        const std::uint32_t b = 63u - static_cast<std::uint32_t>(__builtin_clzll(bits));
        bits &= ~(1ull << b);
        const std::uint32_t s = w * 64 + b;
        f(Level{price_of_slot(s), slots_[s].orders, slots_[s].shares});
        left--;
      }
    }
    for (std::size_t i = overflow_.size(); i-- > 0 && left > 0; left--) f(overflow_[i]);
  }

 private:
  struct Slot {
    std::uint64_t shares;
    std::uint32_t orders;
    std::uint32_t pad;
  };

  // ---- keys ------------------------------------------------------------------------------------------------------
  std::uint64_t key_of_steps(std::uint32_t steps) const { return bids_ ? steps : ask_top_ - steps; }
  std::uint64_t key_of(std::uint32_t price) const { return key_of_steps(price / step_); }
  std::uint32_t price_of_key(std::uint64_t key) const {
    return static_cast<std::uint32_t>((bids_ ? key : ask_top_ - key) * step_);
  }
  std::uint32_t price_of_slot(std::uint32_t s) const { return price_of_key(base_ + s); }
  /// The window's base that puts `key` kHeadroom slots below its top (at slot kWindow - kHeadroom - 1).
  static std::uint64_t base_for(std::uint64_t key) {
    return key >= kWindow - kHeadroom ? key - (kWindow - kHeadroom) + 1 : 0;
  }
  /// Is a better than b?
  bool better(std::uint32_t a, std::uint32_t b) const { return bids_ ? a > b : a < b; }

  // ---- the window ------------------------------------------------------------------------------------------------
  Did change_slot(std::uint32_t s, std::uint32_t price, std::int64_t shares, std::int32_t orders, Level& out) {
    Slot& l = slots_[s];
    if (l.orders != 0) {
      l.shares = static_cast<std::uint64_t>(static_cast<std::int64_t>(l.shares) + shares);
      l.orders = static_cast<std::uint32_t>(static_cast<std::int32_t>(l.orders) + orders);
      out = Level{price, l.orders, l.shares};
      if (l.orders != 0) return Did::Changed;
      l.shares = 0;
      bits_[s >> 6] &= ~(1ull << (s & 63));
      if (--in_window_ == 0) {
        if (!overflow_.empty()) recenter_on_overflow();
        else step_ = 0;  // the side is empty: the next level sets the step afresh
      } else if (s == top_) {
        set_top(highest_below(s));
      }
      return Did::Removed;
    }
    if (orders <= 0) return Did::Nothing;
    l.shares = static_cast<std::uint64_t>(shares);
    l.orders = static_cast<std::uint32_t>(orders);
    bits_[s >> 6] |= 1ull << (s & 63);
    if (in_window_++ == 0 || s > top_) set_top(s);
    out = Level{price, l.orders, l.shares};
    return Did::Inserted;
  }

  void set_top(std::uint32_t s) {
    top_ = s;
    best_price_ = price_of_slot(s);
  }

  /// Calls f(slot) on every occupied slot, lowest (worst) first.
  template <class F>
  void for_each_slot(F&& f) const {
    for (std::uint32_t w = 0; w < kWords; w++) {
      for (std::uint64_t bits = bits_[w]; bits != 0; bits &= bits - 1) {
        f(w * 64 + static_cast<std::uint32_t>(__builtin_ctzll(bits)));
      }
    }
  }

  /// The highest occupied slot below s (one must exist).
  std::uint32_t highest_below(std::uint32_t s) const {
    std::uint32_t w = s >> 6;
    std::uint64_t bits = bits_[w] & ((1ull << (s & 63)) - 1);
    while (bits == 0) bits = bits_[--w];
    return w * 64 + 63u - static_cast<std::uint32_t>(__builtin_clzll(bits));
  }

  /// Occupied slots above s.
  std::size_t count_above(std::uint32_t s) const {
    std::uint32_t w = s >> 6;
    const std::uint32_t b = s & 63;
    std::size_t c = b == 63 ? 0 : static_cast<std::size_t>(__builtin_popcountll(bits_[w] >> (b + 1)));
    for (w++; w < kWords; w++) c += static_cast<std::size_t>(__builtin_popcountll(bits_[w]));
    return c;
  }

  /// The slot of the k-th highest occupied slot (k < in_window_).
  std::uint32_t select_from_top(std::uint32_t k) const {
    for (std::uint32_t w = kWords; w-- > 0;) {
      std::uint64_t bits = bits_[w];
      const std::uint32_t c = static_cast<std::uint32_t>(__builtin_popcountll(bits));
      if (k >= c) {
        k -= c;
        continue;
      }
      for (;;) {
        const std::uint32_t b = 63u - static_cast<std::uint32_t>(__builtin_clzll(bits));
        if (k-- == 0) return w * 64 + b;
        bits &= ~(1ull << b);
      }
    }
    return 0;  // unreachable for k < in_window_
  }

  // ---- the overflow (sorted worst first) -------------------------------------------------------------------------
  /// Position of `price` in the overflow, or where it would be inserted.
  std::size_t overflow_position(std::uint32_t price) const {
    const auto it = std::lower_bound(overflow_.begin(), overflow_.end(), price,
                                     [&](const Level& l, std::uint32_t p) { return better(p, l.price); });
    return static_cast<std::size_t>(it - overflow_.begin());
  }
  std::size_t better_in_overflow(std::uint32_t price) const {
    const auto it = std::upper_bound(overflow_.begin(), overflow_.end(), price,
                                     [&](std::uint32_t p, const Level& l) { return better(l.price, p); });
    return static_cast<std::size_t>(overflow_.end() - it);
  }

  // ---- the slow path: no step yet, a price off the grid, outside the window, or an empty window ----------------
  Did change_slow(std::uint32_t price, std::int64_t shares, std::int32_t orders, Level& out);
  /// Sets the step (and the asks' key origin) and lays all levels out again around the best.
  void restep(std::uint32_t step);
  /// Puts the levels `all` (worst first, all on the grid) into an empty window and overflow, the best level at
  /// kHeadroom below the window's top.
  void lay_out(const std::vector<Level>& all);
  /// Moves the window up so that `key` (better than every slot) fits, with kHeadroom above it.
  void move_up(std::uint64_t key);
  /// The window emptied: moves it onto the overflow's best levels.
  void recenter_on_overflow();
  void clear_window();

  bool bids_;
  std::uint32_t step_ = 0;      // 0: no level since the side was last empty
  std::uint64_t ask_top_ = 0;   // asks: key = ask_top_ - price / step_
  std::uint64_t base_ = 0;      // key of slot 0
  std::uint32_t in_window_ = 0;
  std::uint32_t top_ = 0;       // highest occupied slot (valid when in_window_ > 0)
  std::uint32_t best_price_ = 0;
  std::uint64_t bits_[kWords] = {};
  std::unique_ptr<Slot[]> slots_;
  std::vector<Level> overflow_;
};

inline void SideLevels::clear_window() {
  for_each_slot([&](std::uint32_t s) { slots_[s] = Slot{0, 0, 0}; });
  std::fill(bits_, bits_ + kWords, 0);
  in_window_ = 0;
  top_ = 0;
}

inline void SideLevels::lay_out(const std::vector<Level>& all) {
  clear_window();
  overflow_.clear();
  if (all.empty()) return;
  const std::uint64_t best = key_of(all.back().price);
  base_ = base_for(best);
  for (const Level& l : all) {
    const std::uint64_t key = key_of(l.price);
    if (key < base_) {
      overflow_.push_back(l);
      continue;
    }
    const auto s = static_cast<std::uint32_t>(key - base_);
    slots_[s] = Slot{l.shares, l.orders, 0};
    bits_[s >> 6] |= 1ull << (s & 63);
    in_window_++;
  }
  set_top(static_cast<std::uint32_t>(best - base_));
}

inline void SideLevels::restep(std::uint32_t step) {
  std::vector<Level> all(overflow_.begin(), overflow_.end());
  for_each_slot([&](std::uint32_t s) { all.push_back(Level{price_of_slot(s), slots_[s].orders, slots_[s].shares}); });
  step_ = step;
  ask_top_ = 0xFFFFFFFFull / step;
  lay_out(all);
}

inline void SideLevels::move_up(std::uint64_t key) {
  const std::uint64_t base = base_for(key);  // key >= base_ + kWindow: base > base_
  const std::uint64_t shift = base - base_;
  // Slots below `shift` fall into the overflow, worst first (all better than the overflow's levels); the others
  // move down by `shift`.
  std::unique_ptr<Slot[]> moved(new Slot[kWindow]());
  std::uint64_t bits[kWords] = {};
  std::uint32_t n = 0;
  for_each_slot([&](std::uint32_t s) {
    if (s < shift) {
      overflow_.push_back(Level{price_of_slot(s), slots_[s].orders, slots_[s].shares});
      return;
    }
    const auto t = static_cast<std::uint32_t>(s - shift);
    moved[t] = slots_[s];
    bits[t >> 6] |= 1ull << (t & 63);
    n++;
  });
  slots_ = std::move(moved);
  std::copy(bits, bits + kWords, bits_);
  base_ = base;
  in_window_ = n;
  if (n != 0) set_top(top_ - static_cast<std::uint32_t>(shift));  // the top slot stayed (n != 0)
  else top_ = 0;
}

inline void SideLevels::recenter_on_overflow() {
  std::vector<Level> all;
  all.swap(overflow_);
  lay_out(all);
}

inline SideLevels::Did SideLevels::change_slow(std::uint32_t price, std::int64_t shares, std::int32_t orders,
                                                Level& out) {
  if (step_ == 0 || price % step_ != 0) {
    // No level can be at a price off the grid: only an insertion does something.
    if (orders <= 0) return Did::Nothing;
    if (!slots_) slots_.reset(new Slot[kWindow]());
    const std::uint32_t step = std::gcd(step_, price);
    restep(step == 0 ? 1 : step);
  }
  const std::uint64_t key = key_of(price);
  if (in_window_ == 0) {  // the side is empty
    if (orders <= 0) return Did::Nothing;
    base_ = base_for(key);
    return change_slot(static_cast<std::uint32_t>(key - base_), price, shares, orders, out);
  }
  if (key >= base_ + kWindow) {  // better than every level
    if (orders <= 0) return Did::Nothing;
    move_up(key);
    return change_slot(static_cast<std::uint32_t>(key - base_), price, shares, orders, out);
  }
  if (key >= base_) return change_slot(static_cast<std::uint32_t>(key - base_), price, shares, orders, out);
  // Worse than the window: the overflow.
  const std::size_t i = overflow_position(price);
  if (i < overflow_.size() && overflow_[i].price == price) {
    Level& l = overflow_[i];
    l.shares = static_cast<std::uint64_t>(static_cast<std::int64_t>(l.shares) + shares);
    l.orders = static_cast<std::uint32_t>(static_cast<std::int32_t>(l.orders) + orders);
    out = l;
    if (l.orders != 0) return Did::Changed;
    overflow_.erase(overflow_.begin() + static_cast<std::ptrdiff_t>(i));
    return Did::Removed;
  }
  if (orders <= 0) return Did::Nothing;
  out = Level{price, static_cast<std::uint32_t>(orders), static_cast<std::uint64_t>(shares)};
  overflow_.insert(overflow_.begin() + static_cast<std::ptrdiff_t>(i), out);
  return Did::Inserted;
}

}  // namespace omq::itch
