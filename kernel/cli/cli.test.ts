import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../lib/util/package-root.js";
import { removeTempDirs, tempDir } from "../runner/test-notebooks.js";

afterAll(removeTempDirs);

const root = packageRoot();
const bin = join(root, "kernel", "bin", "omq.js");
const omq = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, COLUMNS: "100" } });

describe("omq", () => {
  it("lists its commands in --help", () => {
    const r = omq("--help");
    expect(r.status).toBe(0);
    for (const cmd of ["kernel", "run", "schedule", "serve"]) expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
  });

  it("has --help for every subcommand", () => {
    for (const args of [["kernel", "install"], ["kernel", "start"], ["run"], ["schedule", "add"], ["schedule", "list"], ["schedule", "remove"], ["schedule", "history"], ["serve"]]) {
      const r = omq(...args, "--help");
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^Usage: omq /);
    }
    expect(omq("run", "--help").stdout).not.toContain("--kernel-argv");
  });

  it("exits 2 on bad usage", () => {
    expect(omq().status).toBe(2);
    const r = omq("frobnicate");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(omq("run", "x.ipynb", "--no-such-option").status).toBe(2);
  });

  it("prints its version", () => {
    const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
    expect(omq("--version").stdout.trim()).toBe(version);
  });

  it("installs the kernelspec under --prefix", () => {
    const prefix = tempDir("omq-prefix-");
    const r = omq("kernel", "install", "--prefix", prefix, "--name", "omq-test");
    expect(r.status).toBe(0);
    const spec = JSON.parse(readFileSync(join(prefix, "share", "jupyter", "kernels", "omq-test", "kernel.json"), "utf8")) as { argv: string[]; language: string };
    expect(spec.language).toBe("typescript");
    expect(spec.argv).toContain("{connection_file}");
  });

  it("says to run npm install when the compiled CLI is missing", () => {
    const fake = tempDir("omq-nobuild-");
    mkdirSync(join(fake, "kernel", "bin"), { recursive: true });
    copyFileSync(bin, join(fake, "kernel", "bin", "omq.js"));
    expect(existsSync(join(fake, ".build"))).toBe(false);
    const r = spawnSync(process.execPath, [join(fake, "kernel", "bin", "omq.js"), "--help"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^omq: the compiled CLI is missing \(.*\)\. Run `npm install` \(or `npm run build`\) in .* and try again\.\n$/);
  });
});
