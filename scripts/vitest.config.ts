import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ["lib/**/*.test.ts", "kernel/**/*.test.ts", "native/test/**/*.test.ts", "scripts/**/*.test.ts"],
    globalSetup: ["scripts/test-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
