import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeItch,
  ITCH_MESSAGE_LENGTHS,
  ITCH_MESSAGE_TYPES,
  itchMessageSpecs,
  ItchDecoder,
  ItchStreamError,
  type ItchBatch,
  type ItchCounts,
  type ItchMessageType,
} from "../../lib/itch/index.js";
import { itchAddon } from "../../lib/itch/addon.js";
import { packageRoot } from "../../lib/util/package-root.js";
import { encodeMessages, type FieldValue, type ItchMessage } from "../../scripts/itch/encode.js";
import { LAYOUTS } from "../../scripts/itch/layouts.js";
import { referenceFrame } from "../../scripts/itch/ts-decoder.js";

const RITCH = path.join(packageRoot(), "datasets", "itch", "ritch_ex20101224.TEST_ITCH_50");
const tmp = mkdtempSync(path.join(tmpdir(), "omq-itch-decoder-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Decodes `bytes` with every type selected and returns the batches merged per type. */
async function decodeAll(bytes: Uint8Array, chunkSize?: number): Promise<{ counts: ItchCounts; batches: Map<string, ItchBatch[]> }> {
  const batches = new Map<string, ItchBatch[]>();
  const counts = await decodeItch(bytes, {
    ...(chunkSize ? { chunkSize } : {}),
    onBatch: (b) => batches.set(b.type, [...(batches.get(b.type) ?? []), b]),
  });
  return { counts, batches };
}

/** Column `name` of type `type` across batches, as a plain array. */
function column(batches: Map<string, ItchBatch[]>, type: string, name: string): unknown[] {
  return (batches.get(type) ?? []).flatMap((b) => Array.from(b.columns[name] as ArrayLike<unknown>));
}

// ---- hand-built messages -----------------------------------------------------------------------------------------

type Kind = "c" | "u16" | "u32" | "ts" | "u64" | "a";
/** [field, offset from the type byte, width, kind, value]: written out from the TotalView-ITCH 5.0 tables. */
type Spec = [string, number, number, Kind, number | bigint | string];

const HEADER = (locate: number, tracking: number, ts: number): Spec[] => [
  ["stockLocate", 1, 2, "u16", locate],
  ["trackingNumber", 3, 2, "u16", tracking],
  ["timestamp", 5, 6, "ts", ts],
];

const HAND_BUILT: Record<ItchMessageType, Spec[]> = {
  S: [...HEADER(0, 1, 11_000_000_001), ["eventCode", 11, 1, "c", "O"]],
  R: [
    ...HEADER(7, 2, 11_000_000_002),
    ["stock", 11, 8, "a", "AAPL"],
    ["marketCategory", 19, 1, "c", "Q"],
    ["financialStatusIndicator", 20, 1, "c", "N"],
    ["roundLotSize", 21, 4, "u32", 100],
    ["roundLotsOnly", 25, 1, "c", "N"],
    ["issueClassification", 26, 1, "c", "C"],
    ["issueSubType", 27, 2, "a", "Z"],
    ["authenticity", 29, 1, "c", "P"],
    ["shortSaleThresholdIndicator", 30, 1, "c", "N"],
    ["ipoFlag", 31, 1, "c", " "],
    ["luldReferencePriceTier", 32, 1, "c", "1"],
    ["etpFlag", 33, 1, "c", "N"],
    ["etpLeverageFactor", 34, 4, "u32", 3],
    ["inverseIndicator", 38, 1, "c", "Y"],
  ],
  H: [...HEADER(7, 3, 11_000_000_003), ["stock", 11, 8, "a", "AAPL"], ["tradingState", 19, 1, "c", "H"], ["reserved", 20, 1, "c", " "], ["reason", 21, 4, "a", "LUDP"]],
  Y: [...HEADER(7, 4, 11_000_000_004), ["stock", 11, 8, "a", "AAPL"], ["regShoAction", 19, 1, "c", "1"]],
  L: [
    ...HEADER(7, 5, 11_000_000_005),
    ["mpid", 11, 4, "a", "GSCO"],
    ["stock", 15, 8, "a", "AAPL"],
    ["primaryMarketMaker", 23, 1, "c", "Y"],
    ["marketMakerMode", 24, 1, "c", "N"],
    ["marketParticipantState", 25, 1, "c", "A"],
  ],
  V: [...HEADER(0, 6, 11_000_000_006), ["level1", 11, 8, "u64", 123_456_789_012_345n], ["level2", 19, 8, "u64", 223_456_789_012_345n], ["level3", 27, 8, "u64", 323_456_789_012_345n]],
  W: [...HEADER(0, 7, 11_000_000_007), ["breachedLevel", 11, 1, "c", "2"]],
  K: [...HEADER(7, 8, 11_000_000_008), ["stock", 11, 8, "a", "NEWCO"], ["ipoQuotationReleaseTime", 19, 4, "u32", 37_800], ["ipoQuotationReleaseQualifier", 23, 1, "c", "A"], ["ipoPrice", 24, 4, "u32", 250_000]],
  J: [
    ...HEADER(7, 9, 11_000_000_009),
    ["stock", 11, 8, "a", "AAPL"],
    ["auctionCollarReferencePrice", 19, 4, "u32", 1_500_000],
    ["upperAuctionCollarPrice", 23, 4, "u32", 1_650_000],
    ["lowerAuctionCollarPrice", 27, 4, "u32", 1_350_000],
    ["auctionCollarExtension", 31, 4, "u32", 2],
  ],
  h: [...HEADER(7, 10, 11_000_000_010), ["stock", 11, 8, "a", "AAPL"], ["marketCode", 19, 1, "c", "Q"], ["operationalHaltAction", 20, 1, "c", "H"]],
  A: [
    ...HEADER(7, 11, 34_200_000_000_011),
    ["orderRef", 11, 8, "u64", 0x0102030405060708n],
    ["side", 19, 1, "c", "B"],
    ["shares", 20, 4, "u32", 4_000_000_123],
    ["stock", 24, 8, "a", "AAPL"],
    ["price", 32, 4, "u32", 1_501_234],
  ],
  F: [
    ...HEADER(7, 12, 34_200_000_000_012),
    ["orderRef", 11, 8, "u64", 0xfedcba9876543210n],
    ["side", 19, 1, "c", "S"],
    ["shares", 20, 4, "u32", 300],
    ["stock", 24, 8, "a", "AAPL"],
    ["price", 32, 4, "u32", 4_294_967_295],
    ["attribution", 36, 4, "a", "NITE"],
  ],
  E: [...HEADER(7, 13, 34_200_000_000_013), ["orderRef", 11, 8, "u64", 42n], ["executedShares", 19, 4, "u32", 77], ["matchNumber", 23, 8, "u64", 9_007_199_254_740_993n]],
  C: [
    ...HEADER(7, 14, 34_200_000_000_014),
    ["orderRef", 11, 8, "u64", 43n],
    ["executedShares", 19, 4, "u32", 78],
    ["matchNumber", 23, 8, "u64", 1001n],
    ["printable", 31, 1, "c", "N"],
    ["executionPrice", 32, 4, "u32", 1_500_100],
  ],
  X: [...HEADER(7, 15, 34_200_000_000_015), ["orderRef", 11, 8, "u64", 44n], ["cancelledShares", 19, 4, "u32", 55]],
  D: [...HEADER(7, 16, 34_200_000_000_016), ["orderRef", 11, 8, "u64", 45n]],
  U: [...HEADER(7, 17, 34_200_000_000_017), ["originalOrderRef", 11, 8, "u64", 46n], ["newOrderRef", 19, 8, "u64", 47n], ["shares", 27, 4, "u32", 500], ["price", 31, 4, "u32", 1_499_900]],
  P: [
    ...HEADER(7, 18, 34_200_000_000_018),
    ["orderRef", 11, 8, "u64", 0n],
    ["side", 19, 1, "c", "B"],
    ["shares", 20, 4, "u32", 250],
    ["stock", 24, 8, "a", "AAPL"],
    ["price", 32, 4, "u32", 1_500_050],
    ["matchNumber", 36, 8, "u64", 1002n],
  ],
  Q: [...HEADER(7, 19, 57_600_000_000_019), ["shares", 11, 8, "u64", 12_345_678_901n], ["stock", 19, 8, "a", "AAPL"], ["crossPrice", 27, 4, "u32", 1_502_000], ["matchNumber", 31, 8, "u64", 1003n], ["crossType", 39, 1, "c", "C"]],
  B: [...HEADER(7, 20, 57_600_000_000_020), ["matchNumber", 11, 8, "u64", 1002n]],
  I: [
    ...HEADER(7, 21, 57_000_000_000_021),
    ["pairedShares", 11, 8, "u64", 1_000_000n],
    ["imbalanceShares", 19, 8, "u64", 25_000n],
    ["imbalanceDirection", 27, 1, "c", "S"],
    ["stock", 28, 8, "a", "AAPL"],
    ["farPrice", 36, 4, "u32", 1_490_000],
    ["nearPrice", 40, 4, "u32", 1_495_000],
    ["currentReferencePrice", 44, 4, "u32", 1_500_000],
    ["crossType", 48, 1, "c", "C"],
    ["priceVariationIndicator", 49, 1, "c", "1"],
  ],
  N: [...HEADER(7, 22, 34_000_000_000_022), ["stock", 11, 8, "a", "AAPL"], ["interestFlag", 19, 1, "c", "A"]],
  O: [
    ...HEADER(7, 23, 34_000_000_000_023),
    ["stock", 11, 8, "a", "NEWCO"],
    ["openEligibilityStatus", 19, 1, "c", "Y"],
    ["minimumAllowablePrice", 20, 4, "u32", 100_000],
    ["maximumAllowablePrice", 24, 4, "u32", 300_000],
    ["nearExecutionPrice", 28, 4, "u32", 200_000],
    ["nearExecutionTime", 32, 8, "u64", 36_000_000_000_000n],
    ["lowerPriceRangeCollar", 40, 4, "u32", 180_000],
    ["upperPriceRangeCollar", 44, 4, "u32", 220_000],
  ],
};

/** The bytes of one message (prefix included), written field by field with a DataView. */
function handBuild(type: ItchMessageType, specs: Spec[], zeroPrefix = false): Uint8Array {
  const len = ITCH_MESSAGE_LENGTHS[type];
  const out = new Uint8Array(2 + len);
  const v = new DataView(out.buffer);
  v.setUint16(0, zeroPrefix ? 0 : len);
  out[2] = type.charCodeAt(0);
  for (const [, offset, width, kind, value] of specs) {
    const at = 2 + offset;
    if (kind === "c") out[at] = String(value).charCodeAt(0);
    else if (kind === "u16") v.setUint16(at, Number(value));
    else if (kind === "u32") v.setUint32(at, Number(value));
    else if (kind === "ts") {
      v.setUint16(at, Math.floor(Number(value) / 2 ** 32));
      v.setUint32(at + 2, Number(value) % 2 ** 32);
    } else if (kind === "u64") v.setBigUint64(at, BigInt(value));
    else for (let i = 0; i < width; i++) out[at + i] = i < String(value).length ? String(value).charCodeAt(i) : 0x20;
  }
  return out;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe("ITCH 5.0 message layouts", () => {
  it("has the specification's 23 message types with their lengths", () => {
    const specs = itchMessageSpecs();
    expect(specs.map((s) => s.type)).toEqual([...ITCH_MESSAGE_TYPES]);
    for (const s of specs) expect(s.length, s.type).toBe(ITCH_MESSAGE_LENGTHS[s.type]);
  });

  it("agrees field by field with the layouts the generator encodes with", () => {
    for (const s of itchMessageSpecs()) {
      expect(s.fields.map((f) => [f.name, f.offset, f.width, f.kind]), s.type).toEqual(LAYOUTS[s.type].map((f) => [...f]));
    }
  });

  it("covers every byte of every hand-built message with a named field", () => {
    for (const t of ITCH_MESSAGE_TYPES) {
      const names = HAND_BUILT[t].map((s) => s[0]);
      expect(names, t).toEqual(itchMessageSpecs().find((s) => s.type === t)!.fields.map((f) => f.name));
    }
  });
});

describe("decodeItch on hand-built messages", () => {
  for (const type of ITCH_MESSAGE_TYPES) {
    it(`decodes every field of a '${type}' message`, async () => {
      const bytes = handBuild(type, HAND_BUILT[type]);
      const { counts, batches } = await decodeAll(bytes);
      expect(counts.messages).toBe(1);
      expect(counts.byType[type]).toBe(1);
      const batch = batches.get(type)![0]!;
      expect(batch.count).toBe(1);
      expect(Array.from(batch.columns.offset as Float64Array)).toEqual([0]);
      for (const [name, , , kind, value] of HAND_BUILT[type]) {
        const col = batch.columns[name];
        expect(col, `${type}.${name}`).toBeDefined();
        const got = (col as ArrayLike<unknown>)[0];
        if (kind === "c") {
          expect(col).toBeInstanceOf(Uint8Array);
          expect(String.fromCharCode(got as number), `${type}.${name}`).toBe(value);
        } else if (kind === "a") {
          expect(got, `${type}.${name}`).toBe(value);
        } else if (kind === "u64") {
          expect(col).toBeInstanceOf(BigUint64Array);
          expect(got, `${type}.${name}`).toBe(value);
        } else if (kind === "ts") {
          expect(col).toBeInstanceOf(Float64Array);
          expect(got, `${type}.${name}`).toBe(value);
        } else {
          expect(col).toBeInstanceOf(kind === "u16" ? Uint16Array : Uint32Array);
          expect(got, `${type}.${name}`).toBe(value);
        }
      }
    });
  }

  it("decodes all 23 types in one stream, cut into chunks of every size from 1 to 60 bytes", async () => {
    const bytes = concat(ITCH_MESSAGE_TYPES.map((t) => handBuild(t, HAND_BUILT[t])));
    const whole = await decodeAll(bytes);
    for (let size = 1; size <= 60; size++) {
      const d = new ItchDecoder({ types: "AUQ" });
      const got: ItchBatch[] = [];
      for (let at = 0; at < bytes.length; at += size) got.push(...d.push(bytes.subarray(at, at + size)));
      got.push(...d.end());
      expect(d.counts(), `chunk size ${size}`).toEqual(whole.counts);
      expect(got.map((b) => [b.type, b.columns.offset![0]])).toEqual(
        ["A", "U", "Q"].map((t) => [t, whole.batches.get(t)![0]!.columns.offset![0]]),
      );
    }
  });
});

describe("decodeItch on RITCH's sample file", () => {
  const expected = { S: 6, R: 3, H: 3, A: 4997, F: 3, E: 198, X: 45, D: 1745, U: 12, P: 5000 };

  for (const file of [RITCH, `${RITCH}.gz`]) {
    it(`counts 12,012 messages by type in ${path.basename(file)}`, async () => {
      const counts = await decodeItch(file);
      expect(counts.messages).toBe(12_012);
      expect(counts.bytes).toBe(465_048);
      for (const t of ITCH_MESSAGE_TYPES) expect(counts.byType[t], t).toBe(expected[t as keyof typeof expected] ?? 0);
      expect(counts.zeroLengthPrefixes).toBe(12_012);
      expect(counts.notices).toHaveLength(1);
      expect(counts.notices[0]).toMatch(/every length prefix is 0x0000/);
    });
  }

  it("gives the same counts and fields whatever the chunk size", async () => {
    const bytes = readFileSync(RITCH);
    const ref = await decodeAll(bytes);
    for (const chunkSize of [1, 7, 38, 1000, 65_536]) {
      const got = await decodeAll(bytes, chunkSize);
      expect(got.counts).toEqual(ref.counts);
      expect(column(got.batches, "A", "orderRef")).toEqual(column(ref.batches, "A", "orderRef"));
      expect(column(got.batches, "P", "price")).toEqual(column(ref.batches, "P", "price"));
    }
  });

  it("reads the stock directory of the three made-up stocks", async () => {
    const { batches } = await decodeAll(readFileSync(RITCH));
    expect(column(batches, "R", "stock")).toEqual(["ALC", "BOB", "CHAR"]);
    expect(column(batches, "R", "stockLocate")).toEqual([1, 2, 3]);
    expect(column(batches, "R", "roundLotSize")).toEqual([100, 100, 100]);
  });

  it("counts like the plain TypeScript reference decoder", () => {
    const bytes = readFileSync(RITCH);
    const ref = referenceFrame(bytes);
    expect(ref.error).toBeUndefined();
    const d = new ItchDecoder();
    d.push(bytes);
    d.end();
    const counts = d.counts();
    for (const t of ITCH_MESSAGE_TYPES) expect(counts.byType[t]).toBe(ref.counts[t.charCodeAt(0)]);
  });
});

describe("length prefixes", () => {
  it("accepts correct prefixes without a notice", async () => {
    const counts = await decodeItch(concat(ITCH_MESSAGE_TYPES.map((t) => handBuild(t, HAND_BUILT[t]))));
    expect(counts.messages).toBe(23);
    expect(counts.notices).toEqual([]);
  });

  it("says once how many messages had a zero prefix when only some do", async () => {
    const parts = ITCH_MESSAGE_TYPES.map((t, i) => handBuild(t, HAND_BUILT[t], i % 2 === 1));
    const counts = await decodeItch(concat(parts));
    expect(counts.zeroLengthPrefixes).toBe(11);
    expect(counts.notices).toHaveLength(1);
    expect(counts.notices[0]).toContain(`11 of 23 messages have a 0x0000 length prefix (the first at byte offset ${parts[0]!.length})`);
  });
});

describe("truncated and corrupt input", () => {
  const good = concat(ITCH_MESSAGE_TYPES.map((t) => handBuild(t, HAND_BUILT[t])));
  const offsets: number[] = [];
  ITCH_MESSAGE_TYPES.reduce((at, t) => (offsets.push(at), at + 2 + ITCH_MESSAGE_LENGTHS[t]), 0);

  async function failure(bytes: Uint8Array, onBatch?: (b: ItchBatch) => void): Promise<ItchStreamError<ItchCounts>> {
    try {
      await decodeItch(bytes, onBatch ? { onBatch } : {});
    } catch (err) {
      expect(err).toBeInstanceOf(ItchStreamError);
      return err as ItchStreamError<ItchCounts>;
    }
    throw new Error("expected an ItchStreamError");
  }

  it("names the offset and type of a message cut by the end of the stream, keeping the messages before it", async () => {
    const kOffset = offsets[7]!; // 'K'
    const seen: string[] = [];
    const err = await failure(good.subarray(0, kOffset + 10), (b) => seen.push(b.type));
    expect(err.kind).toBe("truncated");
    expect(err.offset).toBe(kOffset);
    expect(err.messageType).toBe("K");
    expect(err.messagesBefore).toBe(7);
    expect(err.partial!.messages).toBe(7);
    expect(seen).toEqual(["S", "R", "H", "Y", "L", "V", "W"]);
    expect(err.message).toBe(
      `ITCH buffer byte offset ${kOffset}: the stream ends 10 bytes into a message of type 'K' (0x4B), expected 30 bytes. The file is truncated; the 7 messages before it were decoded and kept.`,
    );
  });

  it("reports a stream that ends before a message's type byte", async () => {
    const err = await failure(good.subarray(0, offsets[3]! + 2));
    expect(err.kind).toBe("truncated");
    expect(err.offset).toBe(offsets[3]);
    expect(err.messageType).toBeUndefined();
    expect(err.message).toMatch(/the stream ends 2 bytes into a message, before its type byte/);
  });

  it("names an unknown type byte and its offset", async () => {
    const bad = good.slice();
    bad[offsets[12]! + 2] = 0x5a; // 'Z' where 'E' was
    const err = await failure(bad);
    expect(err.kind).toBe("unknown-type");
    expect(err.offset).toBe(offsets[12]);
    expect(err.messageType).toBe("Z");
    expect(err.partial!.messages).toBe(12);
    expect(err.message).toMatch(new RegExp(`^ITCH buffer byte offset ${offsets[12]}: found the type byte 'Z' \\(0x5A\\), which is not an ITCH 5\\.0 message type, expected one of S R H Y L V W K J h A F E C X D U P Q B I N O\\.`));
  });

  it("names a length prefix that does not match the message type", async () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint16(offsets[10]!, 37); // 'A' is 36 bytes
    const err = await failure(bad);
    expect(err.kind).toBe("bad-length");
    expect(err.offset).toBe(offsets[10]);
    expect(err.messageType).toBe("A");
    expect(err.message).toContain("a message of type 'A' (0x41) has the length prefix 37, expected 36 (or 0x0000)");
  });

  it("reports a truncated gzip file after the messages it could decompress", async () => {
    const gz = readFileSync(`${RITCH}.gz`);
    const file = path.join(tmp, "cut.itch.gz");
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    try {
      await decodeItch(file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ItchStreamError);
      const e = err as ItchStreamError<ItchCounts>;
      expect(["gzip", "truncated"]).toContain(e.kind);
      expect(e.partial!.messages).toBeGreaterThan(1000);
      expect(e.message).toContain(file);
    }
  });

  it("says which file is missing", async () => {
    await expect(decodeItch(path.join(tmp, "nope.itch"))).rejects.toThrow(/nope\.itch: the ITCH file does not exist\./);
  });
});

describe("argument checks", () => {
  it("rejects unknown options and a chunk size that is not a positive whole number", async () => {
    await expect(decodeItch(new Uint8Array(0), { chunksize: 10 } as never)).rejects.toThrow(/options has an unknown key 'chunksize'/);
    await expect(decodeItch(new Uint8Array(3), { chunkSize: 0 })).rejects.toThrow(RangeError);
    expect(() => new ItchDecoder({ type: "A" } as never)).toThrow(/unknown key 'type'/);
  });

});

describe("native argument checks", () => {
  it("rejects an unknown message type letter", () => {
    expect(() => new ItchDecoder({ types: "AZ" })).toThrow(TypeError);
    expect(() => new ItchDecoder({ types: "AZ" })).toThrow(/"Z", which is not an ITCH 5.0 message type/);
  });

  it("throws a TypeError for a wrong handle or chunk, never crashes", () => {
    const addon = itchAddon();
    const book = addon.itchBookNew();
    expect(() => addon.itchDecoderPushSync(book as never, new Uint8Array(4))).toThrow(/itchDecoderPushSync: expected an ITCH decoder handle/);
    expect(() => addon.itchDecoderPushSync({} as never, new Uint8Array(4))).toThrow(TypeError);
    const d = addon.itchDecoderNew();
    expect(() => addon.itchDecoderPushSync(d, [1, 2, 3] as never)).toThrow(/chunk must be a Uint8Array \(or Buffer\), found an Array/);
    expect(() => addon.itchDecoderNew("!" as never)).toThrow(RangeError);
    expect(() => addon.itchBookDepth(book, 70_000, 1)).toThrow(RangeError);
  });
});

// ---- properties ----------------------------------------------------------------------------------------------------

const charArb = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const alphaArb = (width: number) =>
  fc.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: 0, maxLength: width }).map((cs) => String.fromCharCode(...cs));

function fieldArb(kind: string, width: number): fc.Arbitrary<FieldValue> {
  switch (kind) {
    case "char":
      return charArb;
    case "u16":
      return fc.integer({ min: 0, max: 0xffff });
    case "u32":
    case "price4":
      return fc.integer({ min: 0, max: 0xffffffff });
    case "timestamp":
      return fc.integer({ min: 0, max: 2 ** 48 - 1 });
    case "alpha":
      return alphaArb(width);
    default:
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
  }
}

const messageArb: fc.Arbitrary<ItchMessage> = fc.constantFrom(...ITCH_MESSAGE_TYPES).chain((type) =>
  fc
    .tuple(...LAYOUTS[type].map(([, , width, kind]) => fieldArb(kind, width)))
    .map((values) => ({ type, fields: Object.fromEntries(LAYOUTS[type].map(([name], i) => [name, values[i]!])) })),
);

describe("decoder properties (fast-check)", () => {
  it("round-trips random message sequences through the generator's encoder, in random chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { minLength: 0, maxLength: 60 }),
        fc.constantFrom<"length" | "zero">("length", "zero"),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        async (msgs, prefix, cuts) => {
          const bytes = encodeMessages(msgs, prefix);
          const d = new ItchDecoder({ types: ITCH_MESSAGE_TYPES.join("") });
          const batches: ItchBatch[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length]!;
            batches.push(...d.push(bytes.subarray(at, at + n)));
            at += n;
          }
          batches.push(...d.end());
          const counts = d.counts();
          expect(counts.messages).toBe(msgs.length);
          expect(counts.zeroLengthPrefixes).toBe(prefix === "zero" ? msgs.length : 0);
          // Rebuild message order from offsets, then compare field by field.
          const decoded: { offset: number; type: string; fields: Record<string, unknown> }[] = [];
          for (const b of batches) {
            for (let r = 0; r < b.count; r++) {
              const fields: Record<string, unknown> = {};
              for (const [name, col] of Object.entries(b.columns)) if (name !== "offset") fields[name] = (col as ArrayLike<unknown>)[r];
              decoded.push({ offset: (b.columns.offset as Float64Array)[r]!, type: b.type, fields });
            }
          }
          decoded.sort((a, b) => a.offset - b.offset);
          expect(decoded.map((m) => m.type)).toEqual(msgs.map((m) => m.type));
          msgs.forEach((m, i) => {
            for (const [name, , , kind] of LAYOUTS[m.type]) {
              const want = m.fields[name];
              const got = decoded[i]!.fields[name];
              if (kind === "char") expect(got).toBe(String(want).charCodeAt(0));
              else if (kind === "alpha") expect(got).toBe(String(want).replace(/ +$/, ""));
              else expect(got).toBe(want);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("stops random corruption with an error at the reference decoder's offset, never crashing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom("flip", "truncate", "insert", "delete"),
        fc.integer({ min: 1, max: 64 }),
        async (msgs, pos, byte, how, chunkSize) => {
          const good = encodeMessages(msgs);
          const at = pos % good.length;
          let bad: Uint8Array;
          if (how === "flip") {
            bad = good.slice();
            bad[at] = byte;
          } else if (how === "truncate") bad = good.slice(0, at);
          else if (how === "insert") bad = concat([good.subarray(0, at), Uint8Array.of(byte), good.subarray(at)]);
          else bad = concat([good.subarray(0, at), good.subarray(at + 1)]);
          const ref = referenceFrame(bad);
          const seen = new Float64Array(256);
          let error: unknown;
          try {
            const counts = await decodeItch(bad, { chunkSize, onBatch: (b) => (seen[b.type.charCodeAt(0)]! += b.count) });
            expect(counts.messages).toBe(ref.messages);
          } catch (err) {
            error = err;
          }
          if (ref.error === undefined) {
            expect(error).toBeUndefined();
          } else {
            expect(error).toBeInstanceOf(ItchStreamError);
            const e = error as ItchStreamError<ItchCounts>;
            expect(e.kind).toBe(ref.error.kind);
            expect(e.offset).toBe(ref.error.offset);
            expect(e.messageType).toBe(ref.error.type >= 0 ? String.fromCharCode(ref.error.type) : undefined);
            expect(e.message).toContain(`byte offset ${ref.error.offset}:`);
            expect(e.partial!.messages).toBe(ref.messages);
          }
          expect(Array.from(seen)).toEqual(Array.from(ref.counts));
        },
      ),
      { numRuns: 300 },
    );
  });
});
