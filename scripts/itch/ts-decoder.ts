/**
 * A straightforward TypeScript ITCH 5.0 decoder over DataView: the benchmark's peer and the tests' reference.
 * It frames the stream exactly as the native decoder promises to (a length prefix must equal the type's length or
 * be 0x0000; an unknown type byte, a wrong prefix or a stream ending inside a message is an error at the offset of
 * that message's prefix), counts messages by type and can read every field of the order-flow messages.
 */
import { LENGTHS } from "./layouts.js";

/** Length by type byte (0: not an ITCH 5.0 type). */
export const LENGTH_BY_BYTE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const [k, v] of Object.entries(LENGTHS)) t[k.charCodeAt(0)] = v;
  return t;
})();

export interface TsFrameError {
  kind: "unknown-type" | "bad-length" | "truncated";
  offset: number;
  /** Type byte, -1 when the stream ended before it. */
  type: number;
}

export interface TsDecodeResult {
  counts: Float64Array;
  messages: number;
  error?: TsFrameError;
}

/** Frames a whole buffer and counts messages by type byte, stopping at the first bad message. */
export function referenceFrame(bytes: Uint8Array): TsDecodeResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = new Float64Array(256);
  let messages = 0;
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 3) return { counts, messages, error: { kind: "truncated", offset: at, type: -1 } };
    const prefix = view.getUint16(at);
    const type = bytes[at + 2]!;
    const len = LENGTH_BY_BYTE[type]!;
    if (len === 0) return { counts, messages, error: { kind: "unknown-type", offset: at, type } };
    if (prefix !== len && prefix !== 0) return { counts, messages, error: { kind: "bad-length", offset: at, type } };
    if (bytes.length - at < 2 + len) return { counts, messages, error: { kind: "truncated", offset: at, type } };
    counts[type]!++;
    messages++;
    at += 2 + len;
  }
  return { counts, messages };
}

/** Fields of the order-flow messages, decoded into one reused object (8-byte numbers as doubles). */
export interface OrderFields {
  type: number;
  locate: number;
  timestamp: number;
  orderRef: number;
  newOrderRef: number;
  side: number;
  shares: number;
  price: number;
  matchNumber: number;
}

const u64 = (v: DataView, at: number): number => v.getUint32(at) * 4294967296 + v.getUint32(at + 4);

/**
 * Streaming decoder fed chunk by chunk, as the native one. `decodeFields` also reads every field of A F E C X D
 * U P messages (what a book builder needs) into a reused object passed to `onOrder`.
 */
export class TsItchDecoder {
  readonly counts = new Float64Array(256);
  messages = 0;
  private offset = 0;
  private carry = new Uint8Array(0);
  private readonly fields: OrderFields = { type: 0, locate: 0, timestamp: 0, orderRef: 0, newOrderRef: 0, side: 0, shares: 0, price: 0, matchNumber: 0 };

  constructor(private readonly onOrder?: (f: OrderFields) => void) {}

  push(chunk: Uint8Array): void {
    let data = chunk;
    if (this.carry.length > 0) {
      data = new Uint8Array(this.carry.length + chunk.length);
      data.set(this.carry);
      data.set(chunk, this.carry.length);
    }
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = data.length;
    let at = 0;
    while (n - at >= 3) {
      const prefix = view.getUint16(at);
      const type = view.getUint8(at + 2);
      const len = LENGTH_BY_BYTE[type]!;
      if (len === 0) throw new Error(`byte offset ${this.offset}: unknown type ${type}`);
      if (prefix !== len && prefix !== 0) throw new Error(`byte offset ${this.offset}: bad length ${prefix}`);
      if (n - at < 2 + len) break;
      this.counts[type]!++;
      this.messages++;
      if (this.onOrder) this.decode(view, at + 2, type);
      at += 2 + len;
      this.offset += 2 + len;
    }
    this.carry = data.slice(at);
  }

  end(): void {
    if (this.carry.length > 0) throw new Error(`byte offset ${this.offset}: the stream ends inside a message`);
  }

  private decode(v: DataView, m: number, type: number): void {
    const f = this.fields;
    switch (type) {
      case 65: // A
      case 70: // F
      case 80: // P
        f.orderRef = u64(v, m + 11);
        f.side = v.getUint8(m + 19);
        f.shares = v.getUint32(m + 20);
        f.price = v.getUint32(m + 32);
        if (type === 80) f.matchNumber = u64(v, m + 36);
        break;
      case 69: // E
      case 67: // C
        f.orderRef = u64(v, m + 11);
        f.shares = v.getUint32(m + 19);
        f.matchNumber = u64(v, m + 23);
        if (type === 67) f.price = v.getUint32(m + 32);
        break;
      case 88: // X
        f.orderRef = u64(v, m + 11);
        f.shares = v.getUint32(m + 19);
        break;
      case 68: // D
        f.orderRef = u64(v, m + 11);
        break;
      case 85: // U
        f.orderRef = u64(v, m + 11);
        f.newOrderRef = u64(v, m + 19);
        f.shares = v.getUint32(m + 27);
        f.price = v.getUint32(m + 31);
        break;
      default:
        return;
    }
    f.type = type;
    f.locate = v.getUint16(m + 1);
    f.timestamp = v.getUint16(m + 5) * 4294967296 + v.getUint32(m + 7);
    this.onOrder!(f);
  }
}
