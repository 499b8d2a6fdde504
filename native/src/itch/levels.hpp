// The aggregated price levels of one side of a book, as parallel arrays ordered worst price first, best last,
// so that most changes (near the best price) touch the end. Finding a price's position is a branchless count
// over the prices (vectorized by the compiler) in books of up to kLinear levels, a binary search beyond.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace omq::itch {

struct Level {
  std::uint32_t price;
  std::uint32_t orders;
  std::uint64_t shares;
};

class SideLevels {
 public:
  /// `bids`: prices ascending (best bid last); otherwise descending (best ask last).
  explicit SideLevels(bool bids) : bids_(bids) {}

  std::size_t size() const { return price_.size(); }
  bool empty() const { return price_.empty(); }
  /// Level `i` counted from the worst (0) to the best (size() - 1).
  Level at(std::size_t i) const { return Level{price_[i], orders_[i], shares_[i]}; }
  Level best() const { return at(size() - 1); }
  std::uint32_t price(std::size_t i) const { return price_[i]; }

  /// Where `price` is, or where it would be inserted.
  std::size_t position(std::uint32_t price) const {
    const std::size_t n = price_.size();
    const std::uint32_t* const p = price_.data();
    constexpr std::size_t kLinear = 256;
    if (n <= kLinear) {
      // Most changes are at or near the best price (the end): look at the last few levels first, and count over
      // the rest only if the price lies below them (all of them would then be on its better side).
      constexpr std::size_t kNearBest = 8;
      const std::size_t stop = n > kNearBest ? n - kNearBest : 0;
      std::size_t i = n;
      if (bids_) {
        while (i > stop && p[i - 1] >= price) i--;
      } else {
        while (i > stop && p[i - 1] <= price) i--;
      }
      if (i > stop || i == 0) return i;
      std::uint32_t c = 0;  // 32-bit lanes: the loop vectorizes without widening
      const auto m = static_cast<std::uint32_t>(stop);
      if (bids_) {
        for (std::uint32_t i = 0; i < m; i++) c += p[i] < price;
      } else {
        for (std::uint32_t i = 0; i < m; i++) c += p[i] > price;
      }
      return c;
    }
    return bids_ ? static_cast<std::size_t>(std::lower_bound(p, p + n, price) - p)
                 : static_cast<std::size_t>(std::lower_bound(p, p + n, price, std::greater<std::uint32_t>()) - p);
  }

  bool holds(std::size_t i, std::uint32_t price) const { return i < price_.size() && price_[i] == price; }

  void insert(std::size_t i, const Level& l) {
    price_.insert(price_.begin() + static_cast<std::ptrdiff_t>(i), l.price);
    orders_.insert(orders_.begin() + static_cast<std::ptrdiff_t>(i), l.orders);
    shares_.insert(shares_.begin() + static_cast<std::ptrdiff_t>(i), l.shares);
  }

  void erase(std::size_t i) {
    price_.erase(price_.begin() + static_cast<std::ptrdiff_t>(i));
    orders_.erase(orders_.begin() + static_cast<std::ptrdiff_t>(i));
    shares_.erase(shares_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  /// Adds to level i; returns it after the change.
  Level add(std::size_t i, std::int64_t shares, std::int32_t orders) {
    shares_[i] = static_cast<std::uint64_t>(static_cast<std::int64_t>(shares_[i]) + shares);
    orders_[i] = static_cast<std::uint32_t>(static_cast<std::int32_t>(orders_[i]) + orders);
    return at(i);
  }

 private:
  bool bids_;
  std::vector<std::uint32_t> price_;
  std::vector<std::uint32_t> orders_;
  std::vector<std::uint64_t> shares_;
};

}  // namespace omq::itch
