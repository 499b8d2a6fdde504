// kernel_info_reply content, shared by the transport (which answers kernel_info at once, even while a cell runs)
// and the handler.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../lib/util/package-root.js";
import { PROTOCOL_VERSION } from "../protocol/wire.js";

let cached: Record<string, unknown> | undefined;

export function kernelInfoContent(): Record<string, unknown> {
  if (cached) return cached;
  const version = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  // Read TypeScript's version from its package.json: loading the compiler here would slow the transport's start.
  const tsPkg = createRequire(join(packageRoot(), "package.json")).resolve("typescript/package.json");
  const tsVersion = (JSON.parse(readFileSync(tsPkg, "utf8")) as { version: string }).version;
  cached = {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "omniquant",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: tsVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: { name: "javascript", typescript: true },
      nbconvert_exporter: "script",
    },
    banner: `OmniQuant ${version} (TypeScript ${tsVersion}, Node ${process.versions.node}): omniquant/* preloaded, \`display\` for rich output.`,
    help_links: [{ text: "OmniQuant README", url: "https://www.npmjs.com/package/omniquant" }],
    debugger: false,
  };
  return cached;
}
