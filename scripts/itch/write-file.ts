/** Writes a synthetic ITCH 5.0 day to a file (optionally gzip, as concatenated gzip members) plus its expected books. */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { generateMarket, type ExpectedBooks, type MarketOptions } from "./market.js";

export interface WriteItchOptions extends MarketOptions {
  /** Compress with gzip. */
  gzip?: boolean;
  /** Where to write the expected final books as JSON (none if absent). */
  expectedPath?: string;
}

export function writeItchFile(path: string, opts: WriteItchOptions): ExpectedBooks {
  const fd = openSync(path, "w");
  let expected: ExpectedBooks;
  try {
    expected = generateMarket(opts, (chunk) => {
      const data = opts.gzip ? gzipSync(chunk, { level: 1 }) : chunk;
      let at = 0;
      while (at < data.length) at += writeSync(fd, data, at, data.length - at);
    });
  } finally {
    closeSync(fd);
  }
  if (opts.expectedPath) writeFileSync(opts.expectedPath, `${JSON.stringify(expected)}\n`);
  return expected;
}
