/**
 * ITCH input as a stream of chunks, in bounded memory: a file (plain or gzip, recognised by its magic bytes) or a
 * buffer (plain or gzip). Plain files are read in fixed chunks with the next read already under way while the
 * caller decodes the current one; gzip goes through node:zlib's streaming gunzip.
 *
 * A yielded chunk is only valid until the caller asks for the next one (its memory is reused).
 */
import { open, stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { formatContext } from "../util/errors.js";
import { ItchStreamError } from "./stream-error.js";

export type ItchInput = string | Uint8Array;

/** Default chunk handed to the native decoder: 4 MiB. */
export const DEFAULT_CHUNK_SIZE = 4 << 20;

export interface SourceProgress {
  /** Bytes read from the source so far (compressed bytes for gzip). */
  bytesRead: number;
  /** Size of the source (compressed size for gzip). */
  totalBytes: number;
}

export interface ChunkOptions {
  chunkSize?: number;
  /** Called after each chunk is read, before it is handed on. */
  onRead?: (p: SourceProgress) => void;
}

/** A name for `input` in messages: the file's path, or "ITCH buffer". */
export function sourceName(input: ItchInput): string {
  return typeof input === "string" ? input : "ITCH buffer";
}

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Whether the file or buffer is gzip-compressed (by its first two bytes). */
export async function isGzipInput(input: ItchInput): Promise<boolean> {
  if (typeof input !== "string") return isGzip(input);
  const fh = await openOrThrow(input);
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return isGzip(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Throws the ItchStreamError `itchChunks` would if `path` cannot be opened for reading. */
export async function checkReadable(path: string): Promise<void> {
  await (await openOrThrow(path)).close();
}

async function openOrThrow(path: string) {
  try {
    return await open(path, "r");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ItchStreamError(
      { kind: "read", offset: 0, messagesBefore: 0 },
      {
        where: path,
        what: code === "ENOENT" ? "the ITCH file does not exist" : `the ITCH file cannot be opened (${(cause as Error).message})`,
        cause,
      },
    );
  }
}

/** Yields the decompressed bytes of `input` in chunks. */
export async function* itchChunks(input: ItchInput, opts: ChunkOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 1 << 30) {
    throw new RangeError(formatContext({ where: sourceName(input), what: "chunkSize must be a whole number of bytes from 1 to 2^30", found: String(chunkSize) }));
  }
  if (typeof input !== "string") {
    if (isGzip(input)) {
      yield* gunzipChunks(Readable.from([input]), sourceName(input), input.length, () => input.length, opts);
      return;
    }
    for (let at = 0; at < input.length; at += chunkSize) {
      const end = Math.min(at + chunkSize, input.length);
      opts.onRead?.({ bytesRead: end, totalBytes: input.length });
      yield input.subarray(at, end);
    }
    return;
  }

  const total = (await stat(input).catch(() => ({ size: 0 }))).size;
  if (await isGzipInput(input)) {
    const raw = createReadStream(input, { highWaterMark: 1 << 20 });
    yield* gunzipChunks(raw, input, total, () => raw.bytesRead, opts);
    return;
  }

  // Plain file: two buffers, the next read in flight while the caller works on the current chunk.
  const fh = await openOrThrow(input);
  try {
    const buffers = [new Uint8Array(chunkSize), new Uint8Array(chunkSize)];
    let position = 0;
    const readInto = (b: Uint8Array) =>
      fh.read(b, 0, b.length, position).then((r) => {
        position += r.bytesRead;
        return r.bytesRead;
      });
    let current = 0;
    let pending = readInto(buffers[current]!);
    for (;;) {
      const n = await pending.catch((cause: unknown) => {
        throw new ItchStreamError(
          { kind: "read", offset: position, messagesBefore: 0 },
          { where: `${input} byte offset ${position}`, what: `reading the ITCH file failed (${(cause as Error).message})`, cause },
        );
      });
      if (n === 0) return;
      const chunk = buffers[current]!.subarray(0, n);
      current ^= 1;
      pending = readInto(buffers[current]!);
      opts.onRead?.({ bytesRead: position, totalBytes: total });
      yield chunk;
    }
  } finally {
    await fh.close();
  }
}

async function* gunzipChunks(
  raw: Readable,
  name: string,
  total: number,
  bytesRead: () => number,
  opts: ChunkOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on("error", (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  let out = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      out += chunk.length;
      opts.onRead?.({ bytesRead: bytesRead(), totalBytes: total });
      yield chunk;
    }
  } catch (cause) {
    if (cause instanceof ItchStreamError) throw cause;
    const msg = (cause as Error).message;
    const truncated = /unexpected end of file/i.test(msg);
    throw new ItchStreamError(
      { kind: "gzip", offset: out, messagesBefore: 0 },
      {
        where: `${name} (gzip) after ${out} decompressed bytes`,
        what: truncated ? "the gzip stream is cut short (zlib: unexpected end of file)" : `the gzip stream is corrupt (zlib: ${msg})`,
        hint: "The file is truncated or damaged; the messages in the decompressed bytes before this point were decoded and kept",
        cause,
      },
    );
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}
