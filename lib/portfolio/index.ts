/**
 * omniquant/portfolio: portfolio construction with PyPortfolioOpt's conventions (returns without gap filling,
 * pairwise-complete covariance, annualisation by 252, rf 0.02 for max Sharpe). One file per verb.
 */
export { returnsFromPrices, meanHistoricalReturn, emaHistoricalReturn, capmReturn, type ReturnsOptions, type MeanReturnOptions, type EmaReturnOptions, type CapmOptions } from "./expected-returns.js";
export { sampleCov, semicovariance, expCov, ledoitWolf, oracleApproximating, fixNonPsd, isPositiveSemidefinite, covToCorr, type RiskModelOptions, type SemicovarianceOptions, type ExpCovOptions, type ShrinkageOptions, type ShrinkageTarget, type ShrunkCovariance, type FixMethod } from "./risk-models.js";
export { EfficientFrontier, cleanWeights, portfolioPerformance, type EfficientFrontierOptions, type Performance, type CleanWeightsOptions, type LinearConstraint, type WeightBounds, type SolvedProblem } from "./efficient-frontier.js";
export { efficientFrontierCurve, plotEfficientFrontier, type FrontierPoint } from "./efficient-frontier-plot.js";
export { hrp, hrpFromCovariance, hrpPerformance, linkage, leafOrder, clusterVariance, plotDendrogram, type HrpResult, type HrpOptions, type Linkage, type LinkageMethod } from "./hrp.js";
export { riskParity, riskContributions, type RiskParityResult } from "./risk-parity.js";
export { BlackLittermanModel, marketImpliedPriorReturns, marketImpliedRiskAversion, type BlackLittermanOptions } from "./black-litterman.js";
export { EfficientCVaR, type CvarOptions } from "./cvar.js";
export { EfficientCDaR, type CdarOptions } from "./cdar.js";
export { EfficientSemivariance, type SemivarianceOptions } from "./semivariance.js";
export { DiscreteAllocation, latestPrices, type AllocationResult } from "./discrete-allocation.js";
export { solveQp, solveQpJs, qpKernel, kktResiduals, type QpProblem, type QpSolution, type QpOptions, type SparseRow } from "./qp.js";
export type { PriceInput, WideMatrix, CovarianceMatrix, PlotlyFigure } from "./inputs.js";
