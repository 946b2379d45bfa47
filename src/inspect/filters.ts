import * as tf from "@tensorflow/tfjs";
import { showFilters } from "../display/filters";
import { ImageGrid } from "../display/imageGrid";
import { findLayer } from "./layers";

/**
 * Draws the learned filters of a convolution layer (one tile per input channel × filter, diverging colours
 * centred on 0). Pass the layer, or the model and the layer's name or index.
 *
 * @example
 * ```ts
 * filters(model, "C1")   // LeNet's six 5×5 first-layer filters
 * ```
 */
export function filters(layerOrModel: tf.layers.Layer | tf.LayersModel, name?: string | number): ImageGrid {
  const layer = layerOrModel instanceof tf.LayersModel
    ? findLayer(layerOrModel, name ?? firstConvolution(layerOrModel))
    : layerOrModel;
  const kernel = layer.getWeights().find((w) => w.rank === 4);
  if (!kernel) {
    throw new Error(`filters: layer "${layer.name}" (${layer.getClassName()}) has no convolution kernel ` +
      `[kh,kw,in,out]; pick a Conv2D layer`);
  }
  return showFilters(kernel, { title: `${layer.name}: ${kernel.shape[3]} filters ${kernel.shape[0]}×${kernel.shape[1]}` +
    ` over ${kernel.shape[2]} input channel${kernel.shape[2] === 1 ? "" : "s"}` });
}

function firstConvolution(model: tf.LayersModel): string {
  const layer = model.layers.find((l) => l.getWeights().some((w) => w.rank === 4));
  if (!layer) throw new Error("filters: the model has no convolution layer");
  return layer.name;
}
