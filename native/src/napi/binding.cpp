// The addon's entry point. Only src/napi/ knows N-API: this file checks JavaScript arguments, adapts them to the
// C++ core and turns every bad input into a JavaScript TypeError or RangeError with a whole sentence. Nothing
// here aborts the process.
//
// Built with C++ exceptions (NAPI_CPP_EXCEPTIONS plus NODE_ADDON_API_CPP_EXCEPTIONS_ALL): a thrown Napi::Error
// becomes the JavaScript exception, and any other std::exception becomes a JavaScript Error.
#include <napi.h>

#include "napi/args.hpp"

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>

#include "napi/bars_binding.hpp"
#include "napi/book_binding.hpp"
#include "napi/features_binding.hpp"
#include "napi/itch_binding.hpp"
#include "napi/replay_binding.hpp"
#include "napi/portfolio_binding.hpp"
#include "stats/rolling.hpp"

namespace {

using omq::napi_args::describe;
using omq::napi_args::kMaxSafeInteger;

constexpr const char* kVersion = "0.1.0";



// Reads a JavaScript integer argument in [min, Number.MAX_SAFE_INTEGER]; a non-number is a TypeError,
// a number out of range or with a fraction a RangeError.
std::size_t to_count(const Napi::Env& env, const Napi::Value& v, const char* name, double min, const char* expected) {
  const std::string sentence = std::string("rollingMeanStd: ") + name + " must be " + expected + ", found ";
  if (!v.IsNumber()) throw Napi::TypeError::New(env, sentence + describe(v) + ".");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min) || d > kMaxSafeInteger || std::floor(d) != d) {
    throw Napi::RangeError::New(env, sentence + describe(v) + ".");
  }
  return static_cast<std::size_t>(d);
}

// An optional output array: undefined (allocate one) or a Float64Array of exactly n values that shares no
// memory with `others`.
Napi::Float64Array output_array(const Napi::Env& env, const Napi::Value& v, const char* name, std::size_t n,
                                std::initializer_list<std::pair<const double*, const char*>> others) {
  if (v.IsUndefined()) return Napi::Float64Array::New(env, n);
  const std::string where = std::string("rollingMeanStd: ") + name;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, where + " must be a Float64Array, found " + describe(v) + ".");
  }
  Napi::Float64Array out = v.As<Napi::Float64Array>();
  if (out.ElementLength() != n) {
    throw Napi::RangeError::New(env, where + " must have the length of values (" + std::to_string(n) +
                                         "), found length " + std::to_string(out.ElementLength()) + ".");
  }
  const double* p = out.Data();
  for (const auto& [q, other] : others) {
    if (n > 0 && q != nullptr && p < q + n && q < p + n) {
      throw Napi::RangeError::New(env, where + " must not share memory with " + other + ", found an overlap.");
    }
  }
  return out;
}

// rollingMeanStd(values: Float64Array, window: number, ddof = 1, outMean?, outStd?)
//   -> { mean: Float64Array, std: Float64Array }
// Conventions are those of omniquant::stats::rolling_mean_std (stats/rolling.hpp). outMean/outStd, when given,
// receive the results (and are returned), so a caller can reuse buffers across calls.
Napi::Value RollingMeanStd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Value values_arg = info[0];
  if (!values_arg.IsTypedArray() || values_arg.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(
        env, "rollingMeanStd: values must be a Float64Array, found " + describe(values_arg) +
                 ". Convert with Float64Array.from(values).");
  }
  const std::size_t window = to_count(env, info[1], "window", 1.0, "a positive integer");
  const std::size_t ddof =
      info[2].IsUndefined() ? 1 : to_count(env, info[2], "ddof", 0.0, "a non-negative integer");

  const Napi::Float64Array values = values_arg.As<Napi::Float64Array>();
  const std::size_t n = values.ElementLength();
  Napi::Float64Array mean = output_array(env, info[3], "out.mean", n, {{values.Data(), "values"}});
  Napi::Float64Array std_dev =
      output_array(env, info[4], "out.std", n, {{values.Data(), "values"}, {mean.Data(), "out.mean"}});
  if (n > 0) omniquant::stats::rolling_mean_std(values.Data(), n, window, ddof, mean.Data(), std_dev.Data());

  Napi::Object out = Napi::Object::New(env);
  out.Set("mean", mean);
  out.Set("std", std_dev);
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  omq::InitItch(env, exports);
  omq::InitBook(env, exports);
  omq::InitFeatures(env, exports);
  omq::InitBars(env, exports);
  omq::InitReplay(env, exports);
  omq::InitPortfolio(env, exports);
  exports.Set("rollingMeanStd", Napi::Function::New(env, RollingMeanStd, "rollingMeanStd"));
  exports.Set("version", Napi::String::New(env, kVersion));
#if defined(__clang__)
  exports.Set("compiler", Napi::String::New(env, std::string("clang ") + __clang_version__));
#elif defined(__GNUC__)
  exports.Set("compiler", Napi::String::New(env, std::string("gcc ") + __VERSION__));
#elif defined(_MSC_VER)
  exports.Set("compiler", Napi::String::New(env, "msvc " + std::to_string(_MSC_VER)));
#endif
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return exports;
}

}  // namespace

NODE_API_MODULE(omniquant, Init)
