// N-API adapter of the feature kernels (native/src/features): checks JavaScript arguments and runs one kernel
// per call over whole Float64Arrays (batch in, batch out). Bad arguments are TypeErrors/RangeErrors with a whole
// sentence; lib/features validates options before calling, so these are the last line of defence.
#include "napi/features_binding.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "features/momentum.hpp"
#include "features/moving_average.hpp"
#include "features/rolling_stats.hpp"
#include "features/scan.hpp"
#include "features/volatility.hpp"
#include "napi/args.hpp"

namespace omq {
namespace {

using napi_args::describe;
using napi_args::kMaxSafeInteger;

namespace f = omniquant::features;



Napi::Float64Array series(const Napi::CallbackInfo& info, std::size_t index, const char* fn, const char* name) {
  const Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + name + " must be a Float64Array, found " +
                                               describe(v) + ".");
  }
  return v.As<Napi::Float64Array>();
}

void same_length(const Napi::Env& env, const char* fn, const Napi::Float64Array& a, const Napi::Float64Array& b,
                 const char* name) {
  if (a.ElementLength() != b.ElementLength()) {
    throw Napi::RangeError::New(env, std::string(fn) + ": " + name + " must have the length of the first series (" +
                                         std::to_string(a.ElementLength()) + "), found length " +
                                         std::to_string(b.ElementLength()) + ".");
  }
}

std::size_t count_arg(const Napi::CallbackInfo& info, std::size_t index, const char* fn, const char* name,
                      double min) {
  const Napi::Value v = info[index];
  const std::string sentence = std::string(fn) + ": " + name + " must be an integer >= " +
                               std::to_string(static_cast<long long>(min)) + ", found ";
  if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), sentence + describe(v) + ".");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min) || d > kMaxSafeInteger || std::floor(d) != d) {
    throw Napi::RangeError::New(info.Env(), sentence + describe(v) + ".");
  }
  return static_cast<std::size_t>(d);
}

double number_arg(const Napi::CallbackInfo& info, std::size_t index, const char* fn, const char* name) {
  const Napi::Value v = info[index];
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + name + " must be a finite number, found " +
                                               describe(v) + ".");
  }
  return v.As<Napi::Number>().DoubleValue();
}

// The output of a one-series kernel: argument `index` undefined -> a fresh Float64Array of n values (its pages
// advised huge: faulting 4 KiB pages in costs more than an EMA); otherwise a Float64Array of exactly n values that
// shares no memory with the input (the kernels read values behind the one they write).
Napi::Float64Array output(const Napi::CallbackInfo& info, std::size_t index, const char* fn,
                          const Napi::Float64Array& input) {
  const std::size_t n = input.ElementLength();
  const Napi::Value v = info[index];
  if (v.IsUndefined()) {
    auto out = Napi::Float64Array::New(info.Env(), n);
    if (n > 0) f::advise_huge_pages(out.Data(), n * sizeof(double));
    return out;
  }
  const std::string where = std::string(fn) + ": out";
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(info.Env(), where + " must be a Float64Array, found " + describe(v) + ".");
  }
  auto out = v.As<Napi::Float64Array>();
  if (out.ElementLength() != n) {
    throw Napi::RangeError::New(info.Env(), where + " must have the length of values (" + std::to_string(n) +
                                                "), found length " + std::to_string(out.ElementLength()) + ".");
  }
  const double* p = out.Data();
  const double* q = input.Data();
  if (n > 0 && p < q + n && q < p + n) {
    throw Napi::RangeError::New(info.Env(), where + " must not share memory with values, found an overlap.");
  }
  return out;
}

// featuresSma(x, window, out?) -> Float64Array (out when given)
Napi::Value Sma(const Napi::CallbackInfo& info) {
  const auto x = series(info, 0, "sma", "values");
  const std::size_t w = count_arg(info, 1, "sma", "window", 1);
  auto out = output(info, 2, "sma", x);
  f::sma(x.Data(), x.ElementLength(), w, out.Data());
  return out;
}

// featuresEma(x, window, alpha, out?) -> Float64Array (out when given)
Napi::Value Ema(const Napi::CallbackInfo& info) {
  const auto x = series(info, 0, "ema", "values");
  const std::size_t w = count_arg(info, 1, "ema", "window", 1);
  const double alpha = number_arg(info, 2, "ema", "alpha");
  auto out = output(info, 3, "ema", x);
  f::ema(x.Data(), x.ElementLength(), w, alpha, out.Data());
  return out;
}

// featuresWma(x, window) -> Float64Array
Napi::Value Wma(const Napi::CallbackInfo& info) {
  const auto x = series(info, 0, "wma", "values");
  const std::size_t w = count_arg(info, 1, "wma", "window", 1);
  auto out = Napi::Float64Array::New(info.Env(), x.ElementLength());
  f::wma(x.Data(), x.ElementLength(), w, out.Data());
  return out;
}

// featuresRsi(x, window, out?) -> Float64Array (out when given)
Napi::Value Rsi(const Napi::CallbackInfo& info) {
  const auto x = series(info, 0, "rsi", "values");
  const std::size_t w = count_arg(info, 1, "rsi", "window", 1);
  auto out = output(info, 2, "rsi", x);
  f::rsi(x.Data(), x.ElementLength(), w, out.Data());
  return out;
}

// featuresAtr(high, low, close, window) -> { atr, trueRange }
Napi::Value Atr(const Napi::CallbackInfo& info) {
  const auto h = series(info, 0, "atr", "high");
  const auto l = series(info, 1, "atr", "low");
  const auto c = series(info, 2, "atr", "close");
  same_length(info.Env(), "atr", h, l, "low");
  same_length(info.Env(), "atr", h, c, "close");
  const std::size_t w = count_arg(info, 3, "atr", "window", 1);
  const std::size_t n = h.ElementLength();
  auto out = Napi::Float64Array::New(info.Env(), n);
  auto tr = Napi::Float64Array::New(info.Env(), n);
  f::atr(h.Data(), l.Data(), c.Data(), n, w, out.Data(), tr.Data());
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("atr", out);
  result.Set("trueRange", tr);
  return result;
}

// featuresRollingZscore(x, window, ddof) -> Float64Array
Napi::Value RollingZscore(const Napi::CallbackInfo& info) {
  const auto x = series(info, 0, "rollingZscore", "values");
  const std::size_t w = count_arg(info, 1, "rollingZscore", "window", 1);
  const std::size_t ddof = count_arg(info, 2, "rollingZscore", "ddof", 0);
  const std::size_t n = x.ElementLength();
  auto out = Napi::Float64Array::New(info.Env(), n);
  std::vector<double> scratch(n);
  f::rolling_zscore(x.Data(), n, w, ddof, out.Data(), scratch.data());
  return out;
}

// featuresRollingCorrBeta(x, y, window) -> { corr, beta }
Napi::Value RollingCorrBeta(const Napi::CallbackInfo& info) {
  const auto x = series(info, 0, "rollingCorrBeta", "x");
  const auto y = series(info, 1, "rollingCorrBeta", "y");
  same_length(info.Env(), "rollingCorrBeta", x, y, "y");
  const std::size_t w = count_arg(info, 2, "rollingCorrBeta", "window", 1);
  const std::size_t n = x.ElementLength();
  auto corr = Napi::Float64Array::New(info.Env(), n);
  auto beta = Napi::Float64Array::New(info.Env(), n);
  f::rolling_corr_beta(x.Data(), y.Data(), n, w, corr.Data(), beta.Data());
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("corr", corr);
  result.Set("beta", beta);
  return result;
}

// featuresRollingVolatility(estimator, open, high, low, close, window, periodsPerYear) -> Float64Array
Napi::Value RollingVolatility(const Napi::CallbackInfo& info) {
  const char* fn = "rollingVolatility";
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), std::string(fn) + ": estimator must be a string.");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  f::VolEstimator est;
  if (name == "close-to-close") {
    est = f::VolEstimator::kCloseToClose;
  } else if (name == "parkinson") {
    est = f::VolEstimator::kParkinson;
  } else if (name == "garman-klass") {
    est = f::VolEstimator::kGarmanKlass;
  } else if (name == "rogers-satchell") {
    est = f::VolEstimator::kRogersSatchell;
  } else if (name == "yang-zhang") {
    est = f::VolEstimator::kYangZhang;
  } else {
    throw Napi::RangeError::New(info.Env(), std::string(fn) + ": unknown estimator '" + name +
                                                "', expected close-to-close, parkinson, garman-klass, "
                                                "rogers-satchell or yang-zhang.");
  }
  const auto o = series(info, 1, fn, "open");
  const auto h = series(info, 2, fn, "high");
  const auto l = series(info, 3, fn, "low");
  const auto c = series(info, 4, fn, "close");
  same_length(info.Env(), fn, o, h, "high");
  same_length(info.Env(), fn, o, l, "low");
  same_length(info.Env(), fn, o, c, "close");
  const std::size_t w = count_arg(info, 5, fn, "window", 1);
  const double ppy = number_arg(info, 6, fn, "periodsPerYear");
  const std::size_t n = o.ElementLength();
  auto out = Napi::Float64Array::New(info.Env(), n);
  std::vector<double> scratch(5 * n);
  f::rolling_volatility(est, o.Data(), h.Data(), l.Data(), c.Data(), n, w, ppy, out.Data(), scratch.data());
  return out;
}

// featuresKernels(simd?, threads?) -> { simd, simdSupported, threads }: the SIMD level and thread limit of the
// SMA/EMA/RSI kernels (features/scan.hpp), optionally changed first (simd: "avx512" | "avx2" | "scalar", at most
// the supported level; threads: >= 1, or 0 for the default). For tests and benchmarks.
Napi::Value Kernels(const Napi::CallbackInfo& info) {
  const char* fn = "featuresKernels";
  if (!info[0].IsUndefined()) {
    if (!info[0].IsString()) {
      throw Napi::TypeError::New(info.Env(), std::string(fn) + ": simd must be a string, found " + describe(info[0]) + ".");
    }
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    f::Simd level;
    if (name == "avx512") {
      level = f::Simd::kAvx512;
    } else if (name == "avx2") {
      level = f::Simd::kAvx2;
    } else if (name == "scalar") {
      level = f::Simd::kScalar;
    } else {
      throw Napi::RangeError::New(info.Env(), std::string(fn) + ": unknown simd level '" + name +
                                                  "', expected avx512, avx2 or scalar.");
    }
    if (!f::set_simd(level)) {
      throw Napi::RangeError::New(info.Env(), std::string(fn) + ": simd level '" + name +
                                                  "' is not supported by this CPU, which supports up to '" +
                                                  f::simd_name(f::simd_supported()) + "'.");
    }
  }
  if (!info[1].IsUndefined()) f::set_max_threads(count_arg(info, 1, fn, "threads", 0));
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("simd", f::simd_name(f::simd_active()));
  result.Set("simdSupported", f::simd_name(f::simd_supported()));
  result.Set("threads", static_cast<double>(f::max_threads()));
  return result;
}

}  // namespace

void InitFeatures(Napi::Env env, Napi::Object exports) {
  exports.Set("featuresSma", Napi::Function::New(env, Sma, "featuresSma"));
  exports.Set("featuresEma", Napi::Function::New(env, Ema, "featuresEma"));
  exports.Set("featuresWma", Napi::Function::New(env, Wma, "featuresWma"));
  exports.Set("featuresRsi", Napi::Function::New(env, Rsi, "featuresRsi"));
  exports.Set("featuresKernels", Napi::Function::New(env, Kernels, "featuresKernels"));
  exports.Set("featuresAtr", Napi::Function::New(env, Atr, "featuresAtr"));
  exports.Set("featuresRollingZscore", Napi::Function::New(env, RollingZscore, "featuresRollingZscore"));
  exports.Set("featuresRollingCorrBeta", Napi::Function::New(env, RollingCorrBeta, "featuresRollingCorrBeta"));
  exports.Set("featuresRollingVolatility", Napi::Function::New(env, RollingVolatility, "featuresRollingVolatility"));
}

}  // namespace omq
