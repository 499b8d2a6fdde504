import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimalScale, explainUnits, parseUnits, significantDecimals, unitsOrNaN } from "./decimal.js";

/** Reference: decimal text of `units * divisor * 10^-digits`, built with bigint string arithmetic only. */
function textOf(units: bigint, digits: number, divisor: number, extraZeros: number): string {
  const raw = units * BigInt(divisor);
  const neg = raw < 0n;
  const abs = (neg ? -raw : raw).toString().padStart(digits + 1, "0");
  const int = abs.slice(0, abs.length - digits);
  const frac = abs.slice(abs.length - digits) + "0".repeat(extraZeros);
  return `${neg ? "-" : ""}${int}${frac.length > 0 ? `.${frac}` : ""}`;
}

describe("exact decimal parsing into integer steps", () => {
  it("reads decimal text back to the integer it was written from, for any step and padding", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(1, 2, 5, 25, 10, 3),
        fc.integer({ min: 0, max: 6 }),
        (units, digits, divisor, extra) => {
          const text = textOf(units, digits, divisor, extra);
          const raw = units * BigInt(divisor);
          if (raw > 2n ** 63n - 1n || raw < -(2n ** 63n)) return;
          const scale = decimalScale(textOf(1n, digits, divisor, 0));
          if (divisor % 10 !== 0) expect(scale).toMatchObject({ digits, divisor });
          expect(parseUnits(text, scale)).toBe(units);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("agrees with its slow bigint explanation on arbitrary strings (fast path = slow path when safe)", () => {
    const alphabet = fc.constantFrom(..."01234567890123456789..-+e x".split(""));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 20 }).map((a) => a.join("")), fc.integer({ min: 0, max: 9 }), fc.constantFrom(1, 2, 5), (text, digits, divisor) => {
        const scale = decimalScale(textOf(1n, digits, divisor, 0));
        const fast = unitsOrNaN(text, scale.digits, scale.divisor);
        const slow = explainUnits(text, scale);
        if (!Number.isNaN(fast)) {
          expect(slow.reason).toBeNull();
          expect(slow.value).toBe(BigInt(fast));
        } else if (slow.reason === null) {
          // the fast path only gives up on values whose count of 10^-digits is beyond 2^53 - 1
          const v = slow.value < 0n ? -slow.value : slow.value;
          expect(v * BigInt(scale.divisor) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("gets right what float multiplication gets wrong", () => {
    const cent = decimalScale(0.01);
    // 0.29 / 0.01 = 28.999999999999996 and 4.35 * 100 = 434.99999999999994 in doubles
    expect(Math.floor(0.29 / 0.01)).toBe(28);
    expect(parseUnits("0.29", cent)).toBe(29n);
    expect(Math.trunc(4.35 * 100)).toBe(434);
    expect(parseUnits("4.35", cent)).toBe(435n);
    expect(parseUnits("61737.63000000", cent)).toBe(6173763n);
    // beyond 2^53 the bigint path is exact too
    expect(parseUnits("92233720368547758.07", cent)).toBe(9223372036854775807n);
    expect(parseUnits("-0.00", cent)).toBe(0n);
  });

  it("says why a value does not convert, naming where and which field", () => {
    const cent = decimalScale("0.01");
    expect(() => parseUnits("0.015", cent, "f.csv line 3", "price")).toThrow(
      "f.csv line 3: price '0.015' has more decimals than the step 0.01 allows, expected a decimal multiple of 0.01.",
    );
    expect(() => parseUnits("6421.3", decimalScale(0.5), "f.csv line 4", "price")).toThrow("is not a multiple of the step 0.5");
    expect(() => parseUnits("1e-5", cent, "w", "qty")).toThrow("w: qty '1e-5' is not a decimal number");
    expect(() => parseUnits("", cent)).toThrow("is not a decimal number");
    expect(() => parseUnits("99999999999999999999", cent)).toThrow("does not fit in a signed 64-bit integer");
  });

  it("reads steps given as numbers or text", () => {
    expect(decimalScale(0.1)).toMatchObject({ digits: 1, divisor: 1, text: "0.1" });
    expect(decimalScale(0.00001)).toMatchObject({ digits: 5, divisor: 1, text: "0.00001" });
    expect(decimalScale(1e-8)).toMatchObject({ digits: 8, divisor: 1, text: "0.00000001" });
    expect(decimalScale("0.50")).toMatchObject({ digits: 1, divisor: 5, text: "0.5" });
    expect(decimalScale(25)).toMatchObject({ digits: 0, divisor: 25, text: "25" });
    expect(() => decimalScale(0)).toThrow("expected a positive step");
    expect(() => decimalScale("abc", "tickSize")).toThrow("the tickSize 'abc' is not a decimal number");
    expect(significantDecimals("61737.63000000")).toBe(2);
    expect(significantDecimals("100")).toBe(0);
    expect(significantDecimals("0.000100")).toBe(4);
  });
});
