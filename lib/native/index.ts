/**
 * The typed facade over OmniQuant's native C++ addon (native/build/Release/omniquant.node) and the only module
 * that loads it. The addon is loaded on first use, so importing this module never fails; a missing or broken
 * build surfaces as an OmniQuantError that names the path tried and says to run `npm rebuild`.
 *
 * Set OMNIQUANT_NATIVE_ADDON to an absolute path to load another build of the addon.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { contextError, formatContext } from "../util/errors.js";
import { packageRoot } from "../util/package-root.js";

/** Rolling mean and rolling standard deviation, index-aligned with the input. */
export interface RollingMeanStd {
  mean: Float64Array;
  std: Float64Array;
}

export interface RollingMeanStdOptions extends RollingStdOptions {
  /**
   * Arrays to write the results into (each a Float64Array of values.length, sharing no memory with values or
   * each other); they are returned as `mean` and `std`. Reusing them across calls saves allocating (and the
   * operating system zeroing) 16 bytes per point, which for large inputs costs more than the computation.
   */
  out?: RollingMeanStd;
}

export interface RollingStdOptions {
  /**
   * Delta degrees of freedom: the std divides the sum of squared deviations by (window - ddof).
   * Default 1 (sample standard deviation, like pandas `rolling().std()`); 0 gives the population one.
   */
  ddof?: number;
}

/** What `nativeInfo()` reports about the loaded addon. */
export interface NativeInfo {
  /** Absolute path of the .node file that was loaded. */
  path: string;
  /** The addon's version string, e.g. "0.1.0". */
  version: string;
  /** Compiler that built it, e.g. "gcc 12.2.0". */
  compiler: string;
  /** The N-API version it was built against. */
  napiVersion: number;
}

interface NativeAddon {
  rollingMeanStd(
    values: Float64Array,
    window: number,
    ddof?: number,
    outMean?: Float64Array,
    outStd?: Float64Array,
  ): RollingMeanStd;
  version: string;
  compiler?: string;
  napiVersion: number;
}

let addon: { module: NativeAddon; path: string } | undefined;

/** The path of the addon this module loads (built by `npm rebuild`, or OMNIQUANT_NATIVE_ADDON). */
export function nativeAddonPath(): string {
  const override = process.env.OMNIQUANT_NATIVE_ADDON;
  if (override) return path.resolve(override);
  return path.join(packageRoot(), "native", "build", "Release", "omniquant.node");
}

function load(): NativeAddon {
  if (addon !== undefined) return addon.module;
  const addonPath = nativeAddonPath();
  const hint = `Run 'npm rebuild' (or 'npm run build') in ${packageRoot()} to build it`;
  if (!existsSync(addonPath)) {
    throw contextError({
      what: "the OmniQuant native addon is missing",
      where: "omniquant/native",
      expected: `a built addon at ${addonPath}`,
      found: "no file there",
      hint,
    });
  }
  try {
    const mod = createRequire(import.meta.url)(addonPath) as NativeAddon;
    addon = { module: mod, path: addonPath };
    return mod;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    throw contextError({
      what: `the OmniQuant native addon at ${addonPath} failed to load (${reason})`,
      where: "omniquant/native",
      hint: `${hint}; a build for another Node version or platform must be rebuilt`,
      cause,
    });
  }
}

function checkOptions(opts: unknown, fn: string, keys: readonly string[]): RollingMeanStdOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(
      formatContext({ where: fn, what: "options must be an object", found: opts === null ? "null" : typeof opts }),
    );
  }
  for (const key of Object.keys(opts)) {
    if (!keys.includes(key)) {
      const expected = keys.length === 1 ? `only '${keys[0]}'` : `one of ${keys.map((k) => `'${k}'`).join(", ")}`;
      throw new TypeError(formatContext({ where: fn, what: `options has an unknown key '${key}'`, expected }));
    }
  }
  const { out } = opts as RollingMeanStdOptions;
  if (out !== undefined && (out === null || typeof out !== "object")) {
    throw new TypeError(
      formatContext({ where: fn, what: "options.out must be an object { mean, std } of Float64Arrays", found: String(out) }),
    );
  }
  return opts as RollingMeanStdOptions;
}

/**
 * Rolling mean and rolling standard deviation of `values` over trailing windows of `window` values, computed
 * natively in one pass and one call (sliding Welford update with a shift and periodic exact re-anchoring, so
 * series like 1e9 + small noise keep their digits).
 *
 * Conventions (those of pandas `s.rolling(window, min_periods=window).mean()` and `.std(ddof)`):
 * - output i covers values[i - window + 1 .. i]; the first `window - 1` outputs are NaN (warm-up), and if
 *   `window > values.length` every output is NaN;
 * - `std` is the sample standard deviation (ddof 1) unless `opts.ddof` says otherwise; it is NaN when
 *   `window - ddof <= 0` (e.g. window 1 with ddof 1);
 * - a NaN inside a window makes that window's mean and std NaN; an infinity makes the mean +/-Infinity (NaN if
 *   both signs) and the std NaN; later windows without them are unaffected;
 * - a window of identical values has exactly that mean and exactly 0 std.
 *
 * Pass `opts.out` to write into preallocated arrays (see `RollingMeanStdOptions.out`).
 *
 * Throws a TypeError if `values` is not a Float64Array or `window`/`ddof` is not a number, and a RangeError if
 * `window` is not a positive integer, `ddof` not a non-negative integer, or an `out` array has the wrong length
 * or overlaps `values`.
 */
export function rollingMeanStd(values: Float64Array, window: number, opts?: RollingMeanStdOptions): RollingMeanStd {
  const { ddof, out } = checkOptions(opts, "rollingMeanStd", ["ddof", "out"]);
  return load().rollingMeanStd(values, window, ddof, out?.mean, out?.std);
}

/** Rolling mean over trailing windows of `window` values; conventions as in `rollingMeanStd`. */
export function rollingMean(values: Float64Array, window: number): Float64Array {
  return load().rollingMeanStd(values, window).mean;
}

/** Rolling standard deviation (ddof 1 by default) over trailing windows; conventions as in `rollingMeanStd`. */
export function rollingStd(values: Float64Array, window: number, opts?: RollingStdOptions): Float64Array {
  const { ddof } = checkOptions(opts, "rollingStd", ["ddof"]);
  return load().rollingMeanStd(values, window, ddof).std;
}

/** Where the native addon was loaded from and how it was built. Loads it if needed. */
export function nativeInfo(): NativeInfo {
  const mod = load();
  return {
    path: addon!.path,
    version: mod.version,
    compiler: mod.compiler ?? "unknown",
    napiVersion: mod.napiVersion,
  };
}

/**
 * The loaded addon module itself, for the typed facades of other native subsystems (lib/itch, ...) that declare
 * their own view of its functions. Loads it on first use and throws like the functions above if it cannot.
 */
export function nativeAddon(): Readonly<Record<string, unknown>> {
  return load() as unknown as Readonly<Record<string, unknown>>;
}

/**
 * nativeAddon() seen as one subsystem's functions `T`, after checking that its function `probe` is there: an
 * addon built from older sources then fails with a sentence naming `what` is missing and how to rebuild, instead
 * of "x is not a function" later. `where`: the module asking (e.g. "omniquant/sim").
 */
export function nativeSection<T>(probe: keyof T & string, what: string, where: string): T {
  const mod = nativeAddon();
  if (typeof mod[probe] !== "function") {
    throw contextError({
      what: `the native addon at ${nativeAddonPath()} has no ${what} (${probe} is missing)`,
      where,
      hint: "It was built from older sources; run 'npm rebuild' to rebuild it",
    });
  }
  return mod as unknown as T;
}
