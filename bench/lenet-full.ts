/**
 * Full LeNet-5 run on MNIST: modern LeNet-5, Adam 0.001, batch 64, seeded, up to 15 epochs, stopping at the first
 * epoch whose test accuracy reaches 99.0%. Prints one line per epoch and a JSON summary at the end.
 *
 *   node dist/bench/lenet-full.js [maxEpochs=15] [maxShift=1]
 */
import { mnist } from "../src/data";
import { lenet5, summary } from "../src/models";
import { evaluate, train } from "../src/train";

async function main(): Promise<void> {
  const maxEpochs = Number(process.argv[2] ?? 15);
  const maxShift = Number(process.argv[3] ?? 1);
  const data = await mnist({ fast: false });
  const model = lenet5({ variant: "modern", seed: 1 });
  console.log(`${summary(model).totalParameters} parameters`);
  const started = Date.now();
  const history = await train(model, data, {
    epochs: maxEpochs,
    batchSize: 64,
    seed: 1,
    maxShift,
    fast: false,
    onEpochEnd: (h) => (h.last?.validationAccuracy ?? 0) < 0.99,
  });
  const result = await evaluate(model, data.test);
  console.log(
    JSON.stringify({
      benchmark: "lenet5-modern-mnist",
      epochs: history.epochs.length,
      testAccuracy: result.accuracy,
      wallSeconds: (Date.now() - started) / 1000,
      secondsPerEpoch: history.secondsPerEpoch,
      maxShift,
      perEpochTestAccuracy: history.epochs.map((e) => e.validationAccuracy),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
