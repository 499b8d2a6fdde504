/**
 * decodeItch: decodes a whole ITCH 5.0 file or buffer (plain or gzip) in bounded memory and returns the message
 * counts; with `onBatch`, hands over every message of the selected types as typed-array columns, chunk by chunk.
 */
import { ItchDecoder, parseTypes, type ItchBatch, type ItchCounts } from "./decoder.js";
import { ITCH_MESSAGE_TYPES } from "./messages.js";
import { checkOptions } from "./options.js";
import { ItchStreamError } from "./stream-error.js";
import { itchChunks, sourceName, type ItchInput } from "./source.js";

export interface ItchProgress {
  /** Bytes read from the source (compressed bytes for gzip). */
  bytesRead: number;
  totalBytes: number;
  /** Complete messages decoded so far. */
  messages: number;
}

export interface DecodeItchOptions {
  /** Receives the decoded messages of each selected type, one batch per type per chunk. */
  onBatch?: (batch: ItchBatch) => void;
  /** Types to decode for onBatch ("AFECXDU" or ["A", "E"]); default every type when onBatch is given. */
  types?: string | readonly string[];
  /** Bytes per native call (default 4 MiB). */
  chunkSize?: number;
  /** Called after each chunk. */
  onProgress?: (p: ItchProgress) => void;
}

/**
 * Decodes `input` (a path or bytes; gzip is recognised by its magic bytes). Returns the counts per type with the
 * stream's notices (e.g. zero length prefixes). A truncated or corrupt stream throws an ItchStreamError naming
 * the byte offset and the type byte found; `onBatch` has received every message before it and `err.partial`
 * holds their counts.
 */
export async function decodeItch(input: ItchInput, options: DecodeItchOptions = {}): Promise<ItchCounts> {
  const opts = checkOptions<DecodeItchOptions>(options, ["onBatch", "types", "chunkSize", "onProgress"], "decodeItch");
  const source = sourceName(input);
  const types = parseTypes(opts.types, "decodeItch");
  const decoder = new ItchDecoder({ source, types: opts.onBatch ? (types ?? ITCH_MESSAGE_TYPES.join("")) : undefined });
  const deliver = (batches: ItchBatch[]) => {
    if (opts.onBatch) for (const b of batches) opts.onBatch(b);
  };
  let progress = { bytesRead: 0, totalBytes: 0 };
  try {
    for await (const chunk of itchChunks(input, { chunkSize: opts.chunkSize, onRead: (p) => (progress = p) })) {
      deliver(decoder.push(chunk));
      opts.onProgress?.({ ...progress, messages: decoder.messages });
    }
    deliver(decoder.end());
  } catch (err) {
    if (err instanceof ItchStreamError) {
      if (Array.isArray(err.partial)) deliver(err.partial as ItchBatch[]);
      const counts = decoder.counts();
      err.messagesBefore = counts.messages;
      err.partial = counts;
    }
    throw err;
  }
  return decoder.counts();
}
