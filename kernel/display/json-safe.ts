/**
 * Converts a value into plain JSON that survives `JSON.stringify` and means the same to a browser:
 * Dates -> ISO strings (invalid -> null), typed arrays -> arrays, NaN/±Infinity -> null, bigint -> number when
 * exactly representable else a decimal string, Map -> object, Set -> array, `toJSON()` honoured, functions,
 * symbols and undefined dropped (null inside arrays), and a cycle -> the string "[Circular]".
 */
export function toJsonSafe(value: unknown): unknown {
  return convert(value, new Set());
}

function convert(value: unknown, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : null;
    case "string":
    case "boolean":
      return value;
    case "bigint":
      return bigintToJson(value);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (ArrayBuffer.isView(obj)) {
    if (obj instanceof DataView) return null;
    return Array.from(obj as unknown as ArrayLike<number | bigint>, (x) =>
      typeof x === "bigint" ? bigintToJson(x) : Number.isFinite(x) ? x : null,
    );
  }
  if (ancestors.has(obj)) return "[Circular]";
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((x) => convert(x, ancestors) ?? null);
    if (obj instanceof Set) return [...obj].map((x) => convert(x, ancestors) ?? null);
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of obj) setIfDefined(out, String(k), convert(v, ancestors));
      return out;
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return convert(toJSON.call(obj), ancestors);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) setIfDefined(out, k, convert(v, ancestors));
    return out;
  } finally {
    ancestors.delete(obj);
  }
}

function bigintToJson(x: bigint): number | string {
  const n = Number(x);
  return Number.isSafeInteger(n) ? n : x.toString();
}

function setIfDefined(out: Record<string, unknown>, key: string, v: unknown): void {
  if (v !== undefined) out[key] = v;
}
