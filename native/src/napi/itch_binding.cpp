// N-API adapter of the ITCH 5.0 core (native/src/itch): checks JavaScript arguments, holds decoders and book
// builders behind type-tagged externals, and hands decoded data back as typed-array columns, one call per chunk.
// Bad arguments are TypeErrors/RangeErrors with a whole sentence; a bad ITCH stream is not an exception here but
// an `error` object in the result, which lib/itch turns into an error naming the byte offset.
#include "napi/itch_binding.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "itch/book_builder.hpp"
#include "napi/args.hpp"
#include "itch/decoder.hpp"
#include "itch/messages.hpp"

namespace omq {
namespace {

using napi_args::describe;

using namespace omq::itch;

// Type tags of the two handle kinds (random 128-bit values).
constexpr napi_type_tag kDecoderTag = {0x6f6d71697463680aULL, 0x9d2c5e0f4b1a7731ULL};
constexpr napi_type_tag kBookTag = {0x6f6d71697463680bULL, 0x3e81c7d2a45f9b06ULL};


template <class T>
T* unwrap(const Napi::CallbackInfo& info, const napi_type_tag& tag, const char* fn, const char* what) {
  const Napi::Value v = info[0];
  if (!v.IsExternal() || !v.As<Napi::External<T>>().CheckTypeTag(&tag)) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected " + what + " handle, found " + describe(v) + ".");
  }
  return v.As<Napi::External<T>>().Data();
}

Napi::Uint8Array chunk_arg(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Value v = info[1];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": chunk must be a Uint8Array (or Buffer), found " +
                                               describe(v) + ".");
  }
  return v.As<Napi::Uint8Array>();
}

// Copies the first `n` elements of a decoded column (native byte order) into a new typed array.
template <class T>
Napi::Value typed_raw(Napi::Env env, const std::vector<std::uint8_t>& bytes, std::size_t n) {
  Napi::TypedArrayOf<T> a = Napi::TypedArrayOf<T>::New(env, n);
  if (n) std::memcpy(a.Data(), bytes.data(), n * sizeof(T));
  return a;
}

// An alphanumeric column (`width` bytes per row, at most 8, right-padded with spaces) dictionary-encoded:
// { codes: Uint32Array (one per row), dict: string[] (the distinct trimmed values) }. lib/itch expands it into
// a string[] in JavaScript, which is much faster than creating one string per row through N-API.
Napi::Value alpha_column(Napi::Env env, const std::vector<std::uint8_t>& bytes, std::size_t rows, std::size_t width) {
  Napi::Uint32Array codes = Napi::Uint32Array::New(env, rows);
  Napi::Array dict = Napi::Array::New(env);
  // Open addressing from the packed value to its code; few distinct values (symbols), so it stays small.
  std::vector<std::uint64_t> keys(1024);
  std::vector<std::uint32_t> vals(1024, UINT32_MAX);
  std::size_t mask = 1023;
  std::uint32_t next = 0;
  auto slot_of = [&](std::uint64_t key) {
    std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40) & mask;
    while (vals[i] != UINT32_MAX && keys[i] != key) i = (i + 1) & mask;
    return i;
  };
  std::uint32_t* const out = codes.Data();
  for (std::size_t r = 0; r < rows; r++) {
    const std::uint8_t* p = bytes.data() + r * width;
    std::uint64_t key = 0;
    std::memcpy(&key, p, width);
    std::size_t i = slot_of(key);
    if (vals[i] == UINT32_MAX) {
      if ((next + 1) * 2 > keys.size()) {  // grow at half load
        std::vector<std::uint64_t> old_keys(keys.size() * 2);
        std::vector<std::uint32_t> old_vals(keys.size() * 2, UINT32_MAX);
        old_keys.swap(keys);
        old_vals.swap(vals);
        mask = keys.size() - 1;
        for (std::size_t j = 0; j < old_keys.size(); j++) {
          if (old_vals[j] != UINT32_MAX) {
            const std::size_t k = slot_of(old_keys[j]);
            keys[k] = old_keys[j];
            vals[k] = old_vals[j];
          }
        }
        i = slot_of(key);
      }
      keys[i] = key;
      vals[i] = next;
      std::size_t len = width;
      while (len > 0 && p[len - 1] == ' ') len--;
      dict.Set(next++, Napi::String::New(env, reinterpret_cast<const char*>(p), len));
    }
    out[r] = vals[i];
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("codes", codes);
  o.Set("dict", dict);
  return o;
}

Napi::Value string_of(Napi::Env env, const char* p, std::size_t width) {
  std::size_t len = width;
  while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\0')) len--;
  return Napi::String::New(env, p, len);
}

Napi::Value char_string(Napi::Env env, char c) { return Napi::String::New(env, &c, 1); }

Napi::Object frame_error(Napi::Env env, const Framer& f) {
  const FrameError& e = f.error();
  Napi::Object o = Napi::Object::New(env);
  const char* kind = e.kind == FrameErrorKind::UnknownType ? "unknown-type"
                     : e.kind == FrameErrorKind::BadLength ? "bad-length"
                                                           : "truncated";
  o.Set("kind", kind);
  o.Set("offset", static_cast<double>(e.offset));
  o.Set("type", e.has_type ? static_cast<double>(e.type) : -1.0);
  o.Set("lengthPrefix", static_cast<double>(e.length_prefix));
  o.Set("expectedLength", e.has_type ? static_cast<double>(kLengths.len[e.type]) : 0.0);
  o.Set("have", static_cast<double>(e.have));
  return o;
}

void set_framing_stats(Napi::Env env, Napi::Object o, const Framer& f, const std::array<std::uint64_t, 256>& counts,
                       std::uint64_t messages) {
  Napi::Float64Array c = Napi::Float64Array::New(env, 256);
  for (std::size_t i = 0; i < 256; i++) c[i] = static_cast<double>(counts[i]);
  o.Set("counts", c);
  o.Set("messages", static_cast<double>(messages));
  o.Set("bytes", static_cast<double>(f.offset()));
  o.Set("carried", static_cast<double>(f.carried()));
  o.Set("zeroPrefixMessages", static_cast<double>(f.zero_prefix_messages()));
  o.Set("firstZeroPrefixOffset", static_cast<double>(f.first_zero_prefix_offset()));
}

// ---- message specs --------------------------------------------------------------------------------------------

const char* kind_name(FieldKind k) {
  switch (k) {
    case FieldKind::Char: return "char";
    case FieldKind::U16: return "u16";
    case FieldKind::U32: return "u32";
    case FieldKind::U48: return "timestamp";
    case FieldKind::U64: return "u64";
    case FieldKind::Price4: return "price4";
    case FieldKind::Price8: return "price8";
    case FieldKind::Alpha: return "alpha";
  }
  return "unknown";
}

// itchSpecs(): [{ type, name, length, fields: [{ name, offset, width, kind }] }] in the specification's order.
Napi::Value Specs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, kMessageTypeCount);
  for (std::size_t i = 0; i < kMessageTypeCount; i++) {
    const MessageSpec* s = message_spec(static_cast<std::uint8_t>(kMessageTypes[i]));
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", char_string(env, s->type));
    o.Set("name", s->name);
    o.Set("length", static_cast<double>(s->length));
    Napi::Array fields = Napi::Array::New(env, s->field_count);
    for (std::uint8_t j = 0; j < s->field_count; j++) {
      const Field& f = s->fields[j];
      Napi::Object fo = Napi::Object::New(env);
      fo.Set("name", f.name);
      fo.Set("offset", static_cast<double>(f.offset));
      fo.Set("width", static_cast<double>(f.width));
      fo.Set("kind", kind_name(f.kind));
      fields.Set(j, fo);
    }
    o.Set("fields", fields);
    out.Set(static_cast<std::uint32_t>(i), o);
  }
  return out;
}

// ---- decoder --------------------------------------------------------------------------------------------------

// itchDecoderNew(types?: string): handle. `types` lists the message type letters to decode into columns.
Napi::Value DecoderNew(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::uint8_t mask[256] = {};
  bool any = false;
  if (!info[0].IsUndefined()) {
    if (!info[0].IsString()) {
      throw Napi::TypeError::New(env, "itchDecoderNew: types must be a string of ITCH message type letters, found " +
                                          describe(info[0]) + ".");
    }
    const std::string types = info[0].As<Napi::String>().Utf8Value();
    for (unsigned char c : types) {
      if (kLengths.len[c] == 0) {
        throw Napi::RangeError::New(env, std::string("itchDecoderNew: '") + static_cast<char>(c) +
                                             "' is not an ITCH 5.0 message type, expected letters from " +
                                             kMessageTypes + ".");
      }
      mask[c] = 1;
      any = true;
    }
  }
  auto* d = new Decoder(any ? mask : nullptr);
  Napi::External<Decoder> h = Napi::External<Decoder>::New(env, d, [](Napi::Env, Decoder* p) { delete p; });
  h.TypeTag(&kDecoderTag);
  return h;
}

Napi::Value decoder_result(Napi::Env env, Decoder& d, bool ok) {
  bool any_rows = false;
  for (const TypeColumns& c : d.columns()) any_rows = any_rows || c.count > 0;
  if (ok && !any_rows) return env.Undefined();
  Napi::Object out = Napi::Object::New(env);
  if (any_rows) {
    Napi::Array batches = Napi::Array::New(env);
    std::uint32_t b = 0;
    for (const TypeColumns& c : d.columns()) {
      if (c.count == 0) continue;
      Napi::Object batch = Napi::Object::New(env);
      batch.Set("type", char_string(env, c.spec->type));
      batch.Set("count", static_cast<double>(c.count));
      Napi::Object cols = Napi::Object::New(env);
      Napi::Float64Array offsets = Napi::Float64Array::New(env, c.count);
      std::memcpy(offsets.Data(), c.offsets.data(), c.count * sizeof(double));
      cols.Set("offset", offsets);
      for (std::uint8_t i = 0; i < c.spec->field_count; i++) {
        const Field& f = c.spec->fields[i];
        const std::vector<std::uint8_t>& bytes = c.fields[i];
        Napi::Value col;
        switch (f.kind) {
          case FieldKind::Char: col = typed_raw<std::uint8_t>(env, bytes, c.count); break;
          case FieldKind::U16: col = typed_raw<std::uint16_t>(env, bytes, c.count); break;
          case FieldKind::U32:
          case FieldKind::Price4: col = typed_raw<std::uint32_t>(env, bytes, c.count); break;
          case FieldKind::U48: col = typed_raw<double>(env, bytes, c.count); break;
          case FieldKind::U64:
          case FieldKind::Price8: col = typed_raw<std::uint64_t>(env, bytes, c.count); break;
          case FieldKind::Alpha: col = alpha_column(env, bytes, c.count, f.width); break;
        }
        cols.Set(f.name, col);
      }
      batch.Set("columns", cols);
      batches.Set(b++, batch);
    }
    out.Set("batches", batches);
    d.clear_columns();
  }
  if (!ok) out.Set("error", frame_error(env, d.framer()));
  return out;
}

// itchDecoderPushSync(handle, chunk): undefined | { batches?, error? }
Napi::Value DecoderPush(const Napi::CallbackInfo& info) {
  Decoder* d = unwrap<Decoder>(info, kDecoderTag, "itchDecoderPushSync", "an ITCH decoder");
  Napi::Uint8Array chunk = chunk_arg(info, "itchDecoderPushSync");
  const bool ok = d->push(chunk.Data(), chunk.ElementLength());
  return decoder_result(info.Env(), *d, ok);
}

// itchDecoderEndSync(handle): undefined | { batches?, error? } -- an error if the stream ends inside a message.
Napi::Value DecoderEnd(const Napi::CallbackInfo& info) {
  Decoder* d = unwrap<Decoder>(info, kDecoderTag, "itchDecoderEndSync", "an ITCH decoder");
  const bool ok = d->finish();
  return decoder_result(info.Env(), *d, ok);
}

// itchDecoderStats(handle): { counts: Float64Array(256), messages, bytes, carried, zeroPrefixMessages, ... }
Napi::Value DecoderStats(const Napi::CallbackInfo& info) {
  Decoder* d = unwrap<Decoder>(info, kDecoderTag, "itchDecoderStats", "an ITCH decoder");
  Napi::Object o = Napi::Object::New(info.Env());
  set_framing_stats(info.Env(), o, d->framer(), d->counts(), d->messages());
  return o;
}

// ---- book builder ---------------------------------------------------------------------------------------------

bool bool_option(Napi::Env env, Napi::Object o, const char* key, bool fallback) {
  const Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) {
    throw Napi::TypeError::New(env, std::string("itchBookNew: options.") + key + " must be a boolean, found " +
                                        describe(v) + ".");
  }
  return v.As<Napi::Boolean>().Value();
}

// A book builder plus the JavaScript typed arrays it writes its rows into (kept alive by references).
struct BookHolder {
  explicit BookHolder(BookOptions o) : builder(std::move(o)) {}
  BookBuilder builder;
  std::vector<Napi::Reference<Napi::Value>> outputs;
};

constexpr const char* kOrderNames[] = {"message", "timestamp", "locate", "kind",  "orderRef",
                                       "newOrderRef", "side", "shares", "price", "remaining"};
constexpr const char* kL2Names[] = {"message", "timestamp", "locate", "side", "price", "shares", "orders"};
constexpr const char* kBboNames[] = {"message", "timestamp", "locate", "bidPrice", "bidShares", "askPrice", "askShares"};
constexpr const char* kTradeNames[] = {"message", "timestamp", "locate",      "kind",     "side",
                                       "price",   "shares",    "matchNumber", "orderRef", "printable"};

template <class T>
constexpr napi_typedarray_type typed_array_type() {
  if constexpr (std::is_same_v<T, double>) return napi_float64_array;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return napi_uint8_array;
  else if constexpr (std::is_same_v<T, std::int8_t>) return napi_int8_array;
  else if constexpr (std::is_same_v<T, std::uint16_t>) return napi_uint16_array;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return napi_uint32_array;
  else return napi_biguint64_array;
}

constexpr const char* typed_array_label(napi_typedarray_type t) {
  switch (t) {
    case napi_float64_array: return "a Float64Array";
    case napi_uint8_array: return "a Uint8Array";
    case napi_int8_array: return "an Int8Array";
    case napi_uint16_array: return "a Uint16Array";
    case napi_uint32_array: return "a Uint32Array";
    default: return "a BigUint64Array";
  }
}

// Lends the typed arrays of `o[table]` (one per column, each at least `capacity` long) to a table of the builder.
template <class Table, std::size_t N>
void attach_table(Napi::Env env, BookHolder& h, Table& t, Napi::Object o, const char* table,
                  const char* const (&names)[N], std::size_t capacity) {
  const Napi::Value tv = o.Get(table);
  if (!tv.IsObject()) {
    throw Napi::TypeError::New(env, std::string("itchBookNew: outputs.") + table +
                                        " must be an object of typed arrays, found " + describe(tv) + ".");
  }
  const Napi::Object cols = tv.As<Napi::Object>();
  std::size_t i = 0;
  t.columns([&](auto& col) {
    using T = std::remove_reference_t<decltype(col[0])>;
    const char* name = names[i++];
    const Napi::Value v = cols.Get(name);
    constexpr napi_typedarray_type want = typed_array_type<T>();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != want ||
        v.As<Napi::TypedArray>().ElementLength() < capacity) {
      throw Napi::TypeError::New(env, std::string("itchBookNew: outputs.") + table + "." + name + " must be " +
                                          typed_array_label(want) + " of at least " + std::to_string(capacity) +
                                          " elements, found " + describe(v) + ".");
    }
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    col.owned.reset();
    col.data = reinterpret_cast<T*>(static_cast<std::uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset());
    h.outputs.push_back(Napi::Persistent(v));
  });
  t.n = 0;
  t.cap = capacity;
  t.external = true;
}

// itchBookNew({ levels?, orders?, l2?, bbo?, trades?, symbols?: string[] }, outputs?): handle.
// `outputs` = { capacity, orders?, l2?, bbo?, trades? }: for every enabled table, an object of typed arrays
// (column name -> array of at least `capacity` elements) that each push writes its rows into, from index 0.
// Without it the rows stay native (only counted), which the C++-level tests use.
Napi::Value BookNew(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookOptions opts;
  if (!info[0].IsUndefined()) {
    if (!info[0].IsObject()) {
      throw Napi::TypeError::New(env, "itchBookNew: options must be an object, found " + describe(info[0]) + ".");
    }
    Napi::Object o = info[0].As<Napi::Object>();
    const Napi::Value levels = o.Get("levels");
    if (!levels.IsUndefined()) {
      if (!levels.IsNumber()) {
        throw Napi::TypeError::New(env, "itchBookNew: options.levels must be a number, found " + describe(levels) + ".");
      }
      const double l = levels.As<Napi::Number>().DoubleValue();
      if (!(l >= 0) || l > 4294967295.0 || std::floor(l) != l) {
        throw Napi::RangeError::New(env, "itchBookNew: options.levels must be a non-negative integer (0 = all "
                                         "levels), found " + describe(levels) + ".");
      }
      opts.levels = static_cast<std::uint32_t>(l);
    }
    opts.orders = bool_option(env, o, "orders", true);
    opts.l2 = bool_option(env, o, "l2", true);
    opts.bbo = bool_option(env, o, "bbo", true);
    opts.trades = bool_option(env, o, "trades", true);
    const Napi::Value symbols = o.Get("symbols");
    if (!symbols.IsUndefined()) {
      if (!symbols.IsArray()) {
        throw Napi::TypeError::New(env, "itchBookNew: options.symbols must be an array of strings, found " +
                                            describe(symbols) + ".");
      }
      Napi::Array arr = symbols.As<Napi::Array>();
      for (std::uint32_t i = 0; i < arr.Length(); i++) {
        const Napi::Value s = arr.Get(i);
        if (!s.IsString()) {
          throw Napi::TypeError::New(env, "itchBookNew: options.symbols[" + std::to_string(i) +
                                              "] must be a string, found " + describe(s) + ".");
        }
        const std::string sym = s.As<Napi::String>().Utf8Value();
        if (sym.empty() || sym.size() > 8) {
          throw Napi::RangeError::New(env, "itchBookNew: options.symbols[" + std::to_string(i) +
                                               "] must have 1 to 8 characters, found " + describe(s) + ".");
        }
        std::array<char, 8> padded;
        padded.fill(' ');
        std::memcpy(padded.data(), sym.data(), sym.size());
        opts.symbols.push_back(padded);
      }
    }
  }
  const bool tables[4] = {opts.orders, opts.l2, opts.bbo, opts.trades};
  auto holder = std::make_unique<BookHolder>(std::move(opts));
  if (!info[1].IsUndefined()) {
    if (!info[1].IsObject()) {
      throw Napi::TypeError::New(env, "itchBookNew: outputs must be an object, found " + describe(info[1]) + ".");
    }
    Napi::Object out = info[1].As<Napi::Object>();
    const Napi::Value capv = out.Get("capacity");
    const double cap = capv.IsNumber() ? capv.As<Napi::Number>().DoubleValue() : -1;
    if (!(cap >= static_cast<double>(BookBuilder::kMaxRowsPerMessage)) || cap > 1e9 || std::floor(cap) != cap) {
      throw Napi::RangeError::New(env, "itchBookNew: outputs.capacity must be an integer of at least " +
                                           std::to_string(BookBuilder::kMaxRowsPerMessage) + ", found " +
                                           describe(capv) + ".");
    }
    const auto c = static_cast<std::size_t>(cap);
    BookBuilder& b = holder->builder;
    if (tables[0]) attach_table(env, *holder, b.order_rows(), out, "orders", kOrderNames, c);
    if (tables[1]) attach_table(env, *holder, b.l2_rows(), out, "l2", kL2Names, c);
    if (tables[2]) attach_table(env, *holder, b.bbo_rows(), out, "bbo", kBboNames, c);
    if (tables[3]) attach_table(env, *holder, b.trade_rows(), out, "trades", kTradeNames, c);
  }
  Napi::External<BookHolder> h =
      Napi::External<BookHolder>::New(env, holder.release(), [](Napi::Env, BookHolder* p) { delete p; });
  h.TypeTag(&kBookTag);
  return h;
}

Napi::Value book_result(Napi::Env env, BookBuilder& b, std::size_t consumed) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("consumed", static_cast<double>(consumed));
  out.Set("orders", static_cast<double>(b.order_rows().size()));
  out.Set("l2", static_cast<double>(b.l2_rows().size()));
  out.Set("bbo", static_cast<double>(b.bbo_rows().size()));
  out.Set("trades", static_cast<double>(b.trade_rows().size()));
  if (b.framer().failed()) out.Set("error", frame_error(env, b.framer()));
  return out;
}

// itchBookPushSync(handle, chunk): { consumed, orders, l2, bbo, trades, error? } -- how many rows this call wrote
// into each output (from index 0). `consumed` below the chunk's length without an error: an output filled up,
// take the rows and push the rest.
Napi::Value BookPush(const Napi::CallbackInfo& info) {
  BookBuilder& b = unwrap<BookHolder>(info, kBookTag, "itchBookPushSync", "an ITCH book builder")->builder;
  Napi::Uint8Array chunk = chunk_arg(info, "itchBookPushSync");
  b.clear_rows();
  const std::size_t consumed = b.push(chunk.Data(), chunk.ElementLength());
  return book_result(info.Env(), b, consumed);
}

// itchBookEndSync(handle): { consumed: 0, ..., error? } -- an error if the stream ends inside a message.
Napi::Value BookEnd(const Napi::CallbackInfo& info) {
  BookBuilder& b = unwrap<BookHolder>(info, kBookTag, "itchBookEndSync", "an ITCH book builder")->builder;
  b.clear_rows();
  b.finish();
  return book_result(info.Env(), b, 0);
}

// itchBookStats(handle): framing stats plus liveOrders and anomalies.
Napi::Value BookStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookBuilder* b = &unwrap<BookHolder>(info, kBookTag, "itchBookStats", "an ITCH book builder")->builder;
  Napi::Object o = Napi::Object::New(env);
  set_framing_stats(env, o, b->framer(), b->counts(), b->messages());
  o.Set("liveOrders", static_cast<double>(b->live_orders()));
  const Anomalies& a = b->anomalies();
  Napi::Object an = Napi::Object::New(env);
  an.Set("unknownOrderRef", static_cast<double>(a.unknown_ref));
  an.Set("firstUnknownOrderRefOffset", static_cast<double>(a.first_unknown_ref_offset));
  an.Set("firstUnknownOrderRefType", a.unknown_ref ? char_string(env, static_cast<char>(a.first_unknown_ref_type))
                                                   : env.Undefined());
  an.Set("duplicateOrderRef", static_cast<double>(a.duplicate_ref));
  an.Set("firstDuplicateOrderRefOffset", static_cast<double>(a.first_duplicate_ref_offset));
  an.Set("overfill", static_cast<double>(a.overfill));
  an.Set("firstOverfillOffset", static_cast<double>(a.first_overfill_offset));
  an.Set("locateMismatch", static_cast<double>(a.locate_mismatch));
  an.Set("brokenTrades", static_cast<double>(a.broken_trades));
  o.Set("anomalies", an);
  return o;
}

// itchBookStocks(handle): the stock directory (R messages) as columns, with `active` (selected by the symbols
// filter) per row.
Napi::Value BookStocks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookBuilder* b = &unwrap<BookHolder>(info, kBookTag, "itchBookStocks", "an ITCH book builder")->builder;
  const auto& dir = b->directory();
  const std::size_t n = dir.size();
  Napi::Uint16Array locate = Napi::Uint16Array::New(env, n);
  Napi::Uint32Array round_lot = Napi::Uint32Array::New(env, n);
  Napi::Float64Array timestamp = Napi::Float64Array::New(env, n);
  Napi::Uint8Array active = Napi::Uint8Array::New(env, n);
  Napi::Array symbol = Napi::Array::New(env, n);
  Napi::Array category = Napi::Array::New(env, n);
  Napi::Array status = Napi::Array::New(env, n);
  for (std::size_t i = 0; i < n; i++) {
    const DirectoryEntry& e = dir[i];
    const auto r = static_cast<std::uint32_t>(i);
    locate[i] = e.locate;
    round_lot[i] = e.round_lot_size;
    timestamp[i] = e.timestamp;
    active[i] = b->active(e.locate) ? 1 : 0;
    symbol.Set(r, string_of(env, e.stock, 8));
    category.Set(r, char_string(env, e.market_category));
    status.Set(r, char_string(env, e.financial_status));
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("locate", locate);
  o.Set("symbol", symbol);
  o.Set("marketCategory", category);
  o.Set("financialStatus", status);
  o.Set("roundLotSize", round_lot);
  o.Set("timestamp", timestamp);
  o.Set("active", active);
  return o;
}

// itchBookDepth(handle, locate, levels): best-first levels of both sides, levels = 0 for all.
Napi::Value BookDepth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BookBuilder* b = &unwrap<BookHolder>(info, kBookTag, "itchBookDepth", "an ITCH book builder")->builder;
  if (!info[1].IsNumber() || !info[2].IsNumber()) {
    throw Napi::TypeError::New(env, "itchBookDepth: locate and levels must be numbers, found " + describe(info[1]) +
                                        " and " + describe(info[2]) + ".");
  }
  const double loc = info[1].As<Napi::Number>().DoubleValue();
  const double lev = info[2].As<Napi::Number>().DoubleValue();
  if (!(loc >= 0 && loc <= 65535) || std::floor(loc) != loc) {
    throw Napi::RangeError::New(env, "itchBookDepth: locate must be an integer from 0 to 65535, found " +
                                         describe(info[1]) + ".");
  }
  if (!(lev >= 0) || std::floor(lev) != lev) {
    throw Napi::RangeError::New(env, "itchBookDepth: levels must be a non-negative integer, found " +
                                         describe(info[2]) + ".");
  }
  const StockBook* book = b->book(static_cast<std::uint16_t>(loc));
  static const SideLevels kEmpty(true);
  auto side = [&](const SideLevels& v, const char* px, const char* sz, const char* no, Napi::Object& o) {
    const std::size_t n = lev == 0 ? v.size() : std::min<std::size_t>(v.size(), static_cast<std::size_t>(lev));
    Napi::Uint32Array price = Napi::Uint32Array::New(env, n);
    Napi::Float64Array shares = Napi::Float64Array::New(env, n);
    Napi::Uint32Array orders = Napi::Uint32Array::New(env, n);
    std::size_t i = 0;
    v.for_each_best_first(n, [&](const Level& l) {
      price[i] = l.price;
      shares[i] = static_cast<double>(l.shares);
      orders[i] = l.orders;
      i++;
    });
    o.Set(px, price);
    o.Set(sz, shares);
    o.Set(no, orders);
  };
  Napi::Object o = Napi::Object::New(env);
  side(book ? book->bids : kEmpty, "bidPrice", "bidShares", "bidOrders", o);
  side(book ? book->asks : kEmpty, "askPrice", "askShares", "askOrders", o);
  return o;
}

}  // namespace

void InitItch(Napi::Env env, Napi::Object exports) {
  exports.Set("itchSpecs", Napi::Function::New(env, Specs, "itchSpecs"));
  exports.Set("itchDecoderNew", Napi::Function::New(env, DecoderNew, "itchDecoderNew"));
  exports.Set("itchDecoderPushSync", Napi::Function::New(env, DecoderPush, "itchDecoderPushSync"));
  exports.Set("itchDecoderEndSync", Napi::Function::New(env, DecoderEnd, "itchDecoderEndSync"));
  exports.Set("itchDecoderStats", Napi::Function::New(env, DecoderStats, "itchDecoderStats"));
  exports.Set("itchBookNew", Napi::Function::New(env, BookNew, "itchBookNew"));
  exports.Set("itchBookPushSync", Napi::Function::New(env, BookPush, "itchBookPushSync"));
  exports.Set("itchBookEndSync", Napi::Function::New(env, BookEnd, "itchBookEndSync"));
  exports.Set("itchBookStats", Napi::Function::New(env, BookStats, "itchBookStats"));
  exports.Set("itchBookStocks", Napi::Function::New(env, BookStocks, "itchBookStocks"));
  exports.Set("itchBookDepth", Napi::Function::New(env, BookDepth, "itchBookDepth"));
}

}  // namespace omq
