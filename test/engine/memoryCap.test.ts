import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { NativeTrainingStep, useBestBackend } from "../../src/engine";
import { installMemoryCap } from "../../src/engine/memoryCap";
import { memoryCapSetting } from "../../src/settings";
import { requireEngine, returnToDefaultEngine } from "./engines";

const MiB = 2 ** 20;
const repositoryRoot = path.resolve(__dirname, "../../..");

function setting(value: string): number | undefined {
  const saved = process.env.CNNLAB_MAX_MEMORY;
  process.env.CNNLAB_MAX_MEMORY = value;
  try {
    return memoryCapSetting()?.bytes;
  } finally {
    if (saved === undefined) delete process.env.CNNLAB_MAX_MEMORY;
    else process.env.CNNLAB_MAX_MEMORY = saved;
  }
}

/** The error a refused operation throws, checked for what a student needs to read in it. */
function refusal(what: string, shape: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof Error, String(error));
    assert.equal(error.name, "MemoryCapError");
    assert.match(error.message, new RegExp(`^${what} would need 381\\.5 MiB for a float32 tensor \\[${shape}\\]`));
    assert.match(
      error.message,
      /memory cap CNNLAB_MAX_MEMORY=64M leaves \d+\.\d MiB \(\d+(\.\d)? (B|KiB|MiB) in use in \d+ tensors\)/,
    );
    assert.match(
      error.message,
      /Fix: use a smaller batch or shape, dispose tensors you no longer need \(tf\.tidy, tensor\.dispose\(\)\)/,
    );
    return true;
  };
}

describe("CNNLAB_MAX_MEMORY", () => {
  describe("reading the setting", () => {
    it("reads K, M, G and T as powers of 1024, as JupyterHub's mem_limit does, with or without B / iB", () => {
      assert.equal(setting("2G"), 2 ** 31);
      assert.equal(setting("512M"), 512 * MiB);
      assert.equal(setting("1.5GiB"), 1.5 * 2 ** 30);
      assert.equal(setting("800MB"), 800 * MiB);
      assert.equal(setting("64k"), 64 * 1024);
      assert.equal(setting("1073741824"), 2 ** 30);
      assert.equal(setting(""), undefined);
    });

    it("refuses a value it cannot read, naming the variable, the value and an example", () => {
      for (const value of ["two gigs", "2X", "-1G", "0"]) {
        assert.throws(
          () => setting(value),
          (error: Error) =>
            error.message.startsWith(`CNNLAB_MAX_MEMORY=${value} is not a memory size`) &&
            error.message.includes("for example CNNLAB_MAX_MEMORY=2G"),
        );
      }
    });
  });

  describe("with a 64 MiB cap on the cpu backend", () => {
    returnToDefaultEngine(async () => {
      await useBestBackend({ backend: "cpu", quiet: true });
      process.env.CNNLAB_MAX_MEMORY = "64M";
      installMemoryCap();
    });
    after(() => {
      delete process.env.CNNLAB_MAX_MEMORY;
      installMemoryCap();
    });

    it("refuses a 10000 × 10000 matrix product before allocating it, and a small one still works after", () => {
      const column = tf.ones([10000, 1]);
      const row = tf.ones([1, 10000]);
      const tensors = tf.memory().numTensors;
      const rss = process.memoryUsage().rss;
      assert.throws(() => tf.matMul(column, row), refusal("BatchMatMul", "10000, 10000"));
      assert.ok(process.memoryUsage().rss - rss < 200 * MiB, "the refused 381 MiB were allocated anyway");
      assert.equal(tf.memory().numTensors, tensors);
      const small = tf.matMul(column.slice([0, 0], [2, 1]), row.slice([0, 0], [1, 3]));
      assert.deepEqual(Array.from(small.dataSync()), [1, 1, 1, 1, 1, 1]);
      tf.dispose([column, row, small]);
    });

    it("refuses a broadcasting add and tf.randomNormal of that size before their memory exists", () => {
      const column = tf.ones([10000, 1]);
      const row = tf.ones([1, 10000]);
      const tensors = tf.memory().numTensors;
      const rss = process.memoryUsage().rss;
      assert.throws(() => tf.add(column, row), refusal("Add", "10000, 10000"));
      assert.throws(() => tf.randomNormal([10000, 10000]), refusal("tf\\.randomNormal", "10000, 10000"));
      assert.ok(process.memoryUsage().rss - rss < 200 * MiB, "the refused tensors were allocated anyway");
      assert.equal(tf.memory().numTensors, tensors);
      tf.dispose([column, row]);
    });

    it("sizes convolutions, Tile, padding, OneHot, Concat, resizing and Fill before they run", () => {
      const image = tf.ones([1, 1000, 1000, 1]);
      const square = tf.ones([1000, 1000]);
      const labels = tf.zeros([100000], "int32");
      const tensors = tf.memory().numTensors;
      const refused: Array<[string, () => tf.Tensor, string]> = [
        [
          "Conv2D",
          () => tf.conv2d(image as tf.Tensor4D, tf.ones([3, 3, 1, 32]) as tf.Tensor4D, 1, "same"),
          "1, 1000, 1000, 32",
        ],
        ["Tile", () => tf.tile(square, [20, 1]), "20000, 1000"],
        [
          "PadV2",
          () =>
            tf.pad(square, [
              [0, 19000],
              [0, 0],
            ]),
          "20000, 1000",
        ],
        ["OneHot", () => tf.oneHot(labels, 1000), "100000, 1000"],
        ["Concat", () => tf.concat(Array.from({ length: 20 }, () => square)), "20000, 1000"],
        ["ResizeBilinear", () => tf.image.resizeBilinear(image as tf.Tensor4D, [5000, 5000]), "1, 5000, 5000, 1"],
        ["Fill", () => tf.fill([10000, 10000], 3), "10000, 10000"],
      ];
      for (const [kernel, operation, shape] of refused) {
        assert.throws(operation, (error: Error) => {
          assert.match(
            error.message,
            new RegExp(`^${kernel} would need [\\d.]+ [MG]iB for an? (float32|int32) tensor \\[${shape}\\]`),
          );
          return true;
        });
      }
      // The conv2d filter above is the one tensor a refused line made before its kernel.
      assert.equal(tf.memory().numTensors, tensors + 1);
      tf.dispose([image, square, labels]);
    });

    it("stops a loop that keeps its tensors at the cap instead of letting it grow", () => {
      const megabyte = tf.ones([256, 1024]);
      const kept: tf.Tensor[] = [];
      assert.throws(() => {
        for (let step = 0; step < 1000; step++) kept.push(tf.add(megabyte, megabyte));
      }, /Add would need 1\.0 MiB .* CNNLAB_MAX_MEMORY=64M leaves/);
      assert.ok(kept.length >= 60 && kept.length < 64, `stopped after ${kept.length} tensors`);
      assert.ok(tf.memory().numBytes <= 64 * MiB);
      tf.dispose([megabyte, ...kept]);
    });

    it("disposes the output of an operation it could not size beforehand once it is past the cap", () => {
      const large = tf.ones([40, 1024, 256]);
      const tensors = tf.memory().numTensors;
      assert.throws(
        () => tf.neg(large),
        (error: Error) =>
          error.name === "MemoryCapError" &&
          /^Neg made 40\.0 MiB of tensors \(float32 \[40, 1024, 256\]\), which took this kernel past its memory cap CNNLAB_MAX_MEMORY=64M; they were disposed again/.test(
            error.message,
          ) &&
          error.message.includes("Fix: "),
      );
      assert.equal(tf.memory().numTensors, tensors);
      assert.deepEqual(Array.from(tf.neg(large.slice([0, 0, 0], [1, 1, 2])).dataSync()), [-1, -1]);
      large.dispose();
    });

    it("leaves tf.tidy and gradients working after a refusal inside them, and leaks nothing of its own", () => {
      const x = tf.ones([10000]);
      const tensors = tf.memory().numTensors;
      assert.throws(
        () => tf.tidy(() => tf.matMul(x.reshape([10000, 1]), x.reshape([1, 10000]))),
        /^MemoryCapError: BatchMatMul would need/,
      );
      assert.equal(tf.memory().numTensors, tensors);

      // tfjs keeps the tape's saved inputs when anything throws inside tf.grad (two here, one per reshape): the
      // refusal must leave exactly what a plain error leaves.
      const outer = (v: tf.Tensor, failure?: Error): tf.Tensor => {
        const column = v.reshape([10000, 1]);
        const row = v.reshape([1, 10000]);
        if (failure !== undefined) throw failure;
        return tf.matMul(column, row).sum();
      };
      assert.throws(() => tf.grad((v: tf.Tensor) => outer(v, new Error("plain")))(x), /plain/);
      const leftByAnError = tf.memory().numTensors - tensors;
      assert.throws(() => tf.grad((v: tf.Tensor) => outer(v))(x), /BatchMatMul would need/);
      assert.equal(tf.memory().numTensors - tensors, 2 * leftByAnError);

      const gradient = tf.grad((v: tf.Tensor) => v.square().sum())(tf.tensor([1, 2]));
      assert.deepEqual(Array.from(gradient.dataSync()), [2, 4]);
      x.dispose();
    });

    it("holds after the backend changes", async () => {
      await useBestBackend({ backend: "wasm", quiet: true });
      const column = tf.ones([10000, 1]);
      const row = tf.ones([1, 10000]);
      assert.throws(() => tf.matMul(column, row), refusal("BatchMatMul", "10000, 10000"));
      tf.dispose([column, row]);
      await useBestBackend({ backend: "cpu", quiet: true });
    });
  });

  describe("with a 64 MiB cap on the native engine", () => {
    returnToDefaultEngine();
    before(function () {
      requireEngine(this, "native");
    });
    after(() => {
      delete process.env.CNNLAB_MAX_MEMORY;
      installMemoryCap();
    });

    it("refuses a native training step whose batch needs more workspace than the cap leaves, and trains a small one", async () => {
      await useBestBackend({ backend: "native", quiet: true });
      process.env.CNNLAB_MAX_MEMORY = "64M";
      installMemoryCap();
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 32,
            kernelSize: 3,
            padding: "same",
            activation: "relu",
          }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: "softmax" }),
        ],
      });
      const optimizer = tf.train.adam(0.01);
      const compiled = NativeTrainingStep.compile(
        model,
        optimizer,
        model.trainableWeights.map((weight) => weight.read() as tf.Variable),
      );
      assert.ok(compiled.ok, compiled.ok ? "" : compiled.why);
      const weights = Array.from(model.getWeights()[0].dataSync());
      const images = tf.ones([1000, 28, 28, 1]);
      const labels = tf.oneHot(tf.zeros([1000], "int32"), 10).toFloat();
      // Per image: the convolution's 28 × 28 × 32 outputs, the dense layer's 10, and twice the largest for the gradient.
      assert.throws(
        () => compiled.step.run(images, labels),
        /^MemoryCapError: The native training step would need 287\.1 MiB for its activations and gradients for a batch of 1000, but this kernel's memory cap CNNLAB_MAX_MEMORY=64M leaves/,
      );
      assert.deepEqual(Array.from(model.getWeights()[0].dataSync()), weights);
      const outcome = compiled.step.run(images.slice(0, 8), labels.slice(0, 8));
      assert.ok(Number.isFinite(outcome.loss));
      assert.notDeepEqual(Array.from(model.getWeights()[0].dataSync()), weights);
      tf.dispose([images, labels]);
      model.dispose();
    });
  });

  describe("without the variable", () => {
    returnToDefaultEngine(async () => {
      await useBestBackend({ backend: "cpu", quiet: true });
    });

    it("caps nothing: an operation larger than 64 MiB works", () => {
      delete process.env.CNNLAB_MAX_MEMORY;
      assert.equal(installMemoryCap(), undefined);
      const product = tf.matMul(tf.ones([5000, 1]), tf.ones([1, 5000]));
      assert.equal(product.size, 25_000_000);
      assert.equal(product.dataSync()[24_999_999], 1);
      product.dispose();
    });
  });

  it("is installed when the engine starts, which says so; an unreadable value stops the engine with its error", () => {
    const script = `const tf = require("@tensorflow/tfjs");
      require("./dist/src/engine").useBestBackend({ backend: "cpu" }).then(() => {
        try { tf.randomNormal([60000, 28, 28, 64]); } catch (error) { console.log(error.name + ": " + error.message); }
      }, (error) => console.log("REJECTED " + error.message));`;
    const run = (value: string): string =>
      spawnSync(process.execPath, ["-e", script], {
        cwd: repositoryRoot,
        env: { ...process.env, CNNLAB_MAX_MEMORY: value },
        encoding: "utf8",
        timeout: 30_000,
      }).stdout;
    const capped = run("2G");
    assert.match(capped, /cnnlab engine: cpu .*; tensor memory capped at CNNLAB_MAX_MEMORY=2G/);
    assert.match(
      capped,
      /MemoryCapError: tf\.randomNormal would need 11\.2 GiB for a float32 tensor \[60000, 28, 28, 64\], but this kernel's memory cap CNNLAB_MAX_MEMORY=2G leaves 2\.0 GiB/,
    );
    assert.match(run("lots"), /REJECTED CNNLAB_MAX_MEMORY=lots is not a memory size/);
  });
});
