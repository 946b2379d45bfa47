import * as tf from "@tensorflow/tfjs";
import { backendReady } from "../engine";
import { ImageGrid, showFeatureMaps } from "../display";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { layerGeometry, PerAxis } from "../models";
import { findLayer, layerOutputsModel } from "./layers";

/** Options of {@link receptiveField}. */
export interface ReceptiveFieldOptions {
  /** The output unit [row, column] whose field is measured (default the centre of the map). */
  position?: [number, number];
  /** Random inputs the gradient magnitude is averaged over (default 8); more gives a smoother heatmap. */
  samples?: number;
  /** Seed of the random inputs (default 0). */
  seed?: number;
  /** Use this input (one image [h,w,c]) instead of random ones. */
  input?: tf.Tensor;
}

/**
 * A layer's receptive field, analytic and measured. The analytic one comes from kernel sizes and strides; the
 * empirical one is where the gradient of one output unit with respect to the input is not zero. The measured one
 * can be smaller: ReLUs that are off and max-pooling pass no gradient, and the gradient magnitude falls off towards
 * the edges (the "effective receptive field" of Luo et al., 2016). Displays as the gradient heatmap.
 */
export class ReceptiveField {
  constructor(
    readonly layer: string,
    /** Analytic receptive field [height, width] in input pixels. */
    readonly size: PerAxis,
    /** Analytic jump (product of strides) [height, width]. */
    readonly jump: PerAxis,
    /** The output unit measured [row, column]. */
    readonly position: [number, number],
    /** Bounding box of the non-zero gradient: [top, left, bottom, right], inclusive, in input pixels. */
    readonly box: [number, number, number, number] | undefined,
    /** Mean |∂unit/∂input| over the samples, [h, w] of the input (summed over channels). */
    readonly heatmap: tf.Tensor2D,
  ) {}

  /** Height and width of the measured field (0 when no gradient reached the input). */
  get empiricalSize(): PerAxis {
    return this.box ? [this.box[2] - this.box[0] + 1, this.box[3] - this.box[1] + 1] : [0, 0];
  }

  /** The heatmap as a picture. */
  picture(): ImageGrid {
    const maps = this.heatmap.expandDims(2);
    try {
      return showFeatureMaps(maps, {
        title: `${this.layer} unit ${JSON.stringify(this.position)}: |gradient| on the input`,
        labels: [this.describe()],
        colormap: "viridis",
      });
    } finally {
      maps.dispose();
    }
  }

  describe(): string {
    const [eh, ew] = this.empiricalSize;
    return `analytic ${this.size[0]}×${this.size[1]} (jump ${this.jump[0]}), measured ${eh}×${ew}`;
  }

  toString(): string {
    return (
      `receptive field of ${this.layer} at ${JSON.stringify(this.position)}: ${this.describe()}` +
      (this.box ? `, rows ${this.box[0]}..${this.box[2]}, columns ${this.box[1]}..${this.box[3]}` : "")
    );
  }

  dispose(): void {
    this.heatmap.dispose();
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { ...this.picture()[JUPYTER_DISPLAY](), "text/plain": this.toString() };
  }
}

/**
 * The receptive field of one unit of `layer`: the analytic size and jump (as in `summary()`), and the measured one
 * from the gradient of that unit with respect to the input, averaged over random inputs.
 *
 * @example
 * ```ts
 * receptiveField(lenet5(), "C3")   // analytic 14×14; the heatmap shows which input pixels reach one C3 unit
 * ```
 */
export async function receptiveField(
  model: tf.LayersModel,
  layer: string | number,
  options: ReceptiveFieldOptions = {},
): Promise<ReceptiveField> {
  await backendReady();
  const target = findLayer(model, layer);
  const geometry = layerGeometry(model).find((g) => g.name === target.name);
  if (!geometry) throw new Error(`receptiveField: "${target.name}" is the input layer; pick a later layer`);
  const probe = layerOutputsModel(model, [target]);
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const outputShape = (target.output as tf.SymbolicTensor).shape;
  const spatial = outputShape.length === 4;
  const position: [number, number] =
    options.position ??
    (spatial ? [Math.floor((outputShape[1] ?? 1) / 2), Math.floor((outputShape[2] ?? 1) / 2)] : [0, 0]);
  const samples = options.input ? 1 : (options.samples ?? 8);
  const heatmap = tf.tidy(() => {
    const unit = (x: tf.Tensor) => {
      const y = probe.apply(x, { training: false }) as tf.Tensor;
      if (!spatial) return y.sum();
      return y.slice([0, position[0], position[1], 0], [1, 1, 1, -1]).sum();
    };
    const gradient = tf.grad(unit);
    let total = tf.zeros([inputShape[0], inputShape[1]]) as tf.Tensor2D;
    for (let s = 0; s < samples; s++) {
      const x = options.input
        ? options.input.rank === 3
          ? options.input.expandDims(0)
          : options.input
        : tf.randomNormal([1, ...inputShape], 0, 1, "float32", (options.seed ?? 0) + s);
      total = total.add(gradient(x).abs().sum([0, 3])) as tf.Tensor2D;
    }
    return total.div(samples) as tf.Tensor2D;
  });
  const values = await heatmap.data();
  const [h, w] = heatmap.shape;
  let box: [number, number, number, number] | undefined;
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      // Relative threshold: exact zeros are where no path exists; float noise stays far below 1e-6 of the peak.
      if (max > 0 && values[r * w + c] > max * 1e-6) {
        box = box ? [Math.min(box[0], r), Math.min(box[1], c), Math.max(box[2], r), Math.max(box[3], c)] : [r, c, r, c];
      }
    }
  }
  return new ReceptiveField(target.name, geometry.receptiveField, geometry.jump, position, box, heatmap);
}
