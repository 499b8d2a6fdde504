/**
 * The error a truncated or corrupt ITCH stream stops with. It names the byte offset of the bad message and the
 * type byte found there, and carries what was decoded before it on `partial` (decodeItch: the counts; buildBooks:
 * the tables and books), so nothing already read is lost.
 */
import { OmniQuantError } from "../util/errors.js";
import type { NativeFrameError } from "./addon.js";
import { ITCH_MESSAGE_TYPES, describeTypeByte } from "./messages.js";

export type ItchStreamErrorKind = NativeFrameError["kind"] | "gzip" | "read";

export class ItchStreamError<P = unknown> extends OmniQuantError {
  /** What went wrong: an unknown type byte, a length prefix that does not match the type, a stream cut inside a
   *  message, a bad gzip stream or a failed read. */
  readonly kind: ItchStreamErrorKind;
  /** Byte offset in the (decompressed) stream where the bad message starts, or where decompression failed. */
  readonly offset: number;
  /** The type byte found at `offset` as a character ("A", "Z", "\u0000"), undefined if the stream ended first. */
  readonly messageType: string | undefined;
  /** Complete messages decoded before the error. */
  messagesBefore: number;
  /** What was produced before the error (set by decodeItch / buildBooks). */
  partial: P | undefined;

  constructor(
    init: { kind: ItchStreamErrorKind; offset: number; messageType?: string; messagesBefore: number },
    ctx: ConstructorParameters<typeof OmniQuantError>[0],
  ) {
    super(ctx);
    this.name = "ItchStreamError";
    this.kind = init.kind;
    this.offset = init.offset;
    this.messageType = init.messageType;
    this.messagesBefore = init.messagesBefore;
    this.partial = undefined;
  }
}

/** Builds the error for a bad stream reported by the native framer. `source` names the file or buffer. */
export function frameError(source: string, e: NativeFrameError, messagesBefore: number): ItchStreamError {
  const where = `${source} byte offset ${e.offset}`;
  const kept = `the ${messagesBefore.toLocaleString("en-US")} messages before it were decoded and kept`;
  const messageType = e.type >= 0 ? String.fromCharCode(e.type) : undefined;
  const init = { kind: e.kind, offset: e.offset, messageType, messagesBefore };
  switch (e.kind) {
    case "unknown-type":
      return new ItchStreamError(init, {
        where,
        what: `found the type byte ${describeTypeByte(e.type)}, which is not an ITCH 5.0 message type`,
        expected: `one of ${ITCH_MESSAGE_TYPES.join(" ")}`,
        hint: `The stream is corrupt or not ITCH 5.0; ${kept}`,
      });
    case "bad-length":
      return new ItchStreamError(init, {
        where,
        what: `a message of type ${describeTypeByte(e.type)} has the length prefix ${e.lengthPrefix}`,
        expected: `${e.expectedLength} (or 0x0000)`,
        hint: `The stream is corrupt; ${kept}`,
      });
    case "truncated":
      return new ItchStreamError(init, {
        where,
        what:
          e.type >= 0
            ? `the stream ends ${e.have} bytes into a message of type ${describeTypeByte(e.type)}`
            : `the stream ends ${e.have} byte${e.have === 1 ? "" : "s"} into a message, before its type byte`,
        expected: e.type >= 0 ? `${2 + e.expectedLength} bytes` : "at least 3 bytes",
        hint: `The file is truncated; ${kept}`,
      });
  }
}
