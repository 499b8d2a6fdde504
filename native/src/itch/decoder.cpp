#include "itch/decoder.hpp"

#include <cstring>

namespace omq::itch {

std::size_t element_size(const Field& f) {
  switch (f.kind) {
    case FieldKind::Char: return 1;
    case FieldKind::U16: return 2;
    case FieldKind::U32:
    case FieldKind::Price4: return 4;
    case FieldKind::U48:
    case FieldKind::U64:
    case FieldKind::Price8: return 8;
    case FieldKind::Alpha: return f.width;
  }
  return f.width;
}

Decoder::Decoder(const std::uint8_t* decode_types) {
  column_index_.fill(-1);
  if (decode_types == nullptr) return;
  for (std::size_t i = 0; i < kMessageTypeCount; i++) {
    const auto t = static_cast<std::uint8_t>(kMessageTypes[i]);
    if (!decode_types[t]) continue;
    TypeColumns c;
    c.spec = message_spec(t);
    c.fields.resize(c.spec->field_count);
    for (std::uint8_t f = 0; f < c.spec->field_count; f++) c.sizes.push_back(element_size(c.spec->fields[f]));
    column_index_[t] = static_cast<std::int16_t>(columns_.size());
    columns_.push_back(std::move(c));
    decoding_ = true;
  }
}

void Decoder::clear_columns() {
  for (TypeColumns& c : columns_) c.count = 0;
}

namespace {

template <class T>
inline void put(std::uint8_t* at, T v) {
  std::memcpy(at, &v, sizeof(T));
}

}  // namespace

void Decoder::decode(const std::uint8_t* msg, std::uint8_t type, std::uint64_t offset) {
  TypeColumns& c = columns_[static_cast<std::size_t>(column_index_[type])];
  if (c.count == c.capacity) {
    c.capacity = c.capacity ? c.capacity * 2 : 4096;
    c.offsets.resize(c.capacity);
    for (std::uint8_t i = 0; i < c.spec->field_count; i++) c.fields[i].resize(c.capacity * c.sizes[i]);
  }
  const std::size_t r = c.count++;
  c.offsets[r] = static_cast<double>(offset);
  for (std::uint8_t i = 0; i < c.spec->field_count; i++) {
    const Field& f = c.spec->fields[i];
    const std::uint8_t* p = msg + f.offset;
    std::uint8_t* out = c.fields[i].data() + r * c.sizes[i];
    switch (f.kind) {
      case FieldKind::Char: *out = *p; break;
      case FieldKind::U16: put(out, be16(p)); break;
      case FieldKind::U32:
      case FieldKind::Price4: put(out, be32(p)); break;
      case FieldKind::U48: put(out, static_cast<double>(be48(p))); break;
      case FieldKind::U64:
      case FieldKind::Price8: put(out, be64(p)); break;
      case FieldKind::Alpha: std::memcpy(out, p, f.width); break;
    }
  }
}

bool Decoder::push(const std::uint8_t* data, std::size_t n) {
  if (!decoding_) {
    // Count-only: the hot loop is framing plus one increment.
    std::uint64_t* counts = counts_.data();
    std::uint64_t seen = 0;
    framer_.push(data, n, [&](const std::uint8_t*, std::uint8_t type, std::size_t, std::uint64_t) {
      counts[type]++;
      seen++;
    });
    messages_ += seen;
    return !framer_.failed();
  }
  framer_.push(data, n, [&](const std::uint8_t* msg, std::uint8_t type, std::size_t, std::uint64_t offset) {
    counts_[type]++;
    messages_++;
    if (column_index_[type] >= 0) decode(msg, type, offset);
  });
  return !framer_.failed();
}

}  // namespace omq::itch
