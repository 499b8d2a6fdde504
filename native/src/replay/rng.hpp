// Deterministic random numbers for latency jitter and queue randomness: xoshiro256** seeded through splitmix64,
// standard normals by the polar Box-Muller method. The same seed gives the same stream on every platform (only
// integer operations and IEEE-754 double arithmetic with sqrt/log, which are correctly rounded or identical
// across the C libraries we build with).
#pragma once

#include <cmath>
#include <cstdint>

#pragma GCC visibility push(hidden)
namespace omq::replay {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { reseed(seed); }

  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& w : s_) w = splitmix64(x);
    has_spare_ = false;
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Standard normal (polar Box-Muller; the second value of each pair is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }

  // Binomial(n, p) draw: exact (n Bernoulli trials) for n <= 64, else the normal approximation rounded and
  // clamped to [0, n].
  int64_t binomial(int64_t n, double p) {
    if (n <= 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    if (n <= 64) {
      int64_t k = 0;
      for (int64_t i = 0; i < n; ++i) k += uniform() < p ? 1 : 0;
      return k;
    }
    const double mean = static_cast<double>(n) * p;
    const double sd = std::sqrt(mean * (1.0 - p));
    double k = std::nearbyint(mean + sd * normal());
    if (k < 0) k = 0;
    if (k > static_cast<double>(n)) k = static_cast<double>(n);
    return static_cast<int64_t>(k);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace omq::replay
#pragma GCC visibility pop
