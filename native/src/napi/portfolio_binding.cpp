// N-API adapter of the dense QP solver (native/src/portfolio/qp.hpp): one synchronous call per problem, typed
// arrays in and out. lib/portfolio/qp.ts builds the arguments; bad arguments are TypeErrors/RangeErrors with a
// whole sentence, numerical failure is a status in the result (never an exception from the core, never an abort).
#include "napi/portfolio_binding.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "napi/args.hpp"
#include "portfolio/qp.hpp"

namespace omq {
namespace {

using napi_args::describe;
namespace pf = omniquant::portfolio;

constexpr const char* kFn = "portfolioQpSolveSync";

template <typename T>
T field(const Napi::Object& spec, const char* name, napi_typedarray_type type, const char* type_name, bool optional) {
  const Napi::Value v = spec.Get(name);
  if (optional && (v.IsUndefined() || v.IsNull())) return T();
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(spec.Env(), std::string(kFn) + ": " + name + " must be " + type_name + ", found " +
                                               describe(v) + ".");
  }
  return v.As<T>();
}

void expect_length(const Napi::Env& env, const char* name, std::size_t found, std::size_t expected) {
  if (found != expected) {
    throw Napi::RangeError::New(env, std::string(kFn) + ": " + name + " must have length " + std::to_string(expected) +
                                         ", found length " + std::to_string(found) + ".");
  }
}

double number_field(const Napi::Object& spec, const char* name) {
  const Napi::Value v = spec.Get(name);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) {
    throw Napi::TypeError::New(spec.Env(), std::string(kFn) + ": " + name + " must be a finite number, found " +
                                               describe(v) + ".");
  }
  return v.As<Napi::Number>().DoubleValue();
}

// CSR rows: start (Int32Array, m + 1), index (Int32Array), value (Float64Array, same length as index).
struct Csr {
  Napi::Int32Array start, index;
  Napi::Float64Array value;
  int rows = 0;
};

Csr csr(const Napi::Object& spec, const char* start, const char* index, const char* value, int n) {
  const Napi::Env env = spec.Env();
  Csr c;
  c.start = field<Napi::Int32Array>(spec, start, napi_int32_array, "an Int32Array", false);
  c.index = field<Napi::Int32Array>(spec, index, napi_int32_array, "an Int32Array", false);
  c.value = field<Napi::Float64Array>(spec, value, napi_float64_array, "a Float64Array", false);
  if (c.start.ElementLength() < 1) {
    throw Napi::RangeError::New(env, std::string(kFn) + ": " + start + " must have at least one entry (0), found none.");
  }
  c.rows = static_cast<int>(c.start.ElementLength() - 1);
  expect_length(env, value, c.value.ElementLength(), c.index.ElementLength());
  const int32_t* s = c.start.Data();
  if (s[0] != 0 || static_cast<std::size_t>(s[c.rows]) != c.index.ElementLength()) {
    throw Napi::RangeError::New(env, std::string(kFn) + ": " + start + " must run from 0 to the number of entries (" +
                                         std::to_string(c.index.ElementLength()) + ").");
  }
  for (int r = 0; r < c.rows; r++) {
    if (s[r + 1] < s[r]) {
      throw Napi::RangeError::New(env, std::string(kFn) + ": " + start + " must not decrease, found " +
                                           std::to_string(s[r + 1]) + " after " + std::to_string(s[r]) + ".");
    }
  }
  for (std::size_t k = 0; k < c.index.ElementLength(); k++) {
    const int32_t i = c.index.Data()[k];
    if (i < 0 || i >= n) {
      throw Napi::RangeError::New(env, std::string(kFn) + ": " + index + "[" + std::to_string(k) + "] is " +
                                           std::to_string(i) + ", expected a variable in 0.." + std::to_string(n - 1) + ".");
    }
  }
  return c;
}

Napi::Float64Array to_js(const Napi::Env& env, const std::vector<double>& v) {
  auto out = Napi::Float64Array::New(env, v.size());
  for (std::size_t i = 0; i < v.size(); i++) out[i] = v[i];
  return out;
}

// portfolioQpSolveSync({ n, P?, q?, aStart, aIndex, aValue, b, gStart, gIndex, gValue, h, lower?, upper?,
//                        tolerance, maxIterations })
//   -> { status: 0 optimal | 1 not converged | 2 invalid, message, x, y, z, zLower, zUpper, objective,
//        iterations, primalResidual, dualResidual, gap, polished }
Napi::Value QpSolveSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) {
    throw Napi::TypeError::New(env, std::string(kFn) + ": the argument must be a problem object, found " +
                                        describe(info[0]) + ".");
  }
  const Napi::Object spec = info[0].As<Napi::Object>();
  const double nd = number_field(spec, "n");
  if (!(nd >= 1) || nd > 1e5 || std::floor(nd) != nd) {
    throw Napi::RangeError::New(env, std::string(kFn) + ": n must be an integer in 1..100000, found " +
                                         describe(spec.Get("n")) + ".");
  }
  const int n = static_cast<int>(nd);
  const auto P = field<Napi::Float64Array>(spec, "P", napi_float64_array, "a Float64Array", true);
  if (!P.IsEmpty()) expect_length(env, "P", P.ElementLength(), static_cast<std::size_t>(n) * n);
  const auto q = field<Napi::Float64Array>(spec, "q", napi_float64_array, "a Float64Array", true);
  if (!q.IsEmpty()) expect_length(env, "q", q.ElementLength(), n);
  const Csr A = csr(spec, "aStart", "aIndex", "aValue", n);
  const auto b = field<Napi::Float64Array>(spec, "b", napi_float64_array, "a Float64Array", false);
  expect_length(env, "b", b.ElementLength(), A.rows);
  const Csr G = csr(spec, "gStart", "gIndex", "gValue", n);
  const auto h = field<Napi::Float64Array>(spec, "h", napi_float64_array, "a Float64Array", false);
  expect_length(env, "h", h.ElementLength(), G.rows);
  const auto lower = field<Napi::Float64Array>(spec, "lower", napi_float64_array, "a Float64Array", true);
  if (!lower.IsEmpty()) expect_length(env, "lower", lower.ElementLength(), n);
  const auto upper = field<Napi::Float64Array>(spec, "upper", napi_float64_array, "a Float64Array", true);
  if (!upper.IsEmpty()) expect_length(env, "upper", upper.ElementLength(), n);
  pf::QpOptions opts;
  opts.tolerance = number_field(spec, "tolerance");
  const double max_iter = number_field(spec, "maxIterations");
  if (!(opts.tolerance > 0) || !(max_iter >= 1) || max_iter > 1e6 || std::floor(max_iter) != max_iter) {
    throw Napi::RangeError::New(env, std::string(kFn) + ": tolerance must be positive and maxIterations an integer in "
                                                         "1..1000000.");
  }
  opts.max_iterations = static_cast<int>(max_iter);

  pf::QpProblem pr;
  pr.n = n;
  pr.P = P.IsEmpty() ? nullptr : P.Data();
  pr.q = q.IsEmpty() ? nullptr : q.Data();
  pr.meq = A.rows;
  pr.a_start = A.start.Data();
  pr.a_index = A.index.Data();
  pr.a_value = A.value.Data();
  pr.b = b.Data();
  pr.mg = G.rows;
  pr.g_start = G.start.Data();
  pr.g_index = G.index.Data();
  pr.g_value = G.value.Data();
  pr.h = h.Data();
  pr.lower = lower.IsEmpty() ? nullptr : lower.Data();
  pr.upper = upper.IsEmpty() ? nullptr : upper.Data();
  const pf::QpResult r = pf::solve_qp(pr, opts);

  Napi::Object out = Napi::Object::New(env);
  out.Set("status", Napi::Number::New(env, static_cast<int>(r.status)));
  out.Set("message", Napi::String::New(env, r.message));
  out.Set("x", to_js(env, r.x));
  out.Set("y", to_js(env, r.y));
  out.Set("z", to_js(env, r.z));
  out.Set("zLower", to_js(env, r.z_lower));
  out.Set("zUpper", to_js(env, r.z_upper));
  out.Set("objective", Napi::Number::New(env, r.objective));
  out.Set("iterations", Napi::Number::New(env, r.iterations));
  out.Set("primalResidual", Napi::Number::New(env, r.primal_residual));
  out.Set("dualResidual", Napi::Number::New(env, r.dual_residual));
  out.Set("gap", Napi::Number::New(env, r.gap));
  out.Set("polished", Napi::Boolean::New(env, r.polished));
  return out;
}

}  // namespace

// portfolioQpKernel(kernel?) -> { kernel, avx2Supported }: the QP's dense Cholesky kernel ("avx2" | "scalar"),
// optionally changed first. For tests and benchmarks.
Napi::Value QpKernel(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsUndefined()) {
    const std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string();
    if (name != "avx2" && name != "scalar") {
      const std::string found = info[0].IsString() ? "'" + name + "'" : describe(info[0]);
      throw Napi::RangeError::New(env, "portfolioQpKernel: unknown kernel " + found + ", expected 'avx2' or 'scalar'.");
    }
    if (!omniquant::portfolio::set_qp_kernel_avx2(name == "avx2")) {
      throw Napi::RangeError::New(env, "portfolioQpKernel: this CPU has no AVX2 + FMA, so the kernel 'avx2' is not available.");
    }
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("kernel", omniquant::portfolio::qp_kernel_avx2() ? "avx2" : "scalar");
  o.Set("avx2Supported", omniquant::portfolio::qp_kernel_avx2_supported());
  return o;
}

void InitPortfolio(Napi::Env env, Napi::Object exports) {
  exports.Set("portfolioQpSolveSync", Napi::Function::New(env, QpSolveSync, "portfolioQpSolveSync"));
  exports.Set("portfolioQpKernel", Napi::Function::New(env, QpKernel, "portfolioQpKernel"));
}

}  // namespace omq
