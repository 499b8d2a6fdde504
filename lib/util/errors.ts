/**
 * The one way OmniQuant builds errors: a whole sentence that says what is wrong and where, with the expected and
 * found values when there are any, and the underlying cause kept on `cause`.
 *
 *   contextError({ what: "close is 'n/a'", where: "prices.csv row 812", expected: "a number" })
 *   -> "prices.csv row 812: close is 'n/a', expected a number."
 */
export interface ErrorContext {
  /** What is wrong, e.g. "close is 'n/a'". */
  what: string;
  /** Where: file, row, column, byte offset, cell number... */
  where?: string;
  expected?: string;
  found?: string;
  /** What to do about it, appended as its own sentence. */
  hint?: string;
  cause?: unknown;
}

export class OmniQuantError extends Error {
  readonly where: string | undefined;
  readonly expected: string | undefined;
  readonly found: string | undefined;

  constructor(ctx: ErrorContext) {
    super(formatContext(ctx), ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = "OmniQuantError";
    this.where = ctx.where;
    this.expected = ctx.expected;
    this.found = ctx.found;
  }
}

export function formatContext(ctx: ErrorContext): string {
  let msg = ctx.where ? `${ctx.where}: ${ctx.what}` : ctx.what;
  if (ctx.expected !== undefined) msg += `, expected ${ctx.expected}`;
  if (ctx.found !== undefined) msg += `${ctx.expected !== undefined ? " but found" : ", found"} ${ctx.found}`;
  if (!/[.!?]$/.test(msg)) msg += ".";
  if (ctx.hint) msg += ` ${ctx.hint}${/[.!?]$/.test(ctx.hint) ? "" : "."}`;
  return msg;
}

export function contextError(ctx: ErrorContext): OmniQuantError {
  return new OmniQuantError(ctx);
}

/**
 * The check at every options boundary of the library: `opts` must be a plain object (undefined counts as none)
 * whose keys are all in `keys`; anything else is an OmniQuantError naming `where`, the unknown key and the known
 * ones. `name` is what the message calls the object ("options", "params"...); "" for a bare "unknown key 'x'"
 * (a section of a config file, where `where` says which).
 */
export function checkKeys<T extends object>(opts: T | undefined, keys: readonly string[], where: string, name = "options"): Partial<T> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    const found = opts === null ? "null" : Array.isArray(opts) ? "an array" : typeof opts;
    throw contextError({ where, what: `${name || "it"} must be an object`, found });
  }
  for (const key of Object.keys(opts)) {
    if (!keys.includes(key)) {
      throw contextError({ where, what: name ? `${name} has an unknown key '${key}'` : `unknown key '${key}'`, expected: `one of ${keys.join(", ")}` });
    }
  }
  return opts;
}
