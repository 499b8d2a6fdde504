// Argument helpers shared by every binding file in src/napi/ (the only code that knows N-API): how a JavaScript
// value is described in error messages, so every "expected X, found Y" sentence names values the same way.
#pragma once

#include <napi.h>

#include <string>

namespace omq::napi_args {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

inline const char* typed_array_name(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "an Int8Array";
    case napi_uint8_array: return "a Uint8Array";
    case napi_uint8_clamped_array: return "a Uint8ClampedArray";
    case napi_int16_array: return "an Int16Array";
    case napi_uint16_array: return "a Uint16Array";
    case napi_int32_array: return "an Int32Array";
    case napi_uint32_array: return "a Uint32Array";
    case napi_float32_array: return "a Float32Array";
    case napi_float64_array: return "a Float64Array";
    case napi_bigint64_array: return "a BigInt64Array";
    case napi_biguint64_array: return "a BigUint64Array";
    default: return "a typed array";
  }
}

// A short description of a JavaScript value for error messages: "an Array", "the string '20'", "2.5",
// "a Float32Array of length 3".
inline std::string describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return v.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return v.ToString().Utf8Value();
    case napi_string: {
      std::string s = v.As<Napi::String>().Utf8Value();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return "the string '" + s + "'";
    }
    case napi_symbol: return "a symbol";
    case napi_bigint: return "the bigint " + v.ToString().Utf8Value() + "n";
    case napi_function: return "a function";
    case napi_external: return "an external handle";
    case napi_object:
      if (v.IsTypedArray()) {
        const auto t = v.As<Napi::TypedArray>();
        return std::string(typed_array_name(t.TypedArrayType())) + " of length " + std::to_string(t.ElementLength());
      }
      if (v.IsArray()) return "an Array";
      if (v.IsArrayBuffer()) return "an ArrayBuffer";
      if (v.IsDataView()) return "a DataView";
      return "an object";
    default: return "a value of unknown type";
  }
}

}  // namespace omq::napi_args
