// Compiles lib/ and kernel/ into .build/ once before the suite, so tests that start the kernel or the CLI as a
// subprocess run the code under test, not a stale build.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, "-p", `${root}/tsconfig.json`], {
    cwd: root,
    stdio: "inherit",
  });
}
