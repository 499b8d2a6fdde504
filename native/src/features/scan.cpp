#include "features/scan.hpp"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define OMQ_X86_SIMD 1
#include <immintrin.h>
#else
#define OMQ_X86_SIMD 0
#endif

namespace omniquant::features {

#if OMQ_X86_SIMD

// GCC 12 reports the _mm512_undefined_* placeholders inside its own intrinsics as maybe-uninitialized (a known
// false positive of the headers).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

// ---- AVX-512 F + DQ (8 lanes) -------------------------------------------------------------------------------------------
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq")
#endif
namespace avx512 {
struct V {
  static constexpr std::size_t W = 8;
  using R = __m512d;
  using M = __mmask8;
  static inline R load(const double* p) { return _mm512_loadu_pd(p); }
  static inline void store(double* p, R v) { _mm512_storeu_pd(p, v); }
  static inline void stream(double* p, R v) { _mm512_stream_pd(p, v); }
  static inline R set1(double d) { return _mm512_set1_pd(d); }
  static inline R zero() { return _mm512_setzero_pd(); }
  static inline R add(R a, R b) { return _mm512_add_pd(a, b); }
  static inline R sub(R a, R b) { return _mm512_sub_pd(a, b); }
  static inline R mul(R a, R b) { return _mm512_mul_pd(a, b); }
  static inline R div(R a, R b) { return _mm512_div_pd(a, b); }
  static inline R fma(R a, R b, R c) { return _mm512_fmadd_pd(a, b, c); }    // a b + c
  static inline R fnma(R a, R b, R c) { return _mm512_fnmadd_pd(a, b, c); }  // c - a b
  static inline R max0(R v) { return _mm512_max_pd(_mm512_setzero_pd(), v); }
  static inline R abs(R v) { return _mm512_abs_pd(v); }
  // Lanes moved up by K, zeros shifted in: out_j = v_{j-K}.
  template <int K>
  static inline R shift(R v) {
    return _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(v), _mm512_setzero_si512(), 8 - K));
  }
  static inline R last(R v) { return _mm512_permutexvar_pd(_mm512_set1_epi64(7), v); }
  static inline double lane0(R v) { return _mm_cvtsd_f64(_mm512_castpd512_pd128(v)); }
  static inline M gt(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static inline M eq(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  static inline M none() { return 0; }
  static inline M lor(M a, M b) { return static_cast<M>(a | b); }
  static inline bool any(M m) { return m != 0; }
  static inline R blend(M m, R a, R b) { return _mm512_mask_blend_pd(m, a, b); }  // m ? b : a
  static inline unsigned bits(M m) { return m; }
  // Lanes that hold NaN or +-Infinity (not |v| < inf, unordered included).
  static inline unsigned bad_lanes(R v) { return _mm512_fpclass_pd_mask(v, 0x99); }  // QNaN, SNaN, +-Inf
  static inline double lane(R v, std::size_t j) {
    alignas(64) double t[8];
    _mm512_store_pd(t, v);
    return t[j];
  }
  static inline __mmask8 lanes(std::size_t from, std::size_t to) {
    return static_cast<__mmask8>(((1u << to) - 1) & ~((1u << from) - 1));
  }
  static inline R load_lanes(const double* p, std::size_t count) { return _mm512_maskz_loadu_pd(lanes(0, count), p); }
  static inline void store_lanes(double* p, R v, std::size_t from, std::size_t to) {
    _mm512_mask_storeu_pd(p, lanes(from, to), v);
  }
  // Streaming: a 64-byte line starts s lanes into each vector; it is lanes s..7 of one vector and 0..s-1 of the next.
  using I = __m512i;
  static inline std::size_t realign_offset(const double* p) {
    return (8 - ((reinterpret_cast<std::uintptr_t>(p) >> 3) & 7)) & 7;
  }
  static inline bool can_stream(std::size_t) { return true; }
  static inline I realign_index(std::size_t s) {
    return _mm512_add_epi64(_mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), _mm512_set1_epi64(static_cast<long long>(s)));
  }
  static inline R combine(R a, R b, I idx) { return _mm512_permutex2var_pd(a, idx, b); }
};
#include "features/scan_kernels.inc"
}  // namespace avx512
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- AVX2 + FMA (4 lanes) ----------------------------------------------------------------------------------------
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
namespace avx2 {
struct V {
  static constexpr std::size_t W = 4;
  using R = __m256d;
  using M = __m256d;
  static inline R load(const double* p) { return _mm256_loadu_pd(p); }
  static inline void store(double* p, R v) { _mm256_storeu_pd(p, v); }
  static inline void stream(double* p, R v) { _mm256_stream_pd(p, v); }
  static inline R set1(double d) { return _mm256_set1_pd(d); }
  static inline R zero() { return _mm256_setzero_pd(); }
  static inline R add(R a, R b) { return _mm256_add_pd(a, b); }
  static inline R sub(R a, R b) { return _mm256_sub_pd(a, b); }
  static inline R mul(R a, R b) { return _mm256_mul_pd(a, b); }
  static inline R div(R a, R b) { return _mm256_div_pd(a, b); }
  static inline R fma(R a, R b, R c) { return _mm256_fmadd_pd(a, b, c); }
  static inline R fnma(R a, R b, R c) { return _mm256_fnmadd_pd(a, b, c); }
  static inline R max0(R v) { return _mm256_max_pd(_mm256_setzero_pd(), v); }
  static inline R abs(R v) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), v); }
  template <int K>
  static inline R shift(R v) {
    static_assert(K == 1 || K == 2, "4 lanes shift by 1 or 2");
    if constexpr (K == 1) {
      return _mm256_blend_pd(_mm256_permute4x64_pd(v, 0x90), _mm256_setzero_pd(), 0x1);  // (0, v0, v1, v2)
    } else {
      return _mm256_permute2f128_pd(v, v, 0x08);  // (0, 0, v0, v1)
    }
  }
  static inline R last(R v) { return _mm256_permute4x64_pd(v, 0xFF); }
  static inline double lane0(R v) { return _mm256_cvtsd_f64(v); }
  static inline M gt(R a, R b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
  static inline M eq(R a, R b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  static inline M none() { return _mm256_setzero_pd(); }
  static inline M lor(M a, M b) { return _mm256_or_pd(a, b); }
  static inline bool any(M m) { return _mm256_movemask_pd(m) != 0; }
  static inline R blend(M m, R a, R b) { return _mm256_blendv_pd(a, b, m); }
  static inline unsigned bits(M m) { return static_cast<unsigned>(_mm256_movemask_pd(m)); }
  static inline unsigned bad_lanes(R v) {
    return bits(_mm256_cmp_pd(abs(v), _mm256_set1_pd(std::numeric_limits<double>::infinity()), _CMP_NLT_UQ));
  }
  static inline double lane(R v, std::size_t j) {
    alignas(32) double t[4];
    _mm256_store_pd(t, v);
    return t[j];
  }
  static inline __m256i lanes(std::size_t from, std::size_t to) {
    auto on = [&](std::size_t j) { return j >= from && j < to ? -1LL : 0LL; };
    return _mm256_set_epi64x(on(3), on(2), on(1), on(0));
  }
  static inline R load_lanes(const double* p, std::size_t count) { return _mm256_maskload_pd(p, lanes(0, count)); }
  static inline void store_lanes(double* p, R v, std::size_t from, std::size_t to) {
    _mm256_maskstore_pd(p, lanes(from, to), v);
  }
  // Streaming: a 32-byte line starts s lanes into each vector; only s = 0 and s = 2 (the usual 16-byte offset of
  // JavaScript buffers) are recombined, other offsets use ordinary stores.
  using I = std::size_t;
  static inline std::size_t realign_offset(const double* p) {
    return (4 - ((reinterpret_cast<std::uintptr_t>(p) >> 3) & 3)) & 3;
  }
  static inline bool can_stream(std::size_t s) { return s == 0 || s == 2; }
  static inline I realign_index(std::size_t s) { return s; }
  static inline R combine(R a, R b, I s) { return s == 0 ? a : _mm256_permute2f128_pd(a, b, 0x21); }
};
#include "features/scan_kernels.inc"
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif  // OMQ_X86_SIMD

namespace {

Simd detect() noexcept {
#if OMQ_X86_SIMD
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return Simd::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Simd::kAvx2;
#endif
  return Simd::kScalar;
}

std::atomic<int>& active_level() {
  static std::atomic<int> level{static_cast<int>(detect())};
  return level;
}

std::size_t default_threads() noexcept {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : (hw > 4 ? 4 : hw);
}

std::atomic<std::size_t>& thread_limit() {
  static std::atomic<std::size_t> limit{default_threads()};
  return limit;
}

}  // namespace

Simd simd_supported() noexcept {
  static const Simd supported = detect();
  return supported;
}

Simd simd_active() noexcept { return static_cast<Simd>(active_level().load(std::memory_order_relaxed)); }

bool set_simd(Simd level) noexcept {
  if (static_cast<int>(level) > static_cast<int>(simd_supported()) || static_cast<int>(level) < 0) return false;
  active_level().store(static_cast<int>(level), std::memory_order_relaxed);
  return true;
}

const char* simd_name(Simd level) noexcept {
  switch (level) {
    case Simd::kAvx512: return "avx512";
    case Simd::kAvx2: return "avx2";
    default: return "scalar";
  }
}

std::size_t max_threads() noexcept { return thread_limit().load(std::memory_order_relaxed); }

void set_max_threads(std::size_t n) noexcept { thread_limit().store(n == 0 ? default_threads() : n); }

std::size_t plan_parts(std::size_t n, bool blocks) noexcept {
  const std::size_t parts = max_threads();
  return !blocks || parts <= 1 || n < kParallelMin ? 1 : parts;
}

void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (bytes < 2 * kHuge) return;
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice only
#else
  (void)p;
  (void)bytes;
#endif
}

LinearCoef linear_coef(double a) noexcept {
  LinearCoef c;
  c.a = a;
  const double b = 1.0 - a;
  c.b[0] = b;
  c.b[1] = b * b;
  c.b[2] = c.b[1] * c.b[1];
  // 1 - (1-a)^m = -expm1(m log1p(-a)): no cancellation when a is small (long windows).
  const double l = std::log1p(-a);
  for (int m = 1; m <= 8; ++m) c.c[m - 1] = a >= 1.0 ? 1.0 : -std::expm1(m * l);
  return c;
}

std::size_t forget_steps(double a) noexcept {
  if (!(a > 0.0)) return std::numeric_limits<std::size_t>::max();
  if (a >= 1.0) return 1;
  const double k = std::ceil(-60.0 * std::log(2.0) / std::log1p(-a));
  return k < 1e15 ? static_cast<std::size_t>(k) + 1 : std::numeric_limits<std::size_t>::max();
}

std::size_t simd_width() noexcept {
  switch (simd_active()) {
    case Simd::kAvx512: return 8;
    case Simd::kAvx2: return 4;
    default: return 1;
  }
}

std::size_t linear_run(const double* x, double* out, std::size_t n, const LinearCoef& c, double& y,
                       bool stream) noexcept {
#if OMQ_X86_SIMD
  switch (simd_active()) {
    case Simd::kAvx512: return avx512::linear_run(x, out, n, c, y, stream);
    case Simd::kAvx2: return avx2::linear_run(x, out, n, c, y, stream);
    default: break;
  }
#endif
  (void)x, (void)out, (void)n, (void)c, (void)y, (void)stream;
  return 0;  // no vector kernel: the caller's sequential loop does it
}

std::size_t sma_run(const double* x, double* out, std::size_t n, std::size_t window, double k, double& s,
                    bool stream) noexcept {
#if OMQ_X86_SIMD
  switch (simd_active()) {
    case Simd::kAvx512: return avx512::sma_run(x, out, n, window, k, s, stream);
    case Simd::kAvx2: return avx2::sma_run(x, out, n, window, k, s, stream);
    default: break;
  }
#endif
  (void)x, (void)out, (void)n, (void)window, (void)k, (void)s, (void)stream;
  return 0;
}

std::size_t rsi_run(const double* x, double* out, std::size_t n, const LinearCoef& c, double& avg_gain,
                    double& avg_loss, bool stream) noexcept {
#if OMQ_X86_SIMD
  switch (simd_active()) {
    case Simd::kAvx512: return avx512::rsi_run(x, out, n, c, avg_gain, avg_loss, stream);
    case Simd::kAvx2: return avx2::rsi_run(x, out, n, c, avg_gain, avg_loss, stream);
    default: break;
  }
#endif
  (void)x, (void)out, (void)n, (void)c, (void)avg_gain, (void)avg_loss, (void)stream;
  return 0;
}

}  // namespace omniquant::features
