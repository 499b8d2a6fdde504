// One side of the book: price levels indexed directly by price, in pages of 256 consecutive ticks.
//
// A page holds its 256 levels inline plus a 256-bit occupancy bitmap, so finding a level is one page lookup and
// an index, and finding the next best level after the best one empties is a few bit scans. Pages are created
// when a price in them first rests and returned to a free list when their last level empties, so memory follows
// the occupied price range, not the int64 price space. A hash index finds a page from its number in O(1); a
// sorted list of the occupied pages gives the next page when one empties.
//
// Bids: best = highest occupied price. Asks: best = lowest.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "book/id_map.hpp"
#include "book/level.hpp"
#include "book/types.hpp"

namespace omq::book {

class Ladder {
 public:
  static constexpr int kPageBits = 8;
  static constexpr int64_t kPageSize = int64_t{1} << kPageBits;
  static constexpr int kWords = static_cast<int>(kPageSize / 64);

  struct Page {
    Level levels[kPageSize];  // first member: a Level* minus its slot is the page
    uint64_t bits[kWords];
    int64_t no;               // price >> kPageBits
    uint32_t used;            // occupied levels
    uint32_t store;           // index in store_
  };

  explicit Ladder(bool is_bid) : is_bid_(is_bid), index_(64) {}
  Ladder(const Ladder&) = delete;
  Ladder& operator=(const Ladder&) = delete;
  ~Ladder() {
    for (Page* p : store_) delete p;
  }

  bool empty() const { return pages_.empty(); }
  int64_t best() const { return best_; }  // valid when !empty()
  std::size_t levels() const { return levels_; }

  static int64_t page_no(int64_t price) { return price >> kPageBits; }
  static int slot(int64_t price) { return static_cast<int>(price & (kPageSize - 1)); }

  // The level at `price`, or nullptr when no page covers it (then it is empty).
  Level* find(int64_t price) {
    Page* p = lookup(page_no(price));
    return p == nullptr ? nullptr : &p->levels[slot(price)];
  }

  // The level at `price`, creating its page when needed. Does not mark it occupied.
  Level& acquire(int64_t price) {
    const int64_t no = page_no(price);
    Page* p = lookup(no);
    if (p == nullptr) p = create(no);
    return p->levels[slot(price)];
  }

  // Call when `lv` (at `price`) went from 0 to 1 order.
  void occupied(Level& lv, int64_t price) {
    const int s = slot(price);
    Page* p = page_of(&lv, s);
    p->bits[s >> 6] |= uint64_t{1} << (s & 63);
    p->used++;
    levels_++;
    if (levels_ == 1 || (is_bid_ ? price > best_ : price < best_)) best_ = price;
  }

  // Makes the page of `lv` (at `price`, occupied) the first one tried by the next lookup: an order that moves a
  // few ticks usually stays in its page.
  void remember(Level& lv, int64_t price) { cache_ = page_of(&lv, slot(price)); }

  // Call when `lv` (at `price`) went from 1 to 0 orders. Frees the page when it was its last level and moves
  // the best price to the next occupied level when `price` was the best.
  void vacated(Level& lv, int64_t price) {
    const int s = slot(price);
    Page* p = page_of(&lv, s);
    p->bits[s >> 6] &= ~(uint64_t{1} << (s & 63));
    lv.head = lv.tail = kNil;
    lv.qty = 0;
    p->used--;
    levels_--;
    const bool was_best = price == best_;
    if (p->used == 0) {
      destroy(p);
      if (was_best && !pages_.empty()) best_ = extreme_of(is_bid_ ? pages_.back() : pages_.front());
      return;
    }
    cache_ = p;
    if (was_best) {
      const int n = is_bid_ ? scan_down(p, s) : scan_up(p, s);
      best_ = (p->no << kPageBits) + n;
    }
  }

  // The next occupied price after `price` going away from the touch (lower for bids, higher for asks), for walks
  // over the book. Returns false when there is none.
  bool next(int64_t price, int64_t& out) {
    const int64_t no = page_no(price);
    auto it = std::lower_bound(pages_.begin(), pages_.end(), no, [](const Page* p, int64_t n) { return p->no < n; });
    if (it != pages_.end() && (*it)->no == no) {
      const int n = is_bid_ ? scan_down(*it, slot(price)) : scan_up(*it, slot(price));
      if (n >= 0) {
        out = (no << kPageBits) + n;
        return true;
      }
      if (is_bid_) {
        if (it == pages_.begin()) return false;
        --it;
      } else {
        ++it;
        if (it == pages_.end()) return false;
      }
    } else if (is_bid_) {
      if (it == pages_.begin()) return false;
      --it;
    } else if (it == pages_.end()) {
      return false;
    }
    out = extreme_of(*it);
    return true;
  }

 private:
  static Page* page_of(Level* lv, int s) { return reinterpret_cast<Page*>(lv - s); }

  Page* lookup(int64_t no) {
    if (cache_ != nullptr && cache_->no == no) return cache_;
    const uint32_t k = index_.find(no);
    if (k == kNil) return nullptr;
    cache_ = store_[k];
    return cache_;
  }

  Page* create(int64_t no) {
    Page* p;
    if (!free_.empty()) {
      p = store_[free_.back()];
      free_.pop_back();
    } else {
      p = new Page;
      for (Level& lv : p->levels) lv = Level{0, kNil, kNil};
      std::memset(p->bits, 0, sizeof(p->bits));
      p->store = static_cast<uint32_t>(store_.size());
      store_.push_back(p);
    }
    p->no = no;
    p->used = 0;
    auto it = std::lower_bound(pages_.begin(), pages_.end(), no, [](const Page* q, int64_t n) { return q->no < n; });
    pages_.insert(it, p);
    index_.insert(no, p->store);
    cache_ = p;
    return p;
  }

  // An empty page keeps its levels reset (vacated resets each level), so it can be reused as is.
  void destroy(Page* p) {
    auto it = std::lower_bound(pages_.begin(), pages_.end(), p->no, [](const Page* q, int64_t n) { return q->no < n; });
    pages_.erase(it);
    index_.erase(p->no);
    if (cache_ == p) cache_ = nullptr;
    free_.push_back(p->store);
  }

  // Highest occupied slot below s, or -1.
  static int scan_down(const Page* p, int s) {
    int w = s >> 6;
    uint64_t m = p->bits[w] & ((uint64_t{1} << (s & 63)) - 1);
    for (;;) {
      if (m != 0) return w * 64 + 63 - __builtin_clzll(m);
      if (--w < 0) return -1;
      m = p->bits[w];
    }
  }

  // Lowest occupied slot above s, or -1.
  static int scan_up(const Page* p, int s) {
    int w = s >> 6;
    uint64_t m = p->bits[w] & ~((uint64_t{2} << (s & 63)) - 1);
    for (;;) {
      if (m != 0) return w * 64 + __builtin_ctzll(m);
      if (++w >= kWords) return -1;
      m = p->bits[w];
    }
  }

  // Best occupied price of a non-empty page for this side: its highest slot for bids, its lowest for asks.
  int64_t extreme_of(const Page* p) const {
    if (is_bid_) {
      for (int w = kWords - 1; w >= 0; --w) {
        if (p->bits[w] != 0) return (p->no << kPageBits) + w * 64 + 63 - __builtin_clzll(p->bits[w]);
      }
    } else {
      for (int w = 0; w < kWords; ++w) {
        if (p->bits[w] != 0) return (p->no << kPageBits) + w * 64 + __builtin_ctzll(p->bits[w]);
      }
    }
    return p->no << kPageBits;  // unreachable for a non-empty page
  }

  bool is_bid_;
  std::vector<Page*> pages_;   // occupied pages, ascending by page number
  std::vector<Page*> store_;   // every page allocated, owned
  std::vector<uint32_t> free_;  // indices in store_ of unoccupied pages
  HashIndex<INT64_MIN> index_;  // page number -> index in store_ (page numbers are >= -2^54)
  Page* cache_ = nullptr;
  int64_t best_ = 0;
  std::size_t levels_ = 0;
};

}  // namespace omq::book
