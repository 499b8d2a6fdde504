// N-API adapter of the bar-backtest kernels (native/src/bars): checks JavaScript arguments, runs one sweep per call
// over whole typed arrays (batch in, batch out) and returns typed arrays. Bad arguments are TypeErrors/RangeErrors
// with a whole sentence; bad values inside the arrays come back from the core as a sentence and become a
// RangeError. lib/backtest/bars validates before calling, so these are the last line of defence.
//
//   barsMaCrossoverSweepSync(closes, assets, fast, slow, costBps, longShort, periodsPerYear, threads)
//     -> { totalReturn, sharpe, maxDrawdown, trades } (Float64Arrays of fast.length)
//   barsMaCrossoverSweep(...same...) -> Promise of the same, computed off the JavaScript thread on copies of the
//     inputs (so the caller may reuse its arrays at once).
#include "napi/bars_binding.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bars/ma_sweep.hpp"
#include "napi/args.hpp"

namespace omq {
namespace {

using napi_args::describe;
using napi_args::kMaxSafeInteger;
namespace b = omniquant::bars;

struct SweepArgs {
  const double* closes = nullptr;
  std::size_t n_closes = 0;
  std::size_t assets = 0;
  std::size_t days = 0;
  const std::int32_t* fast = nullptr;
  const std::int32_t* slow = nullptr;
  std::size_t n_params = 0;
  b::MaSweepConfig config;
};

std::string prefix(const char* fn) { return std::string(fn) + ": "; }

SweepArgs read_args(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  SweepArgs a;
  const Napi::Value closes = info[0];
  if (!closes.IsTypedArray() || closes.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, prefix(fn) + "closes must be a Float64Array (assets x days, asset-major), found " +
                                        describe(closes) + ".");
  }
  const auto c = closes.As<Napi::Float64Array>();
  a.closes = c.Data();
  a.n_closes = c.ElementLength();
  const Napi::Value assets = info[1];
  if (!assets.IsNumber()) throw Napi::TypeError::New(env, prefix(fn) + "assets must be a number, found " + describe(assets) + ".");
  const double ad = assets.As<Napi::Number>().DoubleValue();
  if (!(ad >= 1) || ad > kMaxSafeInteger || std::floor(ad) != ad) {
    throw Napi::RangeError::New(env, prefix(fn) + "assets must be an integer >= 1, found " + describe(assets) + ".");
  }
  a.assets = static_cast<std::size_t>(ad);
  if (a.n_closes % a.assets != 0) {
    throw Napi::RangeError::New(env, prefix(fn) + "closes has " + std::to_string(a.n_closes) +
                                         " values, expected a multiple of assets (" + std::to_string(a.assets) + ").");
  }
  a.days = a.n_closes / a.assets;
  for (int k = 2; k <= 3; ++k) {
    const Napi::Value w = info[k];
    const char* name = k == 2 ? "fast" : "slow";
    if (!w.IsTypedArray() || w.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      throw Napi::TypeError::New(env, prefix(fn) + name + " must be an Int32Array of windows, found " + describe(w) + ".");
    }
  }
  const auto fast = info[2].As<Napi::Int32Array>();
  const auto slow = info[3].As<Napi::Int32Array>();
  if (fast.ElementLength() != slow.ElementLength()) {
    throw Napi::RangeError::New(env, prefix(fn) + "fast and slow must have the same length, found " +
                                         std::to_string(fast.ElementLength()) + " and " +
                                         std::to_string(slow.ElementLength()) + ".");
  }
  a.fast = fast.Data();
  a.slow = slow.Data();
  a.n_params = fast.ElementLength();
  const Napi::Value cost = info[4];
  if (!cost.IsNumber()) throw Napi::TypeError::New(env, prefix(fn) + "costBps must be a number, found " + describe(cost) + ".");
  a.config.cost_bps = cost.As<Napi::Number>().DoubleValue();
  const Napi::Value ls = info[5];
  if (!ls.IsBoolean()) throw Napi::TypeError::New(env, prefix(fn) + "longShort must be a boolean, found " + describe(ls) + ".");
  a.config.long_short = ls.As<Napi::Boolean>().Value();
  const Napi::Value ppy = info[6];
  if (!ppy.IsNumber()) throw Napi::TypeError::New(env, prefix(fn) + "periodsPerYear must be a number, found " + describe(ppy) + ".");
  a.config.periods_per_year = ppy.As<Napi::Number>().DoubleValue();
  const Napi::Value th = info[7];
  if (!th.IsUndefined()) {
    if (!th.IsNumber()) throw Napi::TypeError::New(env, prefix(fn) + "threads must be a number, found " + describe(th) + ".");
    const double td = th.As<Napi::Number>().DoubleValue();
    if (!(td >= 1) || td > 256 || std::floor(td) != td) {
      throw Napi::RangeError::New(env, prefix(fn) + "threads must be an integer in [1, 256], found " + describe(th) + ".");
    }
    a.config.threads = static_cast<unsigned>(td);
  }
  return a;
}

Napi::Object result_object(Napi::Env env, const std::vector<double>& tr, const std::vector<double>& sh,
                           const std::vector<double>& dd, const std::vector<double>& trades) {
  auto copy = [&](const std::vector<double>& v) {
    auto arr = Napi::Float64Array::New(env, v.size());
    for (std::size_t i = 0; i < v.size(); ++i) arr[i] = v[i];
    return arr;
  };
  Napi::Object out = Napi::Object::New(env);
  out.Set("totalReturn", copy(tr));
  out.Set("sharpe", copy(sh));
  out.Set("maxDrawdown", copy(dd));
  out.Set("trades", copy(trades));
  return out;
}

Napi::Value MaCrossoverSweepSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const SweepArgs a = read_args(info, "maCrossoverSweepSync");
  auto tr = Napi::Float64Array::New(env, a.n_params);
  auto sh = Napi::Float64Array::New(env, a.n_params);
  auto dd = Napi::Float64Array::New(env, a.n_params);
  auto trades = Napi::Float64Array::New(env, a.n_params);
  const std::string err = b::ma_crossover_sweep(a.closes, a.assets, a.days, a.fast, a.slow, a.n_params, a.config,
                                                {tr.Data(), sh.Data(), dd.Data(), trades.Data()});
  if (!err.empty()) throw Napi::RangeError::New(env, "maCrossoverSweepSync: " + err + ".");
  Napi::Object out = Napi::Object::New(env);
  out.Set("totalReturn", tr);
  out.Set("sharpe", sh);
  out.Set("maxDrawdown", dd);
  out.Set("trades", trades);
  return out;
}

class SweepWorker : public Napi::AsyncWorker {
 public:
  SweepWorker(Napi::Env env, const SweepArgs& a)
      : Napi::AsyncWorker(env, "omniquant.maCrossoverSweep"),
        deferred_(Napi::Promise::Deferred::New(env)),
        closes_(a.closes, a.closes + a.n_closes),
        fast_(a.fast, a.fast + a.n_params),
        slow_(a.slow, a.slow + a.n_params),
        assets_(a.assets),
        days_(a.days),
        config_(a.config),
        tr_(a.n_params),
        sh_(a.n_params),
        dd_(a.n_params),
        trades_(a.n_params) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      const std::string err = b::ma_crossover_sweep(closes_.data(), assets_, days_, fast_.data(), slow_.data(),
                                                    fast_.size(), config_,
                                                    {tr_.data(), sh_.data(), dd_.data(), trades_.data()});
      if (!err.empty()) SetError("maCrossoverSweep: " + err + ".");
    } catch (const std::exception& e) {
      SetError(std::string("maCrossoverSweep: ") + e.what() + ".");
    }
  }

  void OnOK() override { deferred_.Resolve(result_object(Env(), tr_, sh_, dd_, trades_)); }

  void OnError(const Napi::Error& e) override {
    deferred_.Reject(Napi::RangeError::New(Env(), e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<double> closes_;
  std::vector<std::int32_t> fast_;
  std::vector<std::int32_t> slow_;
  std::size_t assets_;
  std::size_t days_;
  b::MaSweepConfig config_;
  std::vector<double> tr_, sh_, dd_, trades_;
};

Napi::Value MaCrossoverSweep(const Napi::CallbackInfo& info) {
  const SweepArgs a = read_args(info, "maCrossoverSweep");
  auto* worker = new SweepWorker(info.Env(), a);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void InitBars(Napi::Env env, Napi::Object exports) {
  exports.Set("barsMaCrossoverSweepSync", Napi::Function::New(env, MaCrossoverSweepSync, "barsMaCrossoverSweepSync"));
  exports.Set("barsMaCrossoverSweep", Napi::Function::New(env, MaCrossoverSweep, "barsMaCrossoverSweep"));
}

}  // namespace omq
