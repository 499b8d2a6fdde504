/**
 * The typed view of the feature kernels of OmniQuant's native addon (native/src/napi/features_binding.cpp). The
 * addon itself is loaded by omniquant/native; nothing else in lib/features touches it.
 */
import { nativeAddon } from "../native/index.js";

/** Instruction sets of the SMA/EMA/RSI kernels, best first. "scalar" is the plain sequential loop. */
export type SimdLevel = "avx512" | "avx2" | "scalar";

/** How the SMA/EMA/RSI kernels run in this process. */
export interface FeatureKernels {
  /** The level in use. */
  simd: SimdLevel;
  /** The best level this CPU supports. */
  simdSupported: SimdLevel;
  /** At most this many threads per call (series of 2^20 values and more are split). */
  threads: number;
}

export type VolEstimatorName = "close-to-close" | "parkinson" | "garman-klass" | "rogers-satchell" | "yang-zhang";

export interface FeaturesAddon {
  featuresSma(x: Float64Array, window: number, out?: Float64Array): Float64Array;
  featuresEma(x: Float64Array, window: number, alpha: number, out?: Float64Array): Float64Array;
  featuresWma(x: Float64Array, window: number): Float64Array;
  featuresRsi(x: Float64Array, window: number, out?: Float64Array): Float64Array;
  featuresKernels(simd?: SimdLevel, threads?: number): FeatureKernels;
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

/**
 * Reports, and optionally changes, how the SMA/EMA/RSI kernels run: `simd` lowers the instruction set (e.g. to
 * compare "avx2" with "avx512", or "scalar" for the plain sequential loops; at most what the CPU supports),
 * `threads` caps the threads per call (1 = single-threaded, 0 = back to the default: the cores, at most 4).
 * Process-wide; meant for tests, benchmarks and diagnostics.
 */
export function featureKernels(config: { simd?: SimdLevel; threads?: number } = {}): FeatureKernels {
  return featuresAddon().featuresKernels(config.simd, config.threads);
}
