// NASDAQ TotalView-ITCH 5.0 message layouts: fixed lengths by type byte, big-endian field readers and a field
// table per message type (offsets counted from the type byte, as in the specification's tables).
//
// Every message starts with the same 11 bytes: Message Type (1), Stock Locate (2), Tracking Number (2),
// Timestamp (6, nanoseconds since midnight). Prices are Price(4) (1e-4 dollars) except the MWCB decline levels
// (Price(8), 1e-8 dollars). In NASDAQ's binary files each message is preceded by a 2-byte big-endian length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace omq::itch {

/// Longest ITCH 5.0 message (the NOII 'I'), without its length prefix.
constexpr std::size_t kMaxMessageLength = 50;
/// Bytes of the big-endian length prefix before each message in NASDAQ's binary files.
constexpr std::size_t kPrefixLength = 2;

/// The 23 ITCH 5.0 message types, in the specification's order.
constexpr char kMessageTypes[] = "SRHYLVWKJhAFECXDUPQBINO";
constexpr std::size_t kMessageTypeCount = sizeof(kMessageTypes) - 1;

struct LengthTable {
  std::uint8_t len[256];
};

constexpr LengthTable make_length_table() {
  LengthTable t{};
  t.len[static_cast<unsigned char>('S')] = 12;
  t.len[static_cast<unsigned char>('R')] = 39;
  t.len[static_cast<unsigned char>('H')] = 25;
  t.len[static_cast<unsigned char>('Y')] = 20;
  t.len[static_cast<unsigned char>('L')] = 26;
  t.len[static_cast<unsigned char>('V')] = 35;
  t.len[static_cast<unsigned char>('W')] = 12;
  t.len[static_cast<unsigned char>('K')] = 28;
  t.len[static_cast<unsigned char>('J')] = 35;
  t.len[static_cast<unsigned char>('h')] = 21;
  t.len[static_cast<unsigned char>('A')] = 36;
  t.len[static_cast<unsigned char>('F')] = 40;
  t.len[static_cast<unsigned char>('E')] = 31;
  t.len[static_cast<unsigned char>('C')] = 36;
  t.len[static_cast<unsigned char>('X')] = 23;
  t.len[static_cast<unsigned char>('D')] = 19;
  t.len[static_cast<unsigned char>('U')] = 35;
  t.len[static_cast<unsigned char>('P')] = 44;
  t.len[static_cast<unsigned char>('Q')] = 40;
  t.len[static_cast<unsigned char>('B')] = 19;
  t.len[static_cast<unsigned char>('I')] = 50;
  t.len[static_cast<unsigned char>('N')] = 20;
  t.len[static_cast<unsigned char>('O')] = 48;
  return t;
}

/// Message length (without prefix) by type byte; 0 for a byte that is not an ITCH 5.0 message type.
inline constexpr LengthTable kLengths = make_length_table();

inline std::uint16_t be16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline std::uint32_t be32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline std::uint64_t be64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
/// The 6-byte timestamp (nanoseconds since midnight).
inline std::uint64_t be48(const std::uint8_t* p) {
  return (static_cast<std::uint64_t>(be16(p)) << 32) | be32(p + 2);
}

// Offsets of the fields the book builder reads, from the type byte.
namespace off {
constexpr std::size_t kLocate = 1, kTracking = 3, kTimestamp = 5;
constexpr std::size_t kOrderRef = 11;              // A F E C X D P
constexpr std::size_t kAddSide = 19, kAddShares = 20, kAddStock = 24, kAddPrice = 32, kAttribution = 36;  // A F P
constexpr std::size_t kExecShares = 19, kExecMatch = 23, kExecPrintable = 31, kExecPrice = 32;          // E C
constexpr std::size_t kCancelShares = 19;                                                                 // X
constexpr std::size_t kReplaceNewRef = 19, kReplaceShares = 27, kReplacePrice = 31;                       // U
constexpr std::size_t kTradeMatch = 36;                                                                   // P
constexpr std::size_t kCrossShares = 11, kCrossStock = 19, kCrossPrice = 27, kCrossMatch = 31, kCrossType = 39;  // Q
constexpr std::size_t kDirStock = 11, kDirMarketCategory = 19, kDirFinancialStatus = 20, kDirRoundLot = 21;      // R
}  // namespace off

/// How a field is stored on the wire and handed out: one character, big-endian unsigned integers, the 6-byte
/// timestamp, Price(4) / Price(8) fixed point, or right-padded ASCII of `width` bytes.
enum class FieldKind : std::uint8_t { Char, U16, U32, U48, U64, Price4, Price8, Alpha };

struct Field {
  const char* name;
  std::uint8_t offset;
  std::uint8_t width;
  FieldKind kind;
};

struct MessageSpec {
  char type;
  const char* name;
  std::uint8_t length;
  const Field* fields;  // including the three header fields
  std::uint8_t field_count;
};

/// The layout of message type `type`, or nullptr if it is not an ITCH 5.0 type.
const MessageSpec* message_spec(std::uint8_t type);

}  // namespace omq::itch
