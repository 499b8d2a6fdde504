/**
 * The typed view of the feature kernels of OmniQuant's native addon (native/src/napi/features_binding.cpp). The
 * addon itself is loaded by omniquant/native; nothing else in lib/features touches it.
 */
import { nativeAddon } from "../native/index.js";

export type VolEstimatorName = "close-to-close" | "parkinson" | "garman-klass" | "rogers-satchell" | "yang-zhang";

export interface FeaturesAddon {
  featuresSma(x: Float64Array, window: number): Float64Array;
  featuresEma(x: Float64Array, window: number, alpha: number): Float64Array;
  featuresWma(x: Float64Array, window: number): Float64Array;
  featuresRsi(x: Float64Array, window: number): Float64Array;
  featuresAtr(high: Float64Array, low: Float64Array, close: Float64Array, window: number): { atr: Float64Array; trueRange: Float64Array };
  featuresRollingZscore(x: Float64Array, window: number, ddof: number): Float64Array;
  featuresRollingCorrBeta(x: Float64Array, y: Float64Array, window: number): { corr: Float64Array; beta: Float64Array };
  featuresRollingVolatility(
    estimator: VolEstimatorName,
    open: Float64Array,
    high: Float64Array,
    low: Float64Array,
    close: Float64Array,
    window: number,
    periodsPerYear: number,
  ): Float64Array;
}

/** The addon's feature functions (loads the addon on first use; throws an OmniQuantError if it is missing). */
export function featuresAddon(): FeaturesAddon {
  return nativeAddon() as unknown as FeaturesAddon;
}
