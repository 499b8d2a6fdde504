/**
 * Exact cash accounting for the bar engine. Every fill's cash flow and fee is rounded once to an integer number
 * of micro-units of quote currency (1e-6, half away from zero, so a buy and a sell of the same notional cancel
 * exactly) and summed in a bigint: the cash balance never drifts however many fills there are, and reconciles
 * exactly with the fills table. Valuations (positions at the close) are computed fresh each bar in float and never
 * accumulated.
 */

/** Micro-units per unit of quote currency. */
export const MICROS = 1_000_000;

/** Rounds an amount of currency to integer micro-units, half away from zero. */
export function toMicros(amount: number): bigint {
  if (!Number.isFinite(amount)) throw new RangeError(`toMicros: the amount must be finite, found ${amount}.`);
  const m = Math.round(Math.abs(amount) * MICROS);
  return BigInt(amount < 0 ? -m : m);
}

/** Converts micro-units back to currency (exact below 2^53 micro-units, i.e. about 9 billion). */
export function fromMicros(micros: bigint): number {
  const whole = micros / 1_000_000n;
  const frac = micros - whole * 1_000_000n;
  return Number(whole) + Number(frac) / MICROS;
}
