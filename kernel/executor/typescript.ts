// The TypeScript compiler, loaded with `require`: importing this 9 MB CommonJS file through ESM makes Node scan it
// for named exports first, which cost ~400 ms of every kernel start. Types come from `import type`.
import { createRequire } from "node:module";
import type * as TS from "typescript";

const ts: typeof TS = createRequire(import.meta.url)("typescript") as typeof TS;
export default ts;
