// Field tables of the 23 ITCH 5.0 messages (NASDAQ TotalView-ITCH 5.0 specification, section 1.x tables).
#include "itch/messages.hpp"

namespace omq::itch {
namespace {

using K = FieldKind;

#define OMQ_ITCH_HEADER                                                                                  \
  {"stockLocate", 1, 2, K::U16}, {"trackingNumber", 3, 2, K::U16}, { "timestamp", 5, 6, K::U48 }

constexpr Field kSystemEvent[] = {OMQ_ITCH_HEADER, {"eventCode", 11, 1, K::Char}};
constexpr Field kStockDirectory[] = {OMQ_ITCH_HEADER,
                                     {"stock", 11, 8, K::Alpha},
                                     {"marketCategory", 19, 1, K::Char},
                                     {"financialStatusIndicator", 20, 1, K::Char},
                                     {"roundLotSize", 21, 4, K::U32},
                                     {"roundLotsOnly", 25, 1, K::Char},
                                     {"issueClassification", 26, 1, K::Char},
                                     {"issueSubType", 27, 2, K::Alpha},
                                     {"authenticity", 29, 1, K::Char},
                                     {"shortSaleThresholdIndicator", 30, 1, K::Char},
                                     {"ipoFlag", 31, 1, K::Char},
                                     {"luldReferencePriceTier", 32, 1, K::Char},
                                     {"etpFlag", 33, 1, K::Char},
                                     {"etpLeverageFactor", 34, 4, K::U32},
                                     {"inverseIndicator", 38, 1, K::Char}};
constexpr Field kStockTradingAction[] = {OMQ_ITCH_HEADER,
                                         {"stock", 11, 8, K::Alpha},
                                         {"tradingState", 19, 1, K::Char},
                                         {"reserved", 20, 1, K::Char},
                                         {"reason", 21, 4, K::Alpha}};
constexpr Field kRegSho[] = {OMQ_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"regShoAction", 19, 1, K::Char}};
constexpr Field kMarketParticipantPosition[] = {OMQ_ITCH_HEADER,
                                                {"mpid", 11, 4, K::Alpha},
                                                {"stock", 15, 8, K::Alpha},
                                                {"primaryMarketMaker", 23, 1, K::Char},
                                                {"marketMakerMode", 24, 1, K::Char},
                                                {"marketParticipantState", 25, 1, K::Char}};
constexpr Field kMwcbDeclineLevel[] = {OMQ_ITCH_HEADER,
                                       {"level1", 11, 8, K::Price8},
                                       {"level2", 19, 8, K::Price8},
                                       {"level3", 27, 8, K::Price8}};
constexpr Field kMwcbStatus[] = {OMQ_ITCH_HEADER, {"breachedLevel", 11, 1, K::Char}};
constexpr Field kIpoQuotingPeriod[] = {OMQ_ITCH_HEADER,
                                       {"stock", 11, 8, K::Alpha},
                                       {"ipoQuotationReleaseTime", 19, 4, K::U32},
                                       {"ipoQuotationReleaseQualifier", 23, 1, K::Char},
                                       {"ipoPrice", 24, 4, K::Price4}};
constexpr Field kLuldAuctionCollar[] = {OMQ_ITCH_HEADER,
                                        {"stock", 11, 8, K::Alpha},
                                        {"auctionCollarReferencePrice", 19, 4, K::Price4},
                                        {"upperAuctionCollarPrice", 23, 4, K::Price4},
                                        {"lowerAuctionCollarPrice", 27, 4, K::Price4},
                                        {"auctionCollarExtension", 31, 4, K::U32}};
constexpr Field kOperationalHalt[] = {OMQ_ITCH_HEADER,
                                      {"stock", 11, 8, K::Alpha},
                                      {"marketCode", 19, 1, K::Char},
                                      {"operationalHaltAction", 20, 1, K::Char}};
constexpr Field kAddOrder[] = {OMQ_ITCH_HEADER,
                               {"orderRef", 11, 8, K::U64},
                               {"side", 19, 1, K::Char},
                               {"shares", 20, 4, K::U32},
                               {"stock", 24, 8, K::Alpha},
                               {"price", 32, 4, K::Price4}};
constexpr Field kAddOrderMpid[] = {OMQ_ITCH_HEADER,
                                   {"orderRef", 11, 8, K::U64},
                                   {"side", 19, 1, K::Char},
                                   {"shares", 20, 4, K::U32},
                                   {"stock", 24, 8, K::Alpha},
                                   {"price", 32, 4, K::Price4},
                                   {"attribution", 36, 4, K::Alpha}};
constexpr Field kOrderExecuted[] = {OMQ_ITCH_HEADER,
                                    {"orderRef", 11, 8, K::U64},
                                    {"executedShares", 19, 4, K::U32},
                                    {"matchNumber", 23, 8, K::U64}};
constexpr Field kOrderExecutedWithPrice[] = {OMQ_ITCH_HEADER,
                                             {"orderRef", 11, 8, K::U64},
                                             {"executedShares", 19, 4, K::U32},
                                             {"matchNumber", 23, 8, K::U64},
                                             {"printable", 31, 1, K::Char},
                                             {"executionPrice", 32, 4, K::Price4}};
constexpr Field kOrderCancel[] = {OMQ_ITCH_HEADER, {"orderRef", 11, 8, K::U64}, {"cancelledShares", 19, 4, K::U32}};
constexpr Field kOrderDelete[] = {OMQ_ITCH_HEADER, {"orderRef", 11, 8, K::U64}};
constexpr Field kOrderReplace[] = {OMQ_ITCH_HEADER,
                                   {"originalOrderRef", 11, 8, K::U64},
                                   {"newOrderRef", 19, 8, K::U64},
                                   {"shares", 27, 4, K::U32},
                                   {"price", 31, 4, K::Price4}};
constexpr Field kTrade[] = {OMQ_ITCH_HEADER,
                            {"orderRef", 11, 8, K::U64},
                            {"side", 19, 1, K::Char},
                            {"shares", 20, 4, K::U32},
                            {"stock", 24, 8, K::Alpha},
                            {"price", 32, 4, K::Price4},
                            {"matchNumber", 36, 8, K::U64}};
constexpr Field kCrossTrade[] = {OMQ_ITCH_HEADER,
                                 {"shares", 11, 8, K::U64},
                                 {"stock", 19, 8, K::Alpha},
                                 {"crossPrice", 27, 4, K::Price4},
                                 {"matchNumber", 31, 8, K::U64},
                                 {"crossType", 39, 1, K::Char}};
constexpr Field kBrokenTrade[] = {OMQ_ITCH_HEADER, {"matchNumber", 11, 8, K::U64}};
constexpr Field kNoii[] = {OMQ_ITCH_HEADER,
                           {"pairedShares", 11, 8, K::U64},
                           {"imbalanceShares", 19, 8, K::U64},
                           {"imbalanceDirection", 27, 1, K::Char},
                           {"stock", 28, 8, K::Alpha},
                           {"farPrice", 36, 4, K::Price4},
                           {"nearPrice", 40, 4, K::Price4},
                           {"currentReferencePrice", 44, 4, K::Price4},
                           {"crossType", 48, 1, K::Char},
                           {"priceVariationIndicator", 49, 1, K::Char}};
constexpr Field kRpii[] = {OMQ_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"interestFlag", 19, 1, K::Char}};
constexpr Field kDirectListing[] = {OMQ_ITCH_HEADER,
                                    {"stock", 11, 8, K::Alpha},
                                    {"openEligibilityStatus", 19, 1, K::Char},
                                    {"minimumAllowablePrice", 20, 4, K::Price4},
                                    {"maximumAllowablePrice", 24, 4, K::Price4},
                                    {"nearExecutionPrice", 28, 4, K::Price4},
                                    {"nearExecutionTime", 32, 8, K::U64},
                                    {"lowerPriceRangeCollar", 40, 4, K::Price4},
                                    {"upperPriceRangeCollar", 44, 4, K::Price4}};

#undef OMQ_ITCH_HEADER

template <std::size_t N>
constexpr MessageSpec spec(char type, const char* name, const Field (&fields)[N]) {
  return MessageSpec{type, name, kLengths.len[static_cast<unsigned char>(type)], fields, static_cast<std::uint8_t>(N)};
}

constexpr MessageSpec kSpecs[] = {
    spec('S', "System Event", kSystemEvent),
    spec('R', "Stock Directory", kStockDirectory),
    spec('H', "Stock Trading Action", kStockTradingAction),
    spec('Y', "Reg SHO Short Sale Price Test Restricted Indicator", kRegSho),
    spec('L', "Market Participant Position", kMarketParticipantPosition),
    spec('V', "MWCB Decline Level", kMwcbDeclineLevel),
    spec('W', "MWCB Status", kMwcbStatus),
    spec('K', "IPO Quoting Period Update", kIpoQuotingPeriod),
    spec('J', "LULD Auction Collar", kLuldAuctionCollar),
    spec('h', "Operational Halt", kOperationalHalt),
    spec('A', "Add Order (no MPID attribution)", kAddOrder),
    spec('F', "Add Order with MPID Attribution", kAddOrderMpid),
    spec('E', "Order Executed", kOrderExecuted),
    spec('C', "Order Executed With Price", kOrderExecutedWithPrice),
    spec('X', "Order Cancel", kOrderCancel),
    spec('D', "Order Delete", kOrderDelete),
    spec('U', "Order Replace", kOrderReplace),
    spec('P', "Trade (non-cross)", kTrade),
    spec('Q', "Cross Trade", kCrossTrade),
    spec('B', "Broken Trade", kBrokenTrade),
    spec('I', "Net Order Imbalance Indicator (NOII)", kNoii),
    spec('N', "Retail Price Improvement Indicator (RPII)", kRpii),
    spec('O', "Direct Listing with Capital Raise Price Discovery", kDirectListing),
};
static_assert(sizeof(kSpecs) / sizeof(kSpecs[0]) == kMessageTypeCount, "one spec per message type");

// The last field of every message must end exactly at the message's length.
constexpr bool fields_fill_messages() {
  for (const MessageSpec& s : kSpecs) {
    const Field& last = s.fields[s.field_count - 1];
    if (last.offset + last.width != s.length) return false;
    for (std::uint8_t i = 1; i < s.field_count; i++) {
      if (s.fields[i - 1].offset + s.fields[i - 1].width != s.fields[i].offset) return false;
    }
  }
  return true;
}
static_assert(fields_fill_messages(), "field tables must tile each message without gaps");

struct SpecIndex {
  const MessageSpec* by_type[256];
};

SpecIndex make_index() {
  SpecIndex idx{};
  for (const MessageSpec& s : kSpecs) idx.by_type[static_cast<unsigned char>(s.type)] = &s;
  return idx;
}

const SpecIndex kIndex = make_index();

}  // namespace

const MessageSpec* message_spec(std::uint8_t type) { return kIndex.by_type[type]; }

}  // namespace omq::itch
