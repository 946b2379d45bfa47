import * as tf from "@tensorflow/tfjs";
import { Batch, ImageDataset } from "../data";
import { backendReady } from "../engine";
import { barChartSvg, tableText } from "../display";
import { crossEntropy } from "../train";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";

/** The gradient norm of one weight tensor. */
export interface GradientNorm {
  layer: string;
  /** The weight's name, e.g. "conv1/kernel". */
  weight: string;
  /** L2 norm of the loss gradient with respect to the weight. */
  norm: number;
  /** The norm divided by the weight's own L2 norm (how big a step the gradient is, relative). */
  relative: number;
}

/**
 * Gradient norms per layer for one batch, first layer first. Displays as a bar chart on a log scale: vanishing
 * gradients show as bars shrinking towards the input (deep sigmoid nets), which batch normalisation and residual
 * connections prevent.
 */
export class GradientNorms {
  constructor(
    readonly norms: GradientNorm[],
    readonly title: string,
  ) {}

  /** The norm of each layer's kernel (its first weight), in layer order. */
  get byLayer(): { layer: string; norm: number }[] {
    const seen = new Map<string, number>();
    for (const n of this.norms) if (!seen.has(n.layer)) seen.set(n.layer, n.norm);
    return Array.from(seen, ([layer, norm]) => ({ layer, norm }));
  }

  toString(): string {
    return tableText({
      title: this.title,
      columns: ["layer", "weight", "gradient norm", "relative to weight"],
      rows: this.norms.map((n) => [n.layer, n.weight, n.norm.toExponential(3), n.relative.toExponential(3)]),
      numeric: [false, false, true, true],
    });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const kernels = this.byLayer;
    const logs = kernels.map((k) => Math.log10(Math.max(k.norm, 1e-12)));
    const low = Math.floor(Math.min(...logs)) - 1;
    const chart = barChartSvg(
      kernels.map((k) => k.layer),
      logs.map((l) => l - low),
      {
        title: `${this.title} (log scale, first layer at the top)`,
        format: (v) => `1e${(v + low).toFixed(1)}`,
      },
    );
    return { "text/plain": this.toString(), "text/html": chart };
  }
}

/**
 * The L2 norm of the loss gradient for every trainable weight, on one batch (categorical cross-entropy, layers in
 * training mode as during training). Batch-norm moving averages are restored afterwards, so measuring does not
 * change the model.
 *
 * @param batch - a batch `{ xs, ys }`, or a dataset whose first 64 examples are used.
 */
export async function gradientNorms(
  model: tf.LayersModel,
  batch: Pick<Batch, "xs" | "ys"> | ImageDataset,
): Promise<GradientNorms> {
  await backendReady();
  const data = batch instanceof ImageDataset ? batch.take(Math.min(64, batch.count)) : batch;
  const frozen = model.weights.filter((w) => !w.trainable);
  const saved = frozen.map((w) => tf.clone(w.read()));
  try {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const names = model.trainableWeights.map((w) => w.originalName ?? w.name);
    const layerOf = new Map<string, string>();
    for (const layer of model.layers)
      for (const w of layer.trainableWeights) layerOf.set((w.read() as tf.Variable).name, layer.name);
    const norms = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => crossEntropy(data.ys as tf.Tensor2D, model.apply(data.xs, { training: true }) as tf.Tensor2D),
        variables,
      );
      return variables.map((v, i) => {
        const g = grads[v.name];
        return {
          layer: layerOf.get(v.name) ?? names[i].split("/")[0],
          weight: names[i],
          norm: g ? tf.norm(g).dataSync()[0] : 0,
          relative: g ? tf.norm(g).dataSync()[0] / Math.max(tf.norm(v).dataSync()[0], 1e-12) : 0,
        };
      });
    });
    return new GradientNorms(norms, `gradient norms of ${model.name}`);
  } finally {
    frozen.forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
    if (batch instanceof ImageDataset) tf.dispose([data.xs, data.ys]);
  }
}
