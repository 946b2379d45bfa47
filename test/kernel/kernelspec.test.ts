import assert from "assert";
import { spawnSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";

const CLI = path.resolve(__dirname, "..", "..", "kernel", "cli.js");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("kernel install command", function () {
  this.timeout(20_000);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-spec-"));
  const dir = path.join(prefix, "share", "jupyter", "kernels", "cnnlab");
  after(() => fs.rmSync(prefix, { recursive: true, force: true }));

  it("writes kernel.json with absolute node and main.js paths, and the logos", () => {
    const r = cli("install", "--prefix", prefix);
    assert.strictEqual(r.status, 0, r.out);
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8"));
    assert.strictEqual(spec.argv[0], process.execPath);
    assert.ok(path.isAbsolute(spec.argv[1]) && spec.argv[1].endsWith(path.join("dist", "kernel", "main.js")));
    assert.strictEqual(spec.argv[2], "{connection_file}");
    assert.strictEqual(spec.display_name, "TypeScript (cnnlab)");
    assert.strictEqual(spec.language, "typescript");
    assert.strictEqual(spec.interrupt_mode, "message");
    for (const size of [32, 64]) {
      const png = fs.readFileSync(path.join(dir, `logo-${size}x${size}.png`));
      assert.strictEqual(png.readUInt32BE(16), size); // IHDR width
    }
  });

  it("is a silent one-line no-op when the identical spec exists", () => {
    const r = cli("install", "--prefix", prefix);
    assert.strictEqual(r.status, 0);
    assert.strictEqual(r.out.trim().split("\n").length, 1);
  });

  it("refuses to overwrite a different spec without --force, naming --force", () => {
    const file = path.join(dir, "kernel.json");
    fs.writeFileSync(file, JSON.stringify({ argv: ["python"], display_name: "other", language: "python" }));
    const r = cli("install", "--prefix", prefix);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.out, /--force/);
    assert.strictEqual(JSON.parse(fs.readFileSync(file, "utf8")).display_name, "other");
    const forced = cli("install", "--prefix", prefix, "--force");
    assert.strictEqual(forced.status, 0, forced.out);
    assert.strictEqual(JSON.parse(fs.readFileSync(file, "utf8")).display_name, "TypeScript (cnnlab)");
  });

  it("updates, saying so, a spec that an earlier version of this kernel wrote (same program, other fields)", () => {
    const file = path.join(dir, "kernel.json");
    const spec = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({ ...spec, interrupt_mode: "signal" }));
    const r = cli("install", "--prefix", prefix);
    assert.strictEqual(r.status, 0, r.out);
    assert.match(r.out, /updated kernelspec cnnlab .*earlier version/);
    assert.strictEqual(JSON.parse(fs.readFileSync(file, "utf8")).interrupt_mode, "message");
  });

  it("replaces an existing spec whole, by a rename: the old file is untouched and no temporary file stays", () => {
    const file = path.join(dir, "kernel.json");
    const other = JSON.stringify({
      argv: ["python"],
      display_name: "other",
      language: "python",
      padding: "x".repeat(4000),
    });
    fs.writeFileSync(file, other);
    // A second name for the old file: a write in place would change what it reads, a rename leaves it as it was.
    const old = path.join(prefix, "old-kernel.json");
    fs.linkSync(file, old);
    const r = cli("install", "--prefix", prefix, "--force");
    assert.strictEqual(r.status, 0, r.out);
    assert.strictEqual(fs.readFileSync(old, "utf8"), other);
    assert.strictEqual(JSON.parse(fs.readFileSync(file, "utf8")).display_name, "TypeScript (cnnlab)");
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["kernel.json", "logo-32x32.png", "logo-64x64.png"]);
  });

  it("rejects unknown options", () => {
    assert.notStrictEqual(cli("install", "--bogus").status, 0);
  });
});
