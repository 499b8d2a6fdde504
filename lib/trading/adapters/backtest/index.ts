/** The backtest adapter of the strategy ports: a StrategyContext over the native replay engine. */
export { BacktestContext, type BacktestContextOptions } from "./context.js";
