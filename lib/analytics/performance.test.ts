import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  annualVolatility,
  cagr,
  calmarRatio,
  downsideRisk,
  drawdown,
  equityFromReturns,
  hitRate,
  maxDrawdown,
  returnsFromEquity,
  sharpeRatio,
  sortinoRatio,
  summarizePerformance,
  totalReturn,
  turnover,
  weightTurnover,
} from "./performance.js";

// The fixtures and expected values of empyrical's own test suite (empyrical/tests/test_stats.py, TestStats),
// asserted there to 8 decimal places. Weekly fixtures annualise with 52 periods, monthly with 12.
const pct = (xs: number[]) => xs.map((x) => x / 100);
const mixed = pct([NaN, 1, 10, -4, 2, 3, 2, 1, -10]);
const positive = pct([1, 2, 1, 1, 1, 1, 1, 1, 1]);
const negative = pct([0, -6, -7, -1, -9, -2, -6, -8, -5]);
const simpleBenchmark = pct([0, 1, 0, 1, 0, 1, 0, 1, 0]);
const weekly = pct([0, 1, 10, -4, 2, 3, 2, 1, -10]);
const monthly = weekly;
const oneReturn = [0.01];
const empty: number[] = [];
const flatLine = new Array<number>(1000).fill(0.01);
const dfOne = [-0.00171614, 0.01322056, 0.03063862, -0.01422057, -0.00489779, 0.01268925, -0.03357711, 0.01797036];
const dfTwo = [0.01846232, 0.00793951, -0.01448395, 0.00422537, -0.00339611, 0.03756813, 0.0151531, 0.03549769];
const DAILY = { periodsPerYear: 252 };
const WEEKLY = { periodsPerYear: 52 };
const MONTHLY = { periodsPerYear: 12 };
const close8 = (a: number, b: number) => (Number.isFinite(b) ? expect(a).toBeCloseTo(b, 8) : expect(a).toBe(b));

describe("performance statistics against empyrical's published test values", () => {
  it("max drawdown (empyrical's value is the negative of ours)", () => {
    expect(maxDrawdown(empty)).toBeNaN();
    close8(maxDrawdown(oneReturn), 0);
    close8(maxDrawdown(simpleBenchmark), 0);
    close8(maxDrawdown(mixed), 0.1);
    close8(maxDrawdown(positive), 0);
    close8(maxDrawdown(negative), 0.36590730349873601);
    close8(maxDrawdown(pct([10, -10, 10])), 0.1);
  });

  it("annual return (CAGR), counting NaN periods like empyrical", () => {
    close8(cagr(mixed, DAILY), 1.9135925373194231);
    close8(cagr(weekly, WEEKLY), 0.24690830513998208);
    close8(cagr(monthly, MONTHLY), 0.052242061386048144);
  });

  it("annual volatility with ddof 1", () => {
    close8(annualVolatility(flatLine, DAILY), 0);
    close8(annualVolatility(mixed, DAILY), 0.9136465399704637);
    close8(annualVolatility(weekly, WEEKLY), 0.38851569394870583);
    close8(annualVolatility(monthly, MONTHLY), 0.18663690238892558);
  });

  it("Calmar ratio", () => {
    expect(calmarRatio(empty, DAILY)).toBeNaN();
    expect(calmarRatio(oneReturn, DAILY)).toBeNaN();
    close8(calmarRatio(mixed, DAILY), 19.135925373194233);
    close8(calmarRatio(weekly, WEEKLY), 2.4690830513998208);
    close8(calmarRatio(monthly, MONTHLY), 0.52242061386048144);
  });

  it("Sharpe ratio", () => {
    expect(sharpeRatio(empty)).toBeNaN();
    expect(sharpeRatio(oneReturn)).toBeNaN();
    close8(sharpeRatio(mixed), 1.7238613961706866);
    close8(sharpeRatio(positive), 52.915026221291804);
    close8(sharpeRatio(negative), -24.406808633910085);
  });

  it("downside risk", () => {
    expect(downsideRisk(empty)).toBeNaN();
    close8(downsideRisk(oneReturn), 0);
    close8(downsideRisk(mixed, { requiredReturn: 0 }), 0.60448325038829653);
    close8(downsideRisk(mixed, { requiredReturn: 0.1 }), 1.7161730681956295);
    close8(downsideRisk(weekly, { ...WEEKLY, requiredReturn: 0 }), 0.25888650451930134);
    close8(downsideRisk(weekly, { ...WEEKLY, requiredReturn: 0.1 }), 0.7733045971672482);
    close8(downsideRisk(monthly, { ...MONTHLY, requiredReturn: 0 }), 0.1243650540411842);
    close8(downsideRisk(monthly, { ...MONTHLY, requiredReturn: 0.1 }), 0.37148351242013422);
    close8(downsideRisk(dfOne), 0.20671788246185202);
    close8(downsideRisk(dfTwo), 0.083495680595704475);
  });

  it("Sortino ratio", () => {
    expect(sortinoRatio(empty)).toBeNaN();
    expect(sortinoRatio(oneReturn)).toBeNaN();
    close8(sortinoRatio(mixed), 2.605531251673693);
    expect(sortinoRatio(positive)).toBe(Infinity);
    close8(sortinoRatio(negative), -13.532743075043401);
    expect(sortinoRatio(simpleBenchmark)).toBe(Infinity);
    // Values of later empyrical releases (older ones annualised the downside deviation with 252 whatever the period
    // and published 0.5069 and 0.1170 here).
    close8(sortinoRatio(weekly, WEEKLY), 1.1158901056866439);
    close8(sortinoRatio(monthly, MONTHLY), 0.53605626741889756);
    close8(sortinoRatio(dfOne), 3.0639640966566306);
    close8(sortinoRatio(dfTwo), 38.090963117002495);
  });

  it("cumulative return, as empyrical's cum_returns_final", () => {
    expect(totalReturn(empty)).toBeNaN();
    expect(totalReturn(mixed)).toBeCloseTo(0.0389310, 6);
    expect(totalReturn(negative)).toBeCloseTo(-0.36590, 4);
  });
});

describe("performance statistics on hand-worked examples", () => {
  it("Sharpe of two returns: mean 0.02, sample std 0.01 * sqrt(2), annualised by sqrt(252)", () => {
    // (0.02 / (0.01 * sqrt 2)) * sqrt 252 = sqrt(2) * sqrt(252) = sqrt(504)
    expect(sharpeRatio([0.01, 0.03])).toBeCloseTo(Math.sqrt(504), 10);
    // A per-period risk-free rate of 0.01 leaves mean 0.01: half of it.
    expect(sharpeRatio([0.01, 0.03], { riskFree: 0.01 })).toBeCloseTo(Math.sqrt(504) / 2, 10);
    // ddof 0: std 0.01, so sqrt(252) * 2.
    expect(sharpeRatio([0.01, 0.03], { ddof: 0 })).toBeCloseTo(2 * Math.sqrt(252), 10);
  });

  it("constant returns compound to (1 + r)^periodsPerYear - 1 per year", () => {
    const r = new Array(504).fill(0.001);
    expect(cagr(r)).toBeCloseTo(Math.pow(1.001, 252) - 1, 12);
    expect(totalReturn(r)).toBeCloseTo(Math.pow(1.001, 504) - 1, 12);
    expect(annualVolatility(r)).toBeCloseTo(0, 15);
  });

  it("drawdown depth, peak, trough, recovery and the longest time under water", () => {
    const equity = [100, 120, 90, 95, 130, 65, 70];
    const d = drawdown(equity);
    expect(d.maxDrawdown).toBeCloseTo(0.5, 15); // 130 -> 65
    expect(d.peak).toBe(4);
    expect(d.trough).toBe(5);
    expect(d.recovery).toBe(-1);
    expect(d.maxDuration).toBe(3); // under 120 from index 1 until index 4 regains it

    const rec = drawdown([1, 2, 1.5, 1, 2.5, 3]);
    expect(rec.maxDrawdown).toBeCloseTo(0.5, 15);
    expect(rec.recovery).toBe(4);
    expect(rec.maxDuration).toBe(3);
    expect(drawdown([1, 2, 3, 4]).maxDuration).toBe(0);
  });

  it("turnover, weight turnover and hit rate", () => {
    expect(weightTurnover([0.5, 0.5], [1, 0])).toBe(0.5);
    // Buying 100% of equity and later selling it all, over one year of daily periods, is 100% one-way turnover.
    const traded = new Array(252).fill(0);
    traded[0] = 1e6;
    traded[200] = 1e6;
    expect(turnover(traded, new Array(252).fill(1e6))).toBeCloseTo(1, 15);
    expect(hitRate([1, -1, 0, NaN, 2])).toBe(0.5);
    expect(hitRate([])).toBeNaN();
  });

  it("returns and equity round-trip, and the summary agrees with the single functions", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 2, maxLength: 60 }), (rets) => {
        const eq = equityFromReturns(rets, 100);
        const back = returnsFromEquity(eq);
        back.forEach((r, i) => expect(r).toBeCloseTo(rets[i]!, 12));
        const s = summarizePerformance(rets);
        expect(s.sharpe).toBe(sharpeRatio(rets));
        expect(s.maxDrawdown).toBe(maxDrawdown(rets));
        expect(s.cagr).toBe(cagr(rets));
        // Max drawdown is the largest relative fall from a running peak: check against a quadratic scan.
        let worst = 0;
        for (let j = 0; j < eq.length; j++) for (let i = 0; i <= j; i++) worst = Math.max(worst, 1 - eq[j]! / eq[i]!);
        expect(s.maxDrawdown).toBeCloseTo(worst, 12);
      }),
    );
  });
});
