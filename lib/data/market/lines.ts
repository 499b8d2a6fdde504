/**
 * Streaming text-line reader for the converters: plain or gzip files (detected from the magic bytes, not the
 * name), read in 1 MiB chunks, with a progress callback. Lines are split on '\n'; a trailing '\r' is dropped.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { contextError } from "../../util/errors.js";

/** Progress of a conversion: compressed bytes read of the file so far, its size, and lines seen. */
export interface Progress {
  bytesRead: number;
  totalBytes: number;
  lines: number;
}
export type ProgressCallback = (p: Progress) => void;

/** True when the file starts with the gzip magic bytes 1f 8b. */
export function isGzip(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function checkFile(file: string): number {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error("not a regular file");
    return st.size;
  } catch (cause) {
    throw contextError({ what: `cannot read ${file}`, expected: "an existing file", cause });
  }
}

/**
 * Calls `onLine(line, lineNo)` for every line (1-based numbers; a final empty line after the last '\n' is not
 * reported). `onLine` returning `false` stops early. Progress is reported once per chunk and at the end.
 */
export async function forEachLine(
  file: string,
  onLine: (line: string, lineNo: number) => boolean | void,
  onProgress?: ProgressCallback,
): Promise<void> {
  const totalBytes = checkFile(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  raw.on("data", (chunk) => (bytesRead += chunk.length));
  const source = isGzip(file) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  if (source !== raw) raw.on("error", (e) => source.destroy(e));
  let lineNo = 0;
  let rest: Buffer | null = null;
  let stopped = false;
  let lineError: { error: unknown } | null = null;
  const emit = (buf: Buffer, start: number, end: number): boolean => {
    if (end > start && buf[end - 1] === 13) end--;
    try {
      return onLine(buf.toString("utf8", start, end), ++lineNo) !== false;
    } catch (error) {
      lineError = { error };
      throw error;
    }
  };
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let buf = chunk;
      if (rest !== null) {
        buf = Buffer.concat([rest, chunk]);
        rest = null;
      }
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        if (!emit(buf, start, nl)) {
          stopped = true;
          break;
        }
        start = nl + 1;
      }
      if (stopped) break;
      if (start < buf.length) rest = Buffer.from(buf.subarray(start));
      onProgress?.({ bytesRead, totalBytes, lines: lineNo });
    }
    if (!stopped && rest !== null && rest.length > 0) emit(rest, 0, rest.length);
  } catch (cause) {
    if (lineError !== null) throw (lineError as { error: unknown }).error;
    throw contextError({ what: `could not read ${file} after line ${lineNo} (${cause instanceof Error ? cause.message : String(cause)})`, cause });
  } finally {
    raw.destroy();
    source.destroy();
  }
  onProgress?.({ bytesRead: stopped ? bytesRead : totalBytes, totalBytes, lines: lineNo });
}

/** The first `max` lines of a (possibly gzipped) file. */
export async function headLines(file: string, max: number): Promise<string[]> {
  const out: string[] = [];
  await forEachLine(file, (line) => {
    out.push(line);
    return out.length < max;
  });
  return out;
}
