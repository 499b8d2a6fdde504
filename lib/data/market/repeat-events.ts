/**
 * `repeatEvents(ev, n)`: n copies of a set one after another, each shifted in time by the set's span (plus a gap),
 * e.g. to stretch a 6-minute BTCUSDT capture to the 50M events of the replay benchmark. `repeatEventChunks` yields
 * the copies one at a time, so a consumer that takes batches never holds more than one copy.
 *
 * Copy c (0-based) has exchTs + c * shift and localTs + c * shift, with shift = max(localTs span, exchTs span)
 * + gapNs, so both clocks keep increasing from one copy to the next. L3 order ids (non-zero) become
 * id + c * (max id + 1), so copies never share an order; 0 stays 0.
 */
import { endianness } from "node:os";
import { contextError } from "../../util/errors.js";
import type { MarketEvents } from "./events.js";
import { allocEvents } from "./slice-events.js";

export interface RepeatOptions {
  /** Time between the end of one copy and the start of the next, ns (default 1 ms). */
  gapNs?: bigint;
  /** Shift non-zero order ids per copy (default true). */
  shiftOrderIds?: boolean;
}

/** The time shift between consecutive copies: max(localTs span, exchTs span) + gapNs. */
export function repeatShift(ev: MarketEvents, gapNs = 1_000_000n): bigint {
  if (gapNs < 0n) throw contextError({ where: "repeatEvents", what: `gapNs is ${gapNs}`, expected: "a gap >= 0 ns" });
  const n = ev.kind.length;
  if (n === 0) return gapNs;
  let emin = ev.exchTs[0]!;
  let emax = emin;
  for (let i = 1; i < n; i++) {
    const e = ev.exchTs[i]!;
    if (e < emin) emin = e;
    if (e > emax) emax = e;
  }
  const local = ev.localTs[n - 1]! - ev.localTs[0]!;
  const exch = emax - emin;
  return (local > exch ? local : exch) + gapNs;
}

const LITTLE_ENDIAN = endianness() === "LE";

/** dst[i] = src[i] + shift for 64-bit integers, via 32-bit halves (no bigint per element). */
function addShift(src: BigInt64Array, dst: BigInt64Array, offset: number, shift: bigint): void {
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < src.length; i++) dst[offset + i] = src[i]! + shift;
    return;
  }
  const s = BigInt.asUintN(64, shift);
  const sLo = Number(s & 0xffffffffn);
  const sHi = Number(s >> 32n);
  const a = new Uint32Array(src.buffer, src.byteOffset, src.length * 2);
  const b = new Uint32Array(dst.buffer, dst.byteOffset + offset * 8, src.length * 2);
  for (let i = 0; i < a.length; i += 2) {
    const lo = a[i]! + sLo;
    b[i] = lo; // wraps mod 2^32
    b[i + 1] = a[i + 1]! + sHi + (lo > 0xffffffff ? 1 : 0);
  }
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw contextError({ where: "repeatEvents", what: `the number of copies is ${n}`, expected: "an integer >= 0" });
}

/** Refuses copies whose times would leave the int64 range. */
function checkRange(ev: MarketEvents, n: number, shift: bigint): void {
  if (n < 2 || ev.kind.length === 0) return;
  let max = ev.localTs[ev.localTs.length - 1]!;
  for (let i = 0; i < ev.exchTs.length; i++) if (ev.exchTs[i]! > max) max = ev.exchTs[i]!;
  for (let i = 0; i < ev.localTs.length; i++) if (ev.localTs[i]! > max) max = ev.localTs[i]!;
  if (max + BigInt(n - 1) * shift > 0x7fffffffffffffffn) {
    throw contextError({ where: "repeatEvents", what: `${n} copies shifted by ${shift} ns take the times past 2^63 - 1 ns` });
  }
}

/** Copy `c` of `ev` written into `out` at row `offset`. */
function writeCopy(ev: MarketEvents, out: MarketEvents, offset: number, c: number, shift: bigint, idStep: bigint): void {
  const n = ev.kind.length;
  const dt = shift * BigInt(c);
  addShift(ev.exchTs, out.exchTs, offset, dt);
  addShift(ev.localTs, out.localTs, offset, dt);
  out.kind.set(ev.kind, offset);
  out.side.set(ev.side, offset);
  out.price.set(ev.price, offset);
  out.qty.set(ev.qty, offset);
  out.instrument.set(ev.instrument, offset);
  if (idStep === 0n || c === 0) out.orderId.set(ev.orderId, offset);
  else {
    const add = idStep * BigInt(c);
    for (let i = 0; i < n; i++) {
      const id = ev.orderId[i]!;
      out.orderId[offset + i] = id === 0n ? 0n : id + add;
    }
  }
}

function idStepOf(ev: MarketEvents, shift: boolean, copies: number): bigint {
  if (!shift) return 0n;
  let max = 0n;
  for (let i = 0; i < ev.orderId.length; i++) if (ev.orderId[i]! > max) max = ev.orderId[i]!;
  if (max === 0n) return 0n;
  if ((max + 1n) * BigInt(copies) > 0xffffffffffffffffn) {
    throw contextError({ where: "repeatEvents", what: `order ids up to ${max} repeated ${copies} times overflow 64 bits`, hint: "Pass { shiftOrderIds: false }" });
  }
  return max + 1n;
}

/**
 * Yields the n copies one at a time. With `reuse: true` every copy is written into the same arrays (the previous
 * copy is overwritten when the next is asked for): constant memory for streaming consumers.
 */
export function* repeatEventChunks(ev: MarketEvents, n: number, opts: RepeatOptions & { reuse?: boolean } = {}): Generator<MarketEvents, void, undefined> {
  checkCount(n);
  const shift = repeatShift(ev, opts.gapNs);
  checkRange(ev, n, shift);
  const idStep = idStepOf(ev, opts.shiftOrderIds ?? true, n);
  let buf: MarketEvents | null = null;
  for (let c = 0; c < n; c++) {
    const out: MarketEvents = opts.reuse && buf !== null ? buf : allocEvents(ev.kind.length, ev.instruments.map((s) => ({ ...s })));
    buf = out;
    writeCopy(ev, out, 0, c, shift, idStep);
    yield out;
  }
}

/** The n copies in one set (n * rows rows: about 44 bytes per row, so 50M rows take 2.2 GB). */
export function repeatEvents(ev: MarketEvents, n: number, opts: RepeatOptions = {}): MarketEvents {
  checkCount(n);
  const rows = ev.kind.length * n;
  if (rows > 2 ** 32 - 1) {
    throw contextError({ where: "repeatEvents", what: `${n} copies of ${ev.kind.length} rows make ${rows} rows`, expected: "at most 2^32 - 1", hint: "Use repeatEventChunks" });
  }
  const shift = repeatShift(ev, opts.gapNs);
  checkRange(ev, n, shift);
  const idStep = idStepOf(ev, opts.shiftOrderIds ?? true, n);
  const out = allocEvents(rows, ev.instruments.map((s) => ({ ...s })));
  for (let c = 0; c < n; c++) writeCopy(ev, out, c * ev.kind.length, c, shift, idStep);
  return out;
}
