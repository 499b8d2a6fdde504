// The ITCH 5.0 decoder: frames a byte stream fed in chunks (framer.hpp), counts messages by type and, for the
// types asked for, decodes every field into columns (one growing buffer per field) that the caller takes after
// each chunk.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "itch/framer.hpp"
#include "itch/messages.hpp"

namespace omq::itch {

/// Decoded fields of one message type, column by column, since the last clear().
/// Element types: Char -> uint8, U16 -> uint16, U32 and Price4 -> uint32, U48 (timestamp) -> double (exact:
/// below 2^53), U64 and Price8 -> uint64, Alpha -> `width` raw bytes per message.
struct TypeColumns {
  const MessageSpec* spec = nullptr;
  std::size_t count = 0;
  /// Rows the buffers have room for; `offsets` and each of `fields` hold exactly `capacity` elements.
  std::size_t capacity = 0;
  /// Byte offset of each message's length prefix in the stream (exact as a double below 2^53).
  std::vector<double> offsets;
  std::vector<std::vector<std::uint8_t>> fields;  // one per spec->fields[i], `count` elements in use
  std::vector<std::size_t> sizes;                 // element size of each field
};

/// Size in bytes of one decoded element of a field (Alpha: its width).
std::size_t element_size(const Field& f);

class Decoder {
 public:
  /// `decode_types[t]` non-zero: decode messages of type byte t into columns. nullptr: count only.
  explicit Decoder(const std::uint8_t* decode_types = nullptr);

  /// Frames and decodes a chunk. Returns false once the stream is known to be bad (see framer().error()).
  bool push(const std::uint8_t* data, std::size_t n);
  /// Ends the stream; false if it ends inside a message.
  bool finish() { return framer_.finish(); }

  const Framer& framer() const { return framer_; }
  const std::array<std::uint64_t, 256>& counts() const { return counts_; }
  std::uint64_t messages() const { return messages_; }

  /// Columns of the selected types (types that decoded nothing since the last clear have count 0).
  const std::vector<TypeColumns>& columns() const { return columns_; }
  void clear_columns();

 private:
  void decode(const std::uint8_t* msg, std::uint8_t type, std::uint64_t offset);

  Framer framer_;
  std::array<std::uint64_t, 256> counts_{};
  std::uint64_t messages_ = 0;
  std::vector<TypeColumns> columns_;
  std::array<std::int16_t, 256> column_index_{};  // -1: not decoded
  bool decoding_ = false;
};

}  // namespace omq::itch
