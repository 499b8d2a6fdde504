/**
 * ITCH prices are fixed point: Price(4) integers count 1e-4 dollars, Price(8) (MWCB levels) 1e-8 dollars.
 * OmniQuant keeps them as integers everywhere and converts only to display.
 */

/** Price(4) units per dollar. */
export const PRICE4_SCALE = 10_000;

/** A Price(4) integer in dollars (for display; 1234500 -> 123.45). */
export function priceToDollars(price4: number): number {
  return price4 / PRICE4_SCALE;
}

/** A Price(4) integer as a dollar string with its four decimals: 1234500 -> "123.4500". */
export function formatPrice(price4: number): string {
  const whole = Math.floor(price4 / PRICE4_SCALE);
  const frac = price4 - whole * PRICE4_SCALE;
  return `${whole}.${String(frac).padStart(4, "0")}`;
}

/** Dollars to the nearest Price(4) integer: 123.45 -> 1234500. */
export function dollarsToPrice(dollars: number): number {
  return Math.round(dollars * PRICE4_SCALE);
}
