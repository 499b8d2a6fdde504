/**
 * omniquant/stats: time-series statistics for statistical arbitrage. The unit-root and cointegration tests follow
 * statsmodels (`adfuller`, `coint`, `mackinnonp`, `mackinnoncrit`) and are checked against its published test
 * values; OLS runs on a Householder QR of column-major Float64Arrays.
 */
export { adfuller, type AdfOptions, type AdfResult, type Autolag } from "./adf.js";
export { engleGranger, halfLife, type CointOptions, type CointResult, type HalfLife } from "./engle-granger.js";
export { mackinnonp, mackinnoncrit, type CriticalValues, type Regression } from "./mackinnon.js";
export { kalmanHedge, KalmanHedgeFilter, type KalmanHedge, type KalmanHedgeOptions, type KalmanStep } from "./kalman.js";
export { rollingOls, olsWindow, type RollingOls } from "./rolling-ols.js";
export { ols, nestedSsr, trendColumns, type OlsFit, type Columns } from "./ols.js";
export { normalCdf, erfc } from "./normal.js";
