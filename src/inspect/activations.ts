import * as tf from "@tensorflow/tfjs";
import { backendReady } from "../engine";
import { captionedPicturesHtml, ImageGrid, showFeatureMaps } from "../display";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { asBatch, findLayer, layerOutputsModel } from "./layers";

/** The output of one layer for one input. */
export interface LayerActivation {
  layer: string;
  className: string;
  /** The layer's output for the first example, [h, w, c] for feature maps or [units] for dense layers. */
  values: tf.Tensor;
}

/**
 * Feature maps of one or several layers for one image. Displays as one grid of maps per layer; `maps(name)` gives
 * the picture of one layer, `layers[i].values` the numbers. Call `dispose()` when done to free the tensors.
 */
export class Activations {
  constructor(readonly layers: LayerActivation[]) {}

  /** The picture of one layer's feature maps. */
  maps(layer: string | number = 0): ImageGrid {
    const entry = typeof layer === "number" ? this.layers[layer] : this.layers.find((l) => l.layer === layer);
    if (!entry) throw new Error(`activations: no layer "${layer}"; have ${this.layers.map((l) => l.layer).join(", ")}`);
    const values = entry.values.rank === 1 ? entry.values.reshape([1, entry.values.shape[0], 1]) : entry.values;
    try {
      return showFeatureMaps(values, {
        title: `${entry.layer} (${entry.className}) [${entry.values.shape.join(",")}]`,
      });
    } finally {
      if (values !== entry.values) values.dispose();
    }
  }

  toString(): string {
    return this.layers.map((l) => `${l.layer} (${l.className}): [${l.values.shape.join(",")}]`).join("\n");
  }

  dispose(): void {
    tf.dispose(this.layers.map((l) => l.values));
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const shown = this.layers.filter((l) => l.values.rank === 3);
    if (shown.length === 0) return { "text/plain": this.toString() };
    if (shown.length === 1) {
      return { ...this.maps(shown[0].layer)[JUPYTER_DISPLAY](), "text/plain": this.toString() };
    }
    const html = captionedPicturesHtml(
      shown.map((l) => ({
        caption: `${l.layer} [${l.values.shape.join(",")}]`,
        png: this.maps(l.layer).toPng().toString("base64"),
      })),
    );
    return { "text/plain": this.toString(), "text/html": html };
  }
}

/**
 * The outputs of a model's layers for one image: every layer with a spatial output (convolutions, pooling,
 * activations) by default, or the named layer(s).
 *
 * @param model - any tfjs LayersModel (lenet5(), cnn(), tf.sequential...).
 * @param x - one image [h, w, c] (or a batch; the first example is kept).
 * @param layer - a layer name or index, or several.
 *
 * @example
 * ```ts
 * activations(model, data.test.image(0), "C1")   // the six feature maps of LeNet's first layer
 * ```
 */
export async function activations(
  model: tf.LayersModel,
  x: tf.Tensor,
  layer?: string | number | (string | number)[],
): Promise<Activations> {
  await backendReady();
  const layers =
    layer === undefined
      ? model.layers.filter(
          (l) => l.getClassName() !== "InputLayer" && (l.output as tf.SymbolicTensor).shape.length === 4,
        )
      : (Array.isArray(layer) ? layer : [layer]).map((l) => findLayer(model, l));
  const probe = layerOutputsModel(model, layers);
  const values = tf.tidy(() => {
    const batch = asBatch(model, x, "activations");
    const outputs = probe.predict(batch.slice(0, 1));
    return (Array.isArray(outputs) ? outputs : [outputs]).map((t) => t.squeeze([0]));
  });
  return new Activations(layers.map((l, i) => ({ layer: l.name, className: l.getClassName(), values: values[i] })));
}
