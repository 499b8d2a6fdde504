// Vectorised spans of the moving-average and RSI recurrences, and the plumbing around them (SIMD level chosen at
// run time, worker threads, huge-page advice for fresh outputs). Knows nothing of N-API.
//
// The kernels here compute a stretch of outputs of a recurrence whose state is known at the start of the stretch
// (the callers in moving_average.cpp and momentum.cpp run the exact sequential code for warm-ups, restarts after
// non-finite values and anything unusual, and hand the steady stretches to these kernels):
//   - a first-order linear recurrence y_t = y_{t-1} + a (x_t - y_{t-1}) (EMA, Wilder's averages) is evaluated W
//     values at a time (W = 8 with AVX-512, 4 with AVX2): an in-register prefix scan gives
//     T_j = sum_{k<=j} a (1-a)^(j-k) x_k, then y_j = y_prev + (T_j - C_{j+1} y_prev) with
//     C_m = 1 - (1-a)^m computed as -expm1(m log1p(-a)) (accurate even for tiny a). The increment form keeps the
//     result within a few units in the last place of the sequential loop (no bias for long windows), and the
//     dependency chain is one fma + one add per W values instead of per value;
//   - a sliding sum (SMA) is a prefix scan of x_t - x_{t-w} plus a carry.
// Any non-finite value reaching the carry makes the kernel report failure; the caller then recomputes that
// stretch with the sequential code, so the documented NaN semantics hold exactly.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <utility>

namespace omniquant::features {

// SIMD level of the kernels. kScalar means the plain sequential loops only.
enum class Simd : int { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// The best level this CPU (and OS) supports.
Simd simd_supported() noexcept;
// The level in use (the supported one unless lowered by set_simd).
Simd simd_active() noexcept;
// Lowers (or restores) the level in use; returns false (and changes nothing) above what is supported.
bool set_simd(Simd level) noexcept;
const char* simd_name(Simd level) noexcept;

// At most this many threads per call (default: hardware concurrency, at most 4; 1 disables threading).
std::size_t max_threads() noexcept;
void set_max_threads(std::size_t n) noexcept;

// Blocks of the SMA/EMA/RSI drivers: at every multiple of kBlock the state is rebuilt from the values just before
// it (when that look-back is short, see plan_blocks), whatever the thread count. Parts given to threads are whole
// blocks, so results do not depend on the number of threads or on the series' length: output t is a function of
// x[0..t] only, bit for bit.
inline constexpr std::size_t kBlock = std::size_t{1} << 18;
// Series shorter than this run on the calling thread only.
inline constexpr std::size_t kParallelMin = std::size_t{1} << 20;
// Outputs at least this long are written with non-temporal (streaming) stores: they do not fit in cache anyway,
// and streaming avoids reading every output line before overwriting it.
inline constexpr std::size_t kStreamMin = std::size_t{1} << 20;

// Whether a kernel rebuilding its state from `lookback` values is split into blocks (look-back at most 1/16 of a
// block); otherwise it runs as one sequential part.
inline bool plan_blocks(std::size_t lookback) noexcept { return lookback <= kBlock / 16; }

// How many threads for n values in blocks of kBlock (1 below kParallelMin or when threading is off).
std::size_t plan_parts(std::size_t n, bool blocks) noexcept;

// Runs body(begin, end) over `parts` contiguous parts of [0, n) whose boundaries are multiples of `grain`, the
// first on the calling thread and the others on new threads (joined before returning). A thread that cannot be
// started runs its part on the calling thread.
template <class Body>
void run_parts(std::size_t n, std::size_t parts, std::size_t grain, Body&& body) noexcept {
  const std::size_t units = (n + grain - 1) / grain;
  if (parts > units) parts = units;
  if (parts <= 1) {
    body(std::size_t{0}, n);
    return;
  }
  constexpr std::size_t kMaxParts = 16;
  if (parts > kMaxParts) parts = kMaxParts;
  std::thread workers[kMaxParts];
  bool started[kMaxParts] = {};
  auto bound = [&](std::size_t p) { return p == parts ? n : units * p / parts * grain; };
  for (std::size_t p = 1; p < parts; ++p) {
    try {
      workers[p] = std::thread([&body, b = bound(p), e = bound(p + 1)] { body(b, e); });
      started[p] = true;
    } catch (...) {
      started[p] = false;
    }
  }
  body(bound(0), bound(1));
  for (std::size_t p = 1; p < parts; ++p) {
    if (started[p]) {
      try {
        workers[p].join();
      } catch (...) {
        // join only throws if the thread is not joinable, which started[p] rules out.
      }
    } else {
      body(bound(p), bound(p + 1));
    }
  }
}

// Runs `run(state, from, to)` over [begin, end) block by block: with `blocks`, each block of kBlock values starts from a fresh
// state replayed over the `lookback` values before it (so a block, hence a thread's part, never depends on where
// the previous part ended); without, one state runs through.
template <class Stepper, class Replay, class Run>
inline void by_blocks(std::size_t begin, std::size_t end, bool blocks, std::size_t lookback, Stepper&& fresh,
               Replay&& replay, Run&& run) {
  if (!blocks) {
    auto st = fresh();
    run(st, begin, end);
    return;
  }
  for (std::size_t b = begin; b < end; b += kBlock) {
    auto st = fresh();
    for (std::size_t i = b > lookback ? b - lookback : 0; i < b; ++i) replay(st, i);
    run(st, b, std::min(b + kBlock, end));
  }
}

// Advises the kernel to back the interior 2 MiB-aligned pages of [p, p + bytes) with transparent huge pages
// (Linux; a no-op elsewhere and below 4 MiB). Called on freshly allocated, untouched outputs: faulting in 80 MB as
// 4 KiB pages costs more than computing an EMA over it.
void advise_huge_pages(void* p, std::size_t bytes) noexcept;

// Coefficients of y_t = y_{t-1} + a (x_t - y_{t-1}) for the vector kernels (0 < a <= 1).
struct LinearCoef {
  double a = 0.0;
  double b[3] = {0.0, 0.0, 0.0};  // (1-a), (1-a)^2, (1-a)^4: weights of the scan steps
  double c[8] = {};                // c[m-1] = 1 - (1-a)^m, m = 1..8
};
LinearCoef linear_coef(double a) noexcept;

// Number of steps after which (1-a)^k <= 2^-60: a state started that many steps earlier from any value of the
// data's scale has forgotten it below double precision. SIZE_MAX when a is too small for that to be useful.
std::size_t forget_steps(double a) noexcept;

// Lanes of the active kernels (8 for AVX-512, 4 for AVX2, 1 for scalar). The kernels below work on the grid of
// absolute indices that are multiples of simd_width(): callers start them at such an index, and they stop at a
// multiple of it or at the end of the series (a last partial vector uses masked loads and stores), so every output
// is computed the same way whatever the series' length, the output's address or where a run of calls started.
std::size_t simd_width() noexcept;

// The kernels start in a steady state at x[0], process vectors while the inputs are usable, and return how many
// outputs they wrote: n, or the index of the first input they cannot handle (a non-finite value; for sma_run also
// a value whose sum lost its digits to cancellation), which the caller then processes with its sequential code.
// Lane j of a vector depends on lanes 0..j only, so the outputs before that index do not depend on it.
// `stream`: non-temporal stores for full cache lines (the output's alignment only changes how values are stored).

// y_t = y_{t-1} + a (x_t - y_{t-1}) from y_{-1} = y; y is updated to the last output written.
std::size_t linear_run(const double* x, double* out, std::size_t n, const LinearCoef& c, double& y,
                       bool stream) noexcept;

// Sliding mean over `window` values (x[-window..-1] readable): state anchor k and s = sum of (x_j - k) over
// x[-window..-1]; out[t] = k + s_t / window; s is updated to the sum of the last output written. Stops at a value
// for which the sequential re-anchoring test holds (|x_{t-window} - k| > 2^24 |s_t| or |k| > 2^24 |mean_t|).
std::size_t sma_run(const double* x, double* out, std::size_t n, std::size_t window, double k, double& s,
                    bool stream) noexcept;

// Wilder RSI (x[-1] readable and finite): average gain and loss of x_t - x_{t-1} smoothed with coefficient c.a;
// out[t] = avg_loss == 0 ? 100 : 100 avg_gain / (avg_gain + avg_loss); the averages are updated to the last output.
std::size_t rsi_run(const double* x, double* out, std::size_t n, const LinearCoef& c, double& avg_gain,
                    double& avg_loss, bool stream) noexcept;

}  // namespace omniquant::features
