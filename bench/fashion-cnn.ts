/**
 * Fashion-MNIST with a small deep CNN from cnn(): 4 × [conv 3×3 → (norm) → ReLU], max pooling after blocks 2
 * and 4, widths 16-16-32-32, dropout 0.25, Adam 0.001, batch 64, seeded. Prints test accuracy after each epoch and
 * a JSON summary. Without normalisation by default: batch norm halves the speed on wasm (its gradient's Tile).
 *
 *   node dist/bench/fashion-cnn.js [epochs=6] [width=16] [norm=none]
 */
import { fashionMnist } from "../src/data";
import { cnn, NormKind, summary } from "../src/models";
import { evaluate, train } from "../src/train";

async function main(): Promise<void> {
  const epochs = Number(process.argv[2] ?? 6);
  const width = Number(process.argv[3] ?? 16);
  const norm = (process.argv[4] ?? "none") as NormKind;
  const data = await fashionMnist({ fast: false });
  const model = cnn({ depth: 4, width, norm, downsample: "max", dropout: 0.25, seed: 1 });
  const info = summary(model);
  console.log(`${model.name}: ${info.trainableParameters} parameters, ${info.totalMacs} MACs per image`);
  const started = Date.now();
  const history = await train(model, data, { epochs, batchSize: 64, seed: 1, fast: false });
  const result = await evaluate(model, data.test);
  console.log(result.toString());
  console.log(
    JSON.stringify({
      benchmark: "fashion-mnist-cnn",
      model: model.name,
      parameters: info.trainableParameters,
      epochs: history.epochs.length,
      testAccuracy: result.accuracy,
      wallSeconds: (Date.now() - started) / 1000,
      secondsPerEpoch: history.secondsPerEpoch,
      perEpochTestAccuracy: history.epochs.map((e) => e.validationAccuracy),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
