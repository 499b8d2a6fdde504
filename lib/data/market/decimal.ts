/**
 * Exact decimal text -> integer units (ticks, lots, nanoseconds), without going through a float product.
 *
 * A step such as a tick size is held as `divisor * 10^-digits` with an integer `divisor` (0.01 -> 1e-2 * 1,
 * 0.5 -> 1e-1 * 5, 25 -> 1e0 * 25). A value is read digit by digit as an integer count of 10^-digits, then divided
 * by `divisor`, which must divide it exactly. "61737.63000000" at 0.01 is 6173763; "0.015" at 0.01 is an error
 * (not a multiple of the step), where `Math.round(0.015 / 0.01)` would silently give 2 (or 1, depending on rounding).
 *
 * Accepted text: an optional sign, digits, and an optional '.' followed by digits ("12", "-0.5", "61737.63000000",
 * ".5" and "5." are accepted too). Decimals beyond the step's precision must be zeros. No exponents, spaces or
 * thousands separators.
 */
import { contextError } from "../../util/errors.js";

/** A step (tick size, lot size, time unit) as `divisor * 10^-digits`. */
export interface DecimalScale {
  /** Number of decimal digits of the step (0.01 -> 2, 0.5 -> 1, 25 -> 0). */
  readonly digits: number;
  /** The step in units of 10^-digits, a positive integer (0.01 -> 1, 0.5 -> 5, 25 -> 25). */
  readonly divisor: number;
  /** The step as canonical decimal text ("0.01"). */
  readonly text: string;
}

const MAX_DIGITS = 18;

/**
 * The scale of a step given as a number (its shortest round-trip text is taken: 0.1 is "0.1", not
 * 0.1000000000000000055...) or as decimal text. Throws unless the step is a positive finite decimal.
 */
export function decimalScale(step: number | string, what = "step"): DecimalScale {
  let text = typeof step === "number" ? numberText(step) : step.trim();
  const m = /^\+?(\d*)(?:\.(\d*))?$/.exec(text);
  if (m === null || (m[1] === "" && (m[2] ?? "") === "")) {
    throw contextError({ what: `the ${what} '${String(step)}' is not a decimal number`, expected: "a positive decimal such as 0.01" });
  }
  const frac = (m[2] ?? "").replace(/0+$/, "");
  const intPart = m[1]!.replace(/^0+/, "");
  const digits = frac.length;
  if (digits > MAX_DIGITS) {
    throw contextError({ what: `the ${what} ${text} has ${digits} decimals`, expected: `at most ${MAX_DIGITS}` });
  }
  const divisor = Number(`${intPart}${frac}` || "0");
  if (!(divisor > 0) || !Number.isSafeInteger(divisor)) {
    throw contextError({ what: `the ${what} is ${text}`, expected: "a positive step with at most 15 significant digits" });
  }
  text = digits === 0 ? intPart : `${intPart || "0"}.${frac}`;
  return Object.freeze({ digits, divisor, text });
}

/** The step back as a number (nearest double), e.g. for `InstrumentSpec.tickSize`. */
export function scaleValue(scale: DecimalScale): number {
  return Number(scale.text);
}

/** The scale 10^-digits (the finest step that `digits` decimals can express). */
export function scaleOfDigits(digits: number): DecimalScale {
  return decimalScale(digits === 0 ? "1" : `0.${"0".repeat(digits - 1)}1`);
}

/** Shortest decimal text of a finite positive number, without exponent notation. */
function numberText(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const s = String(x);
  const e = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (e === null) return s;
  const digits = `${e[1]}${e[2] ?? ""}`;
  const exp = Number(e[3]) - (e[2]?.length ?? 0);
  if (exp >= 0) return digits + "0".repeat(exp);
  const point = digits.length + exp;
  return point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${"0".repeat(-point)}${digits}`;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Fast path: `text` in units of 10^-digits / divisor as a safe integer number, or NaN when the text is not a
 * decimal, has non-zero decimals beyond `digits`, is not a multiple of the step, or does not fit in 2^53 - 1.
 * Use `parseUnits` for the bigint result and an error that says which of these it was.
 */
export function unitsOrNaN(text: string, digits: number, divisor: number): number {
  return unitsInRange(text, 0, text.length, digits, divisor);
}

/** `unitsOrNaN` of the characters [start, end) of `text`, without cutting a substring out of it. */
export function unitsInRange(text: string, start: number, end: number, digits: number, divisor: number): number {
  let i = start;
  let neg = false;
  if (end <= start) return NaN;
  let c = text.charCodeAt(i);
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let acc = 0;
  let seen = 0;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    acc = acc * 10 + (c - 48);
    seen++;
  }
  let frac = 0;
  if (i < end) {
    if (c !== 46) return NaN;
    for (i++; i < end; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) return NaN;
      seen++;
      if (frac < digits) {
        acc = acc * 10 + (c - 48);
        frac++;
      } else if (c !== 48) return NaN;
    }
  }
  if (seen === 0) return NaN;
  for (; frac < digits; frac++) acc *= 10;
  // Every intermediate is <= the final value, so if the final value is a safe integer all steps were exact;
  // if not, rounding is monotone and the computed value is >= 2^53 too.
  if (acc > MAX_SAFE) return NaN;
  if (divisor !== 1) {
    if (acc % divisor !== 0) return NaN;
    acc /= divisor;
  }
  return neg && acc !== 0 ? -acc : acc;
}

/** Why `text` does not convert at `scale`, or null when it does (then `value` holds the units). */
export function explainUnits(text: string, scale: DecimalScale): { reason: string; value?: undefined } | { reason: null; value: bigint } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) return { reason: "is not a decimal number" };
  const frac = m[3] ?? "";
  const kept = frac.slice(0, scale.digits).padEnd(scale.digits, "0");
  if (/[^0]/.test(frac.slice(scale.digits))) return { reason: `has more decimals than the step ${scale.text} allows` };
  const raw = BigInt(`${m[2] || "0"}${kept}`);
  const divisor = BigInt(scale.divisor);
  if (raw % divisor !== 0n) return { reason: `is not a multiple of the step ${scale.text}` };
  const value = (m[1] === "-" ? -raw : raw) / divisor;
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) return { reason: "does not fit in a signed 64-bit integer of steps" };
  return { reason: null, value };
}

/**
 * `text` as an exact bigint count of `scale` steps. Throws an error naming `where` and `field`, the text, and the
 * reason (not a number, too many decimals, not a multiple of the step, out of int64 range).
 */
export function parseUnits(text: string, scale: DecimalScale, where?: string, field = "value"): bigint {
  const fast = unitsOrNaN(text, scale.digits, scale.divisor);
  if (fast === fast) return BigInt(fast);
  const r = explainUnits(text, scale);
  if (r.reason === null) return r.value;
  throw contextError({
    ...(where === undefined ? {} : { where }),
    what: `${field} '${text.length > 40 ? `${text.slice(0, 40)}...` : text}' ${r.reason}`,
    expected: `a decimal multiple of ${scale.text}`,
  });
}

/** Number of significant decimals of decimal text ("61737.63000000" -> 2, "100" -> 0). */
export function significantDecimals(text: string): number {
  const dot = text.indexOf(".");
  if (dot < 0) return 0;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--;
  return end - dot - 1;
}
