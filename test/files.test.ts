import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFileAtomically } from "../src/files";

const filesModule = path.join(__dirname, "..", "src", "files.js");

describe("files: every file the library writes is written atomically", function () {
  this.timeout(60_000);
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-files-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it("a writer killed mid-write leaves the previous file intact, and the next write cleans up after it", async () => {
    const target = path.join(directory, "sweep.json");
    const previous = JSON.stringify([{ key: "depth 2", testAccuracy: 0.91 }]);
    writeFileAtomically(target, previous);
    // 200 MB: long enough to write and flush that the kill lands while the temporary file is open.
    const writer = spawn(process.execPath, [
      "-e",
      `require(${JSON.stringify(filesModule)}).writeFileAtomically(${JSON.stringify(target)}, Buffer.alloc(200e6, 120));`,
    ]);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      writer.on("exit", (_code, signal) => resolve(signal)),
    );
    let sawTemporary = false;
    while (writer.exitCode === null && writer.signalCode === null) {
      if (fs.readdirSync(directory).some((name) => name.endsWith(".partial"))) {
        sawTemporary = true;
        writer.kill("SIGKILL");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.equal(await exited, "SIGKILL", "the writer finished before it could be killed mid-write");
    assert.ok(sawTemporary);
    assert.equal(fs.readFileSync(target, "utf8"), previous);
    assert.deepEqual(JSON.parse(fs.readFileSync(target, "utf8")), [{ key: "depth 2", testAccuracy: 0.91 }]);

    writeFileAtomically(target, "[]");
    assert.equal(fs.readFileSync(target, "utf8"), "[]");
    assert.deepEqual(fs.readdirSync(directory), ["sweep.json"], "the killed writer's temporary file is gone");
  });

  it("exclusive refuses to replace a file and leaves it as it was", () => {
    const target = path.join(directory, "train-images-idx3-ubyte.gz");
    writeFileAtomically(target, "first", { exclusive: true });
    assert.throws(() => writeFileAtomically(target, "second", { exclusive: true }), /EEXIST/);
    assert.equal(fs.readFileSync(target, "utf8"), "first");
    assert.deepEqual(fs.readdirSync(directory), ["train-images-idx3-ubyte.gz"]);
  });
});
