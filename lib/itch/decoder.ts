/**
 * Incremental ITCH 5.0 decoding: feed chunks of any size (a message cut between chunks is carried over
 * natively), get message counts and, for the types asked for, every field as typed-array columns, one native
 * call per chunk.
 */
import { formatContext } from "../util/errors.js";
import { itchAddon, type DecoderHandle, type NativeAlphaColumn, type NativeBatch, type NativeFramingStats } from "./addon.js";
import { ITCH_MESSAGE_TYPES, isItchMessageType, type ItchMessageType } from "./messages.js";
import { checkOptions } from "./options.js";
import { frameError, type ItchStreamError } from "./stream-error.js";

/** The decoded messages of one type from one chunk. Column names and kinds: `itchMessageSpecs()`. */
export interface ItchBatch {
  type: ItchMessageType;
  count: number;
  /**
   * `offset` (Float64Array, byte offset of each message's length prefix in the stream) plus one column per field:
   * Uint8Array char codes, Uint16Array / Uint32Array integers and Price(4), Float64Array timestamps (ns since
   * midnight), BigUint64Array 8-byte integers and Price(8), string[] for alphanumeric fields.
   */
  columns: Record<string, Float64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | string[]>;
}

export interface ItchCounts {
  /** Complete messages decoded. */
  messages: number;
  /** Bytes of complete messages (length prefixes included). */
  bytes: number;
  /** Messages per type, every ITCH 5.0 type listed (0 when absent). */
  byType: Record<ItchMessageType, number>;
  /** Messages whose length prefix was 0x0000 (stepped by their type's fixed length). */
  zeroLengthPrefixes: number;
  /** Things worth knowing about the stream, each said once (e.g. zero length prefixes). */
  notices: string[];
}

export interface ItchDecoderOptions {
  /** Message types to decode into columns ("AFEC" or ["A", "F"]); none: count only (fastest). */
  types?: string | readonly string[];
  /** Names the input in errors and notices (default "ITCH stream"). */
  source?: string;
}

/** Parses the `types` option into a string of type letters, rejecting anything that is not an ITCH 5.0 type. */
export function parseTypes(types: string | readonly string[] | undefined, where: string): string | undefined {
  if (types === undefined) return undefined;
  const list = typeof types === "string" ? [...types] : [...types];
  for (const t of list) {
    if (typeof t !== "string" || !isItchMessageType(t)) {
      throw new TypeError(
        formatContext({
          where,
          what: `types contains ${JSON.stringify(t)}, which is not an ITCH 5.0 message type`,
          expected: `letters from ${ITCH_MESSAGE_TYPES.join("")}`,
        }),
      );
    }
  }
  return [...new Set(list)].join("");
}

export function countsFrom(stats: NativeFramingStats, source: string): ItchCounts {
  const byType = {} as Record<ItchMessageType, number>;
  for (const t of ITCH_MESSAGE_TYPES) byType[t] = stats.counts[t.charCodeAt(0)]!;
  const notices: string[] = [];
  const zero = stats.zeroPrefixMessages;
  if (zero > 0) {
    notices.push(
      zero === stats.messages
        ? `${source}: every length prefix is 0x0000 (as in RITCH's sample files); each message was stepped by its type's fixed ITCH 5.0 length.`
        : `${source}: ${zero.toLocaleString("en-US")} of ${stats.messages.toLocaleString("en-US")} messages have a 0x0000 length prefix (the first at byte offset ${stats.firstZeroPrefixOffset}); they were stepped by their type's fixed ITCH 5.0 length.`,
    );
  }
  return { messages: stats.messages, bytes: stats.bytes, byType, zeroLengthPrefixes: zero, notices };
}

/** Native batches with their dictionary-encoded alphanumeric columns expanded into string arrays. */
function toBatches(batches: NativeBatch[] | undefined): ItchBatch[] {
  if (batches === undefined) return [];
  for (const b of batches) {
    const cols = b.columns as Record<string, unknown>;
    for (const [name, col] of Object.entries(cols)) {
      if (ArrayBuffer.isView(col)) continue;
      const { codes, dict } = col as NativeAlphaColumn;
      const strings = new Array<string>(codes.length);
      for (let i = 0; i < codes.length; i++) strings[i] = dict[codes[i]!]!;
      cols[name] = strings;
    }
  }
  return batches as unknown as ItchBatch[];
}

export class ItchDecoder {
  readonly source: string;
  private readonly handle: DecoderHandle;
  private failed: ItchStreamError | undefined;

  constructor(options: ItchDecoderOptions = {}) {
    const opts = checkOptions<ItchDecoderOptions>(options, ["types", "source"], "ItchDecoder");
    this.source = opts.source ?? "ITCH stream";
    this.handle = itchAddon().itchDecoderNew(parseTypes(opts.types, "ItchDecoder"));
  }

  /**
   * Decodes a chunk. Returns the batches of the selected types (none when counting only). A corrupt stream
   * throws an ItchStreamError naming the byte offset; the batches of the messages before it are on `partial`.
   */
  push(chunk: Uint8Array): ItchBatch[] {
    if (this.failed) throw this.failed;
    return this.result(itchAddon().itchDecoderPushSync(this.handle, chunk));
  }

  /** Ends the stream: throws an ItchStreamError if it ends inside a message. */
  end(): ItchBatch[] {
    if (this.failed) throw this.failed;
    return this.result(itchAddon().itchDecoderEndSync(this.handle));
  }

  /** Counts so far. */
  counts(): ItchCounts {
    return countsFrom(itchAddon().itchDecoderStats(this.handle), this.source);
  }

  /** Complete messages decoded so far. */
  get messages(): number {
    return itchAddon().itchDecoderStats(this.handle).messages;
  }

  private result(r: ReturnType<ReturnType<typeof itchAddon>["itchDecoderPushSync"]>): ItchBatch[] {
    if (r === undefined) return [];
    const batches = toBatches(r.batches);
    if (r.error) {
      const err = frameError(this.source, r.error, this.messages);
      err.partial = batches;
      this.failed = err;
      throw err;
    }
    return batches;
  }
}
