import * as tf from "@tensorflow/tfjs";
import { formatBytes, formatCount, TableContent, tableHtml, tableText } from "../display";
import { LayerGeometry, layerGeometry } from "./geometry";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";

const BYTES_PER_FLOAT = 4;

/** Memory estimates of a model, in bytes (float32). */
export interface MemoryEstimate {
  /** The weights themselves. */
  parameters: number;
  /** All layer outputs of one image in a forward pass (what inference keeps at most, roughly). */
  activationsPerImage: number;
  /**
   * Training with Adam at the given batch size: weights, gradients and two moment slots (4 × parameters) plus the
   * forward outputs kept for backpropagation and their gradients (2 × activations × batch). A lower bound: backends
   * keep some temporaries too.
   */
  training(batchSize: number): number;
}

/**
 * What `summary(model)` returns: one row per layer with output shape, parameters, MACs, receptive field and jump,
 * and totals. In a notebook it shows as a table; `toString()` gives the same as aligned text.
 */
export class ModelSummary {
  /** Parameters tfjs counts (includes non-trainable ones such as batch-norm moving averages). */
  readonly totalParameters: number;
  readonly trainableParameters: number;
  /** Multiply-accumulates per image for one forward pass. */
  readonly totalMacs: number;
  readonly memory: MemoryEstimate;

  constructor(
    readonly name: string,
    readonly inputShape: number[],
    readonly layers: LayerGeometry[],
  ) {
    this.totalParameters = layers.reduce((sum, l) => sum + l.parameters, 0);
    this.trainableParameters = layers.reduce((sum, l) => sum + l.trainableParameters, 0);
    this.totalMacs = layers.reduce((sum, l) => sum + l.macs, 0);
    const parameters = this.totalParameters * BYTES_PER_FLOAT;
    const activationsPerImage = layers.reduce((sum, l) => sum + l.outputSize, 0) * BYTES_PER_FLOAT;
    this.memory = {
      parameters,
      activationsPerImage,
      training: (batchSize: number) => 4 * parameters + 2 * activationsPerImage * batchSize,
    };
  }

  /** The row of the layer with this name. */
  layer(name: string): LayerGeometry {
    const row = this.layers.find((l) => l.name === name);
    if (!row) throw new Error(`summary: no layer "${name}"; layers are ${this.layers.map((l) => l.name).join(", ")}`);
    return row;
  }

  /** The table's content, shared by the text and HTML forms. */
  table(): TableContent {
    const rows = this.layers.map((l) => [
      l.name,
      l.className,
      `[${l.outputShape.join(",")}]`,
      formatCount(l.parameters),
      formatCount(l.macs),
      axes(l.receptiveField),
      axes(l.jump),
    ]);
    rows.push(["total", "", "", formatCount(this.totalParameters), formatCount(this.totalMacs), "", ""]);
    const nonTrainable = this.totalParameters - this.trainableParameters;
    return {
      title: `Model "${this.name}", input [${this.inputShape.join(",")}]`,
      columns: ["layer", "type", "output shape", "parameters", "MACs", "receptive field", "jump"],
      rows,
      numeric: [false, false, false, true, true, true, true],
      note: [
        `Parameters: ${formatCount(this.totalParameters)} (trainable ${formatCount(this.trainableParameters)}` +
          `${nonTrainable ? `, non-trainable ${formatCount(nonTrainable)}` : ""}), ${formatBytes(this.memory.parameters, 2)}.`,
        `Forward pass: ${formatCount(this.totalMacs)} multiply-accumulates per image (${((2 * this.totalMacs) / 1e6).toFixed(2)} MFLOP).`,
        `Memory (float32 estimate): activations ${formatBytes(this.memory.activationsPerImage, 2)} per image; ` +
          `training with Adam at batch 64 ≈ ${formatBytes(this.memory.training(64), 2)}.`,
        "Receptive field: input pixels one output unit sees; jump: input pixels between neighbouring units.",
      ].join(" "),
    };
  }

  toString(): string {
    return tableText(this.table());
  }

  /** The summary as an HTML table. */
  toHtml(): string {
    return tableHtml(this.table());
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.toHtml() };
  }
}

/**
 * Describes a model layer by layer: output shape, parameters, multiply-accumulates (MACs) per image, receptive field
 * and jump, with totals and memory estimates. Anchored on Keras's `model.summary()` and torchinfo, plus the receptive
 * field columns neither shows.
 *
 * @example
 * ```ts
 * summary(lenet5())   // 61,706 parameters, 416,520 MACs, receptive field 32×32 at the dense layers
 * ```
 */
export function summary(model: tf.LayersModel): ModelSummary {
  if (!model || typeof (model as { layers?: unknown }).layers !== "object") {
    throw new Error("summary(model): expected a tf.LayersModel (tf.sequential, tf.model, lenet5(), cnn())");
  }
  const input = model.inputs[0];
  return new ModelSummary(
    model.name,
    input.shape.slice(1).map((d) => d ?? 0),
    layerGeometry(model),
  );
}

function axes(pair: [number, number]): string {
  return pair[0] === pair[1] ? String(pair[0]) : `${pair[0]}×${pair[1]}`;
}
