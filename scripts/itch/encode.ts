/**
 * An ITCH 5.0 encoder (the generator's and the tests' writer): a message as a plain object of field values is
 * written with its 2-byte big-endian length prefix (or a 0x0000 prefix, as in RITCH's sample files).
 *
 * Field values: "char" a one-character string, "u16" / "u32" / "price4" / "timestamp" numbers, "u64" / "price8"
 * bigints, "alpha" strings (right-padded with spaces to the field's width).
 */
import type { ItchMessageType } from "../../lib/itch/messages.js";
import { LAYOUTS, LENGTHS } from "./layouts.js";

export type FieldValue = number | bigint | string;
export interface ItchMessage {
  type: ItchMessageType;
  /** Every field of the type's layout except the type byte: stockLocate, trackingNumber, timestamp, ... */
  fields: Record<string, FieldValue>;
}

export type PrefixMode = "length" | "zero";

/** Bytes `msg` takes on the wire, prefix included. */
export function encodedLength(type: ItchMessageType): number {
  return 2 + LENGTHS[type];
}

/** Writes `msg` at `at` in `out` (prefix first) and returns the bytes written. */
export function encodeInto(msg: ItchMessage, out: Uint8Array, at: number, prefix: PrefixMode = "length"): number {
  const len = LENGTHS[msg.type];
  const view = new DataView(out.buffer, out.byteOffset + at, 2 + len);
  view.setUint16(0, prefix === "zero" ? 0 : len);
  view.setUint8(2, msg.type.charCodeAt(0));
  for (const [name, offset, width, kind] of LAYOUTS[msg.type]) {
    const v = msg.fields[name];
    if (v === undefined) throw new Error(`encode ${msg.type}: field ${name} is missing`);
    const o = 2 + offset;
    switch (kind) {
      case "char":
        view.setUint8(o, String(v).charCodeAt(0) & 0xff);
        break;
      case "u16":
        view.setUint16(o, Number(v));
        break;
      case "u32":
      case "price4":
        view.setUint32(o, Number(v));
        break;
      case "timestamp": {
        const t = Number(v);
        view.setUint16(o, Math.floor(t / 2 ** 32));
        view.setUint32(o + 2, t % 2 ** 32);
        break;
      }
      case "u64":
      case "price8":
        view.setBigUint64(o, BigInt(v));
        break;
      case "alpha": {
        const s = String(v);
        for (let i = 0; i < width; i++) view.setUint8(o + i, i < s.length ? s.charCodeAt(i) & 0xff : 0x20);
        break;
      }
    }
  }
  return 2 + len;
}

/** Encodes a sequence of messages into one buffer. */
export function encodeMessages(msgs: readonly ItchMessage[], prefix: PrefixMode = "length"): Uint8Array {
  const out = new Uint8Array(msgs.reduce((n, m) => n + encodedLength(m.type), 0));
  let at = 0;
  for (const m of msgs) at += encodeInto(m, out, at, prefix);
  return out;
}
