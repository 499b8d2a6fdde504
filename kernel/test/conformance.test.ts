// Runs Jupyter's own kernel conformance suite (Debian's python3-jupyter-kernel-test, driven by pytest) and our
// protocol behaviour tests against the real `omniquant` kernel, started by jupyter_client from a kernelspec
// installed into a temp prefix, with a working directory outside the repository.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernelSpec } from "../kernelspec.js";

const PY = "/usr/bin/python3";
const here = fileURLToPath(new URL(".", import.meta.url));

function missingPythonModule(mod: string): boolean {
  return spawnSync(PY, ["-c", `import ${mod}`]).status !== 0;
}

const missing = ["jupyter_kernel_test", "pytest", "jupyter_client"].filter(missingPythonModule);
if (missing.length > 0) {
  console.warn(`Skipping the kernel conformance suite: missing Python modules ${missing.join(", ")} (Debian packages python3-jupyter-kernel-test, python3-pytest, jupyter-client).`);
}

describe.skipIf(missing.length > 0)("Jupyter kernel conformance", () => {
  it("passes jupyter_kernel_test and the protocol behaviour tests", async () => {
    const prefix = mkdtempSync(join(tmpdir(), "omq-kspec-"));
    const work = mkdtempSync(join(tmpdir(), "omq-cwd-"));
    try {
      await installKernelSpec({ prefix });
      const r = spawnSync(PY, ["-m", "pytest", "-q", "-p", "no:cacheprovider", join(here, "conformance", "test_omniquant_kernel.py")], {
        cwd: work,
        env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), JUPYTER_PLATFORM_DIRS: "1" },
        encoding: "utf8",
        timeout: 600_000,
      });
      const out = `${r.stdout}\n${r.stderr}`;
      if (r.status !== 0) console.error(out);
      expect(out).toMatch(/\d+ passed/);
      expect(out).not.toMatch(/\d+ (failed|error)/);
      expect(out).not.toMatch(/skipped/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  }, 600_000);
});
