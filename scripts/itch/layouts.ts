/**
 * ITCH 5.0 message layouts written out again from NASDAQ's TotalView-ITCH 5.0 specification, independently of
 * the native decoder's tables, so that tests can check one against the other. Offsets count from the type byte.
 */
import type { ItchFieldKind, ItchMessageType } from "../../lib/itch/messages.js";

export type FieldLayout = readonly [name: string, offset: number, width: number, kind: ItchFieldKind];

const HEADER: readonly FieldLayout[] = [
  ["stockLocate", 1, 2, "u16"],
  ["trackingNumber", 3, 2, "u16"],
  ["timestamp", 5, 6, "timestamp"],
];

const body: Record<ItchMessageType, readonly FieldLayout[]> = {
  S: [["eventCode", 11, 1, "char"]],
  R: [
    ["stock", 11, 8, "alpha"],
    ["marketCategory", 19, 1, "char"],
    ["financialStatusIndicator", 20, 1, "char"],
    ["roundLotSize", 21, 4, "u32"],
    ["roundLotsOnly", 25, 1, "char"],
    ["issueClassification", 26, 1, "char"],
    ["issueSubType", 27, 2, "alpha"],
    ["authenticity", 29, 1, "char"],
    ["shortSaleThresholdIndicator", 30, 1, "char"],
    ["ipoFlag", 31, 1, "char"],
    ["luldReferencePriceTier", 32, 1, "char"],
    ["etpFlag", 33, 1, "char"],
    ["etpLeverageFactor", 34, 4, "u32"],
    ["inverseIndicator", 38, 1, "char"],
  ],
  H: [
    ["stock", 11, 8, "alpha"],
    ["tradingState", 19, 1, "char"],
    ["reserved", 20, 1, "char"],
    ["reason", 21, 4, "alpha"],
  ],
  Y: [
    ["stock", 11, 8, "alpha"],
    ["regShoAction", 19, 1, "char"],
  ],
  L: [
    ["mpid", 11, 4, "alpha"],
    ["stock", 15, 8, "alpha"],
    ["primaryMarketMaker", 23, 1, "char"],
    ["marketMakerMode", 24, 1, "char"],
    ["marketParticipantState", 25, 1, "char"],
  ],
  V: [
    ["level1", 11, 8, "price8"],
    ["level2", 19, 8, "price8"],
    ["level3", 27, 8, "price8"],
  ],
  W: [["breachedLevel", 11, 1, "char"]],
  K: [
    ["stock", 11, 8, "alpha"],
    ["ipoQuotationReleaseTime", 19, 4, "u32"],
    ["ipoQuotationReleaseQualifier", 23, 1, "char"],
    ["ipoPrice", 24, 4, "price4"],
  ],
  J: [
    ["stock", 11, 8, "alpha"],
    ["auctionCollarReferencePrice", 19, 4, "price4"],
    ["upperAuctionCollarPrice", 23, 4, "price4"],
    ["lowerAuctionCollarPrice", 27, 4, "price4"],
    ["auctionCollarExtension", 31, 4, "u32"],
  ],
  h: [
    ["stock", 11, 8, "alpha"],
    ["marketCode", 19, 1, "char"],
    ["operationalHaltAction", 20, 1, "char"],
  ],
  A: [
    ["orderRef", 11, 8, "u64"],
    ["side", 19, 1, "char"],
    ["shares", 20, 4, "u32"],
    ["stock", 24, 8, "alpha"],
    ["price", 32, 4, "price4"],
  ],
  F: [
    ["orderRef", 11, 8, "u64"],
    ["side", 19, 1, "char"],
    ["shares", 20, 4, "u32"],
    ["stock", 24, 8, "alpha"],
    ["price", 32, 4, "price4"],
    ["attribution", 36, 4, "alpha"],
  ],
  E: [
    ["orderRef", 11, 8, "u64"],
    ["executedShares", 19, 4, "u32"],
    ["matchNumber", 23, 8, "u64"],
  ],
  C: [
    ["orderRef", 11, 8, "u64"],
    ["executedShares", 19, 4, "u32"],
    ["matchNumber", 23, 8, "u64"],
    ["printable", 31, 1, "char"],
    ["executionPrice", 32, 4, "price4"],
  ],
  X: [
    ["orderRef", 11, 8, "u64"],
    ["cancelledShares", 19, 4, "u32"],
  ],
  D: [["orderRef", 11, 8, "u64"]],
  U: [
    ["originalOrderRef", 11, 8, "u64"],
    ["newOrderRef", 19, 8, "u64"],
    ["shares", 27, 4, "u32"],
    ["price", 31, 4, "price4"],
  ],
  P: [
    ["orderRef", 11, 8, "u64"],
    ["side", 19, 1, "char"],
    ["shares", 20, 4, "u32"],
    ["stock", 24, 8, "alpha"],
    ["price", 32, 4, "price4"],
    ["matchNumber", 36, 8, "u64"],
  ],
  Q: [
    ["shares", 11, 8, "u64"],
    ["stock", 19, 8, "alpha"],
    ["crossPrice", 27, 4, "price4"],
    ["matchNumber", 31, 8, "u64"],
    ["crossType", 39, 1, "char"],
  ],
  B: [["matchNumber", 11, 8, "u64"]],
  I: [
    ["pairedShares", 11, 8, "u64"],
    ["imbalanceShares", 19, 8, "u64"],
    ["imbalanceDirection", 27, 1, "char"],
    ["stock", 28, 8, "alpha"],
    ["farPrice", 36, 4, "price4"],
    ["nearPrice", 40, 4, "price4"],
    ["currentReferencePrice", 44, 4, "price4"],
    ["crossType", 48, 1, "char"],
    ["priceVariationIndicator", 49, 1, "char"],
  ],
  N: [
    ["stock", 11, 8, "alpha"],
    ["interestFlag", 19, 1, "char"],
  ],
  O: [
    ["stock", 11, 8, "alpha"],
    ["openEligibilityStatus", 19, 1, "char"],
    ["minimumAllowablePrice", 20, 4, "price4"],
    ["maximumAllowablePrice", 24, 4, "price4"],
    ["nearExecutionPrice", 28, 4, "price4"],
    ["nearExecutionTime", 32, 8, "u64"],
    ["lowerPriceRangeCollar", 40, 4, "price4"],
    ["upperPriceRangeCollar", 44, 4, "price4"],
  ],
};

/** Every field of every message type, header included. */
export const LAYOUTS: Readonly<Record<ItchMessageType, readonly FieldLayout[]>> = Object.fromEntries(
  Object.entries(body).map(([t, fields]) => [t, [...HEADER, ...fields]]),
) as unknown as Record<ItchMessageType, readonly FieldLayout[]>;

/** Message lengths without the 2-byte prefix, from the layouts (last field's end). */
export const LENGTHS: Readonly<Record<ItchMessageType, number>> = Object.fromEntries(
  Object.entries(LAYOUTS).map(([t, f]) => [t, f[f.length - 1]![1] + f[f.length - 1]![2]]),
) as Record<ItchMessageType, number>;
