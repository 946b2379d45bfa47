import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { ImageDataset, oneHot, shiftImage, syntheticImage, syntheticShapes, SHAPE_KINDS } from "../../src/data";
import { useBestBackend } from "../../src/engine";

function tiny(count = 10): ImageDataset {
  const images = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) images.fill(i * 10, i * 4, i * 4 + 4);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
  return new ImageDataset(images, labels, 2, 2, 1, ["a", "b", "c"], "tiny");
}

describe("data: ImageDataset", () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });

  it("makes normalised float batches and one-hot labels from bytes", () => {
    const data = tiny();
    const batch = data.tensors(Int32Array.of(0, 5));
    assert.deepEqual(batch.xs.shape, [2, 2, 2, 1]);
    assert.ok(Math.abs(batch.xs.dataSync()[4] - 50 / 255) < 1e-6);
    assert.deepEqual(Array.from(batch.ys.dataSync()), [1, 0, 0, 0, 0, 1]);
    tf.dispose([batch.xs, batch.ys]);
    const standard = data.normalized({ mean: 0.5, std: 0.25 }).tensors(Int32Array.of(0));
    assert.ok(Math.abs(standard.xs.dataSync()[0] - -2) < 1e-6);
    tf.dispose([standard.xs, standard.ys]);
  });

  it("take(n) gives the first n images and labels as tensors, and says why for a bad n", () => {
    const data = tiny(10).subset(10, 4);
    const batch = data.take(3);
    assert.deepEqual(batch.xs.shape, [3, 2, 2, 1]);
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(batch.xs.dataSync()[i * 4] - data.imageBytes(i)[0] / 255) < 1e-6, `pixel of image ${i}`);
      assert.equal(batch.labels[i], data.label(i));
    }
    tf.dispose([batch.xs, batch.ys]);
    assert.throws(() => data.take(0), /take\(n\) needs a positive integer, got 0/);
    assert.throws(() => data.take(2.5), /needs a positive integer, got 2.5/);
    assert.throws(() => data.take(11), /has 10 examples, fewer than take\(11\) asks for; take\(10\) takes them all/);
  });

  it("shuffles the same way for the same seed and covers every example once", () => {
    const data = tiny(10);
    const order = (seed: number) =>
      Array.from(data.batches(4, { seed })).flatMap((b) => {
        tf.dispose([b.xs, b.ys]);
        return Array.from(b.indices);
      });
    assert.deepEqual(order(3), order(3));
    assert.notDeepEqual(order(3), order(4));
    assert.deepEqual(
      [...order(3)].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it("splits into disjoint train and validation sets, and subsets", () => {
    const data = tiny(10);
    const { train, validation } = data.split(0.3, 1);
    assert.equal(validation.count, 3);
    assert.equal(train.count, 7);
    const seen = new Set<number>();
    for (const part of [train, validation]) for (let i = 0; i < part.count; i++) seen.add(part.rowOf(i));
    assert.equal(seen.size, 10);
    assert.equal(data.subset(4).count, 4);
    assert.equal(data.subset(4).label(3), 0);
    assert.throws(() => data.split(10), /leaves no training/);
  });

  it("shifts an image with zero fill", () => {
    const image = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(Array.from(shiftImage(image, 3, 3, 1, 1, 0)), [0, 1, 2, 0, 4, 5, 0, 7, 8]);
    assert.deepEqual(Array.from(shiftImage(image, 3, 3, 1, 0, -1)), [4, 5, 6, 7, 8, 9, 0, 0, 0]);
  });

  it("one-hot rejects labels outside the classes", () => {
    assert.throws(() => oneHot([0, 3], 3), /label 3 at position 1 is outside 0..2/);
  });

  it("draws synthetic shapes a student can predict", () => {
    const edge = syntheticImage("vertical-edge", 8);
    const values = edge.dataSync();
    assert.equal(values[0], 0);
    assert.equal(values[7], 1);
    edge.dispose();
    const shapes = syntheticShapes({ count: 20, seed: 1 });
    assert.equal(shapes.count, 20);
    assert.deepEqual(
      shapes.classCounts(),
      SHAPE_KINDS.map(() => 4),
    );
    assert.ok(shapes.imageBytes(0).some((v) => v === 255));
  });
});
