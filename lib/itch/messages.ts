/**
 * NASDAQ TotalView-ITCH 5.0 message types and layouts. The layouts are the native decoder's own tables
 * (native/src/itch/messages.cpp), so the TypeScript and C++ views cannot drift apart.
 */
import { itchAddon, type NativeMessageSpec } from "./addon.js";

/** The 23 ITCH 5.0 message types, in the specification's order. */
export const ITCH_MESSAGE_TYPES = [
  "S", "R", "H", "Y", "L", "V", "W", "K", "J", "h", "A", "F", "E", "C", "X", "D", "U", "P", "Q", "B", "I", "N", "O",
] as const;

export type ItchMessageType = (typeof ITCH_MESSAGE_TYPES)[number];

/** Length of each message type in bytes, without the 2-byte length prefix of NASDAQ's files. */
export const ITCH_MESSAGE_LENGTHS: Readonly<Record<ItchMessageType, number>> = Object.freeze({
  S: 12, R: 39, H: 25, Y: 20, L: 26, V: 35, W: 12, K: 28, J: 35, h: 21,
  A: 36, F: 40, E: 31, C: 36, X: 23, D: 19, U: 35, P: 44, Q: 40, B: 19, I: 50, N: 20, O: 48,
});

/**
 * How a field is handed out in decoded columns: "char" Uint8Array of character codes, "u16" Uint16Array,
 * "u32" Uint32Array, "timestamp" Float64Array of nanoseconds since midnight, "u64" BigUint64Array, "price4"
 * Uint32Array of 1e-4 dollars, "price8" BigUint64Array of 1e-8 dollars, "alpha" string[] with the right padding
 * removed.
 */
export type ItchFieldKind = NativeMessageSpec["fields"][number]["kind"];

export interface ItchFieldSpec {
  /** Column name, e.g. "orderRef". */
  name: string;
  /** Byte offset from the message type byte. */
  offset: number;
  width: number;
  kind: ItchFieldKind;
}

export interface ItchMessageSpec {
  type: ItchMessageType;
  /** The specification's name, e.g. "Add Order (no MPID attribution)". */
  name: string;
  length: number;
  /** Every field including the header (stockLocate, trackingNumber, timestamp). */
  fields: readonly ItchFieldSpec[];
}

let specs: readonly ItchMessageSpec[] | undefined;

/** The layout of every ITCH 5.0 message type (loads the native addon). */
export function itchMessageSpecs(): readonly ItchMessageSpec[] {
  specs ??= Object.freeze(
    itchAddon()
      .itchSpecs()
      .map((s) => Object.freeze({ ...s, type: s.type as ItchMessageType, fields: Object.freeze(s.fields.map((f) => Object.freeze(f))) })),
  );
  return specs;
}

export function isItchMessageType(t: string): t is ItchMessageType {
  return (ITCH_MESSAGE_TYPES as readonly string[]).includes(t);
}

/** `'A' (0x41)` for messages: the type byte as a character when printable, and in hex. */
export function describeTypeByte(byte: number): string {
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  return byte >= 0x21 && byte <= 0x7e ? `'${String.fromCharCode(byte)}' (${hex})` : hex;
}
