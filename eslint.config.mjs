// `npm run lint`: the checks the compiler does not make, for code that is mostly asynchronous (kernel, runner,
// sweeps, data loading): promises that are never awaited or handled, and promises passed where a plain value or
// callback is expected. Type-aware (typescript-eslint with the project's tsconfig).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".build/**", "node_modules/**", "native/build/**", "notebooks/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  {
    files: ["lib/**/*.ts", "kernel/**/*.ts", "native/test/**/*.ts", "scripts/**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: "./scripts/tsconfig.tests.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "no-control-regex": "error",
    },
  },
);
