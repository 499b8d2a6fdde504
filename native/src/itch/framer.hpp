// Streaming framing of NASDAQ's binary ITCH files: [2-byte big-endian length][message] repeated, fed in chunks
// of any size. A message cut by a chunk boundary is carried over (at most 52 bytes), so memory stays bounded.
//
// Each message is checked before it is handed on: its type byte must be an ITCH 5.0 type and its length prefix
// must equal that type's fixed length, or be 0x0000. Some sample files (RITCH's) carry zero prefixes; those
// messages are stepped by their type's fixed length and counted, so that the caller can say so once.
// The first bad message stops the framer with an error that names its byte offset; every message before it has
// already been handed on.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "itch/messages.hpp"

namespace omq::itch {

enum class FrameErrorKind : std::uint8_t { None, UnknownType, BadLength, Truncated };

struct FrameError {
  FrameErrorKind kind = FrameErrorKind::None;
  /// Byte offset in the stream of the bad message's length prefix.
  std::uint64_t offset = 0;
  /// Type byte found (valid when has_type).
  std::uint8_t type = 0;
  bool has_type = false;
  std::uint16_t length_prefix = 0;
  /// Bytes of the message present when the stream ended (Truncated).
  std::uint32_t have = 0;
};

class Framer {
 public:
  /// Frames `n` bytes, calling `visit(const uint8_t* msg, uint8_t type, std::size_t len, uint64_t offset)` for
  /// each complete message (`msg` points at the type byte, `offset` at the length prefix). Returns the bytes
  /// consumed: all of them, unless an error occurred (see failed()) or `ready()` returned false before a message
  /// of the chunk itself (not one carried over), in which case the caller feeds the rest again later.
  template <class Visit, class Ready>
  std::size_t push(const std::uint8_t* data, std::size_t n, Visit&& visit, Ready&& ready);

  template <class Visit>
  std::size_t push(const std::uint8_t* data, std::size_t n, Visit&& visit) {
    return push(data, n, std::forward<Visit>(visit), [] { return true; });
  }

  /// Ends the stream: a message left incomplete is a Truncated error. Returns false on error.
  bool finish();

  bool failed() const { return error_.kind != FrameErrorKind::None; }
  const FrameError& error() const { return error_; }
  /// Bytes consumed into complete messages (the offset of the next message).
  std::uint64_t offset() const { return offset_; }
  /// Messages whose length prefix was 0x0000, and the offset of the first of them.
  std::uint64_t zero_prefix_messages() const { return zero_prefix_; }
  std::uint64_t first_zero_prefix_offset() const { return first_zero_prefix_offset_; }
  /// Bytes held over from the previous chunk (part of one message).
  std::size_t carried() const { return carry_len_; }

  /// Where, in a chunk about to be pushed, the first message that starts inside it begins (after the bytes that
  /// complete the carried message), or `n` if that is not known yet.
  std::size_t first_message_in(const std::uint8_t* data, std::size_t n) const {
    if (carry_len_ == 0) return 0;
    std::uint8_t type;
    if (carry_len_ >= 3) type = carry_[2];
    else if (n >= 3 - carry_len_) type = data[2 - carry_len_];
    else return n;
    const std::size_t len = kLengths.len[type];
    if (len == 0) return n;
    const std::size_t need = kPrefixLength + len - carry_len_;
    return need < n ? need : n;
  }

 private:
  // Checks the header at p (3 bytes available) of the message at offset_. Returns its length, or 0 after
  // recording the error.
  std::size_t check(const std::uint8_t* p) {
    const std::uint16_t prefix = be16(p);
    const std::uint8_t type = p[2];
    const std::size_t len = kLengths.len[type];
    if (len == 0) {
      fail(FrameErrorKind::UnknownType, type, prefix);
      return 0;
    }
    if (prefix != len && prefix != 0) {
      fail(FrameErrorKind::BadLength, type, prefix);
      return 0;
    }
    return len;
  }

  void note_zero_prefix() {
    if (zero_prefix_++ == 0) first_zero_prefix_offset_ = offset_;
  }

  void fail(FrameErrorKind kind, std::uint8_t type, std::uint16_t prefix) {
    error_.kind = kind;
    error_.offset = offset_;
    error_.type = type;
    error_.has_type = true;
    error_.length_prefix = prefix;
  }

  std::uint8_t carry_[kPrefixLength + kMaxMessageLength + 8] = {};
  std::size_t carry_len_ = 0;
  std::uint64_t offset_ = 0;
  std::uint64_t zero_prefix_ = 0;
  std::uint64_t first_zero_prefix_offset_ = 0;
  FrameError error_;
};

template <class Visit, class Ready>
std::size_t Framer::push(const std::uint8_t* data, std::size_t n, Visit&& visit, Ready&& ready) {
  if (failed()) return 0;
  const std::uint8_t* p = data;
  const std::uint8_t* const end = data + n;

  // Complete the message carried over from the previous chunk.
  if (carry_len_ > 0) {
    if (carry_len_ < 3) {
      const std::size_t take = std::min<std::size_t>(3 - carry_len_, static_cast<std::size_t>(end - p));
      std::memcpy(carry_ + carry_len_, p, take);
      carry_len_ += take;
      p += take;
      if (carry_len_ < 3) return n;
    }
    const std::size_t len = check(carry_);
    if (len == 0) return static_cast<std::size_t>(p - data);
    const std::size_t total = kPrefixLength + len;
    const std::size_t take = std::min<std::size_t>(total - carry_len_, static_cast<std::size_t>(end - p));
    std::memcpy(carry_ + carry_len_, p, take);
    carry_len_ += take;
    p += take;
    if (carry_len_ < total) return n;
    if (be16(carry_) == 0) note_zero_prefix();
    visit(static_cast<const std::uint8_t*>(carry_ + kPrefixLength), carry_[2], len, offset_);
    offset_ += total;
    carry_len_ = 0;
  }

  // Whole messages inside this chunk.
  while (end - p >= 3) {
    const std::uint16_t prefix = be16(p);
    const std::uint8_t type = p[2];
    const std::size_t len = kLengths.len[type];
    if (__builtin_expect(len == 0 || (prefix != len && prefix != 0), 0)) {
      check(p);  // records the error
      return static_cast<std::size_t>(p - data);
    }
    if (static_cast<std::size_t>(end - p) < kPrefixLength + len) break;
    if (!ready()) return static_cast<std::size_t>(p - data);
    if (__builtin_expect(prefix == 0, 0)) note_zero_prefix();
    visit(static_cast<const std::uint8_t*>(p + kPrefixLength), type, len, offset_);
    p += kPrefixLength + len;
    offset_ += kPrefixLength + len;
  }

  // Keep the start of the next message (at most 51 bytes).
  carry_len_ = static_cast<std::size_t>(end - p);
  std::memcpy(carry_, p, carry_len_);
  return n;
}

inline bool Framer::finish() {
  if (failed()) return false;
  if (carry_len_ == 0) return true;
  error_.kind = FrameErrorKind::Truncated;
  error_.offset = offset_;
  error_.has_type = carry_len_ >= 3;
  error_.type = carry_len_ >= 3 ? carry_[2] : 0;
  error_.length_prefix = carry_len_ >= 2 ? be16(carry_) : 0;
  error_.have = static_cast<std::uint32_t>(carry_len_);
  return false;
}

}  // namespace omq::itch
