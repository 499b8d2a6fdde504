const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Serialises a JSON value so it can sit inside a `<script>` element (JS or `type="application/json"`): `<`, `>`
 * and `&` become `\u003c`-style escapes, so neither `</script>` nor `<!--` can appear, and JSON.parse or JS
 * evaluation gives back the same value. U+2028/2029 are escaped for older JS parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Makes JavaScript source safe to inline in a `<script>` element: `</script` becomes `<\/script` and `<!--`
 * becomes `<\!--`. Both rewrites are no-ops inside JS string literals, which is where they occur in bundled
 * libraries such as plotly.js.
 */
export function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}
