import jStat from "jstat";

/** The standard normal CDF (jStat). */
export function normalCdf(x: number): number {
  return jStat.normal.cdf(x, 0, 1);
}
