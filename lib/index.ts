/**
 * OmniQuant's research library. Import a capability by its subpath (`omniquant/data`, `omniquant/native`, ...),
 * or take the namespaces from here.
 */
export * as data from "./data/index.js";
export * as features from "./features/index.js";
export * as native from "./native/index.js";
export * as portfolio from "./portfolio/index.js";
export { OmniQuantError, contextError, formatContext, type ErrorContext } from "./util/errors.js";
