// A log-linear latency histogram in nanoseconds (32 sub-buckets per power of two: about 3% resolution),
// filled by the batch loop when latency measurement is on.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace omq::book {

class LatencyHistogram {
 public:
  static constexpr int kSub = 32;
  static constexpr int kSubBits = 5;

  LatencyHistogram() : counts_(kSub + 64 * kSub, 0) {}

  void record(uint64_t ns) {
    counts_[bucket(ns)]++;
    count_++;
    sum_ += ns;
    if (ns > max_) max_ = ns;
  }

  void reset() {
    std::fill(counts_.begin(), counts_.end(), 0);
    count_ = sum_ = max_ = 0;
  }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }

  // The value below which a fraction q of the samples fall (midpoint of the bucket that holds it).
  double quantile(double q) const {
    if (count_ == 0) return 0.0;
    const uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
    uint64_t seen = 0;
    for (std::size_t b = 0; b < counts_.size(); ++b) {
      seen += counts_[b];
      if (seen >= rank) return midpoint(b);
    }
    return static_cast<double>(max_);
  }

 private:
  static std::size_t bucket(uint64_t v) {
    if (v < kSub) return static_cast<std::size_t>(v);
    const int e = 63 - __builtin_clzll(v);  // >= kSubBits
    const uint64_t sub = (v >> (e - kSubBits)) & (kSub - 1);
    return static_cast<std::size_t>(kSub + (e - kSubBits) * kSub + static_cast<int>(sub));
  }

  static double midpoint(std::size_t b) {
    if (b < kSub) return static_cast<double>(b);
    const int e = static_cast<int>((b - kSub) / kSub) + kSubBits;
    const uint64_t sub = (b - kSub) % kSub;
    const double lo = static_cast<double>((uint64_t{1} << e) + (sub << (e - kSubBits)));
    const double width = static_cast<double>(uint64_t{1} << (e - kSubBits));
    return lo + width / 2.0;
  }

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace omq::book
