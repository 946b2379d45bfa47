import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { useBestBackend } from "../../src/engine";
import { stockKernel } from "../../src/engine/kernels/register";
import { requireEngine, returnToDefaultEngine, trainingEngines } from "./engines";
import { checkGradients, randomValues, relativeError, seededRandom } from "./gradientCheck";

const modes = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: true, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
];
const sizes: Array<{ from: [number, number, number, number]; to: [number, number] }> = [
  { from: [3, 5, 4, 2], to: [10, 12] },
  { from: [2, 7, 6, 3], to: [4, 5] },
];

describe("engine: image resize gradients (upSampling2d) against finite differences", function () {
  this.timeout(60_000);
  returnToDefaultEngine();

  for (const engine of trainingEngines) {
    for (const method of ["nearest", "bilinear"] as const) {
      for (const mode of modes) {
        for (const size of sizes) {
          it(`on ${engine}: ${method}, align corners ${mode.alignCorners}, half-pixel centres ${mode.halfPixelCenters}, [${size.from}] → ${size.to.join("×")}`, async function () {
            requireEngine(this, engine);
            await useBestBackend({ backend: engine, quiet: true });
            const random = seededRandom(size.from[1] * 13 + size.to[0]);
            const x = tf.tensor4d(randomValues(random, tf.util.sizeFromShape(size.from)), size.from);
            const resize = (images: tf.Tensor) =>
              method === "nearest"
                ? tf.image.resizeNearestNeighbor(
                    images as tf.Tensor4D,
                    size.to,
                    mode.alignCorners,
                    mode.halfPixelCenters,
                  )
                : tf.image.resizeBilinear(images as tf.Tensor4D, size.to, mode.alignCorners, mode.halfPixelCenters);
            // Resizing is linear in the image: a step of 1 gives exact difference quotients.
            const check = checkGradients(resize, [x], { random, step: 1, samples: 40 });
            assert.ok(
              check.finiteDifferenceErrors[0] <= 1e-4,
              `vs finite differences: ${check.finiteDifferenceErrors[0]}`,
            );
            x.dispose();
          });
        }
      }
    }
  }

  it("the stock cpu kernels are wrong where cnnlab's replace them", async function () {
    await useBestBackend({ backend: "cpu", quiet: true });
    const random = seededRandom(3);
    const images = tf.tensor4d(randomValues(random, 2 * 3 * 4 * 1), [2, 3, 4, 1]);
    const dy = tf.tensor4d(randomValues(random, 2 * 6 * 8 * 1), [2, 6, 8, 1]);
    const attrs = { alignCorners: false, halfPixelCenters: false, size: [6, 8] };
    const run = (name: string) =>
      tf.tidy(() => {
        const result = stockKernel(name, "cpu")!.kernelFunc({
          inputs: { images, dy },
          attrs,
          backend: tf.backend(),
        }) as tf.TensorInfo;
        return { shape: result.shape, values: tf.engine().makeTensorFromTensorInfo(result).dataSync() };
      });
    const ours = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 8]), dy)))(images)
        .dataSync(),
    );
    const stockNearest = run(tf.ResizeNearestNeighborGrad);
    assert.ok(
      relativeError(stockNearest.values, ours) > 0.1,
      "the stock nearest-neighbour gradient differs for the second image",
    );
    assert.ok(relativeError(stockNearest.values.slice(0, 12), ours.slice(0, 12)) < 1e-6, "and agrees for the first");
    assert.deepEqual(
      run(tf.ResizeBilinearGrad).shape,
      [2, 4, 3, 1],
      "the stock bilinear gradient swaps height and width",
    );
    tf.dispose([images, dy]);
  });
});
