import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { cnn, lenet5 } from "../../src/models";
import { heNormal } from "../../src/models/initializers";
import { useBestBackend } from "../../src/engine";

/** The variance of a weight tensor's values, times its fan-in: He et al. ask for 2. */
function varianceTimesFanIn(kernel: tf.Tensor): number {
  const fanIn = kernel.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return tf.tidy(() => (tf.moments(kernel).variance.arraySync() as number) * fanIn);
}

describe("models: He initialization", () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });

  it("draws weights with variance 2 / fan-in, where tfjs's heNormal draws 0.77 of that", () => {
    const shape = [3, 3, 64, 64];
    const corrected = heNormal(1).apply(shape) as tf.Tensor;
    const stock = tf.initializers.heNormal({ seed: 1 }).apply(shape) as tf.Tensor;
    assert.ok(Math.abs(varianceTimesFanIn(corrected) - 2) < 0.06, `corrected: ${varianceTimesFanIn(corrected)}`);
    assert.ok(Math.abs(varianceTimesFanIn(stock) - 2 * 0.7737) < 0.06, `tfjs: ${varianceTimesFanIn(stock)}`);
    tf.dispose([corrected, stock]);
  });

  it("is what cnn() and lenet5() start their ReLU layers from", () => {
    const net = cnn({ depth: 3, width: 64, seed: 2 });
    const lenet = lenet5({ seed: 2 });
    const kernels = [
      net.getLayer("conv2").getWeights()[0],
      net.getLayer("conv3").getWeights()[0],
      lenet.getLayer("F5").getWeights()[0],
    ];
    for (const kernel of kernels)
      assert.ok(Math.abs(varianceTimesFanIn(kernel) - 2) < 0.1, `variance × fan-in ${varianceTimesFanIn(kernel)}`);
    net.dispose();
    lenet.dispose();
  });
});
