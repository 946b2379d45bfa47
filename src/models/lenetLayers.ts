import * as tf from "@tensorflow/tfjs";

type Kwargs = Record<string, unknown>;

/**
 * LeNet-5's C3 connection table (LeCun et al., 1998, Table I): output map o of C3 sees only the S2 maps listed in
 * row o. The paper's reasons: fewer connections, and breaking symmetry so the maps learn different features.
 */
export const LENET_C3_TABLE: readonly (readonly number[])[] = [
  [0, 1, 2],
  [1, 2, 3],
  [2, 3, 4],
  [3, 4, 5],
  [0, 4, 5],
  [0, 1, 5],
  [0, 1, 2, 3],
  [1, 2, 3, 4],
  [2, 3, 4, 5],
  [0, 3, 4, 5],
  [0, 1, 4, 5],
  [0, 1, 2, 5],
  [0, 1, 3, 4],
  [1, 2, 4, 5],
  [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
];

/** Configuration of {@link ConnectionTableConv2D}. */
export interface ConnectionTableConv2DArgs {
  /** table[o] lists the input channels output channel o is connected to; its length is the number of filters. */
  table: readonly (readonly number[])[];
  /** Square kernel side. */
  kernelSize: number;
  activation?: "tanh" | "sigmoid" | "relu" | "linear";
  /** Seed for the weight initialiser. */
  seed?: number;
  name?: string;
  inputShape?: tf.Shape;
}

/**
 * A valid, stride-1 convolution in which each output channel sees only some input channels, as LeNet-5's C3.
 *
 * The kernel is stored dense ([k, k, in, out]) and multiplied by a fixed 0/1 mask in every call, so unconnected
 * weights get zero gradient and never matter; {@link countParams} reports only the connected weights (1,516 for
 * C3), which is the number the paper and the summary state. Storing it dense keeps training on kernels every
 * backend has (a gather-based layout would need UnsortedSegmentSum for its gradient, which the wasm backend lacks).
 */
export class ConnectionTableConv2D extends tf.layers.Layer {
  static className = "ConnectionTableConv2D";
  readonly table: number[][];
  readonly kernelSize: number;
  readonly activationName: "tanh" | "sigmoid" | "relu" | "linear";
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private mask: tf.Tensor4D | null = null;
  private inputChannels = 0;

  constructor(args: ConnectionTableConv2DArgs) {
    super(args);
    this.table = args.table.map((row) => [...row]);
    this.kernelSize = args.kernelSize;
    this.activationName = args.activation ?? "tanh";
    // A saved config holds null for "no seed".
    this.seed = args.seed ?? undefined;
  }

  /** Number of output channels. */
  get filters(): number {
    return this.table.length;
  }

  /** Number of connected weights (without biases). */
  get connectedWeights(): number {
    return this.table.reduce((sum, row) => sum + row.length, 0) * this.kernelSize * this.kernelSize;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels === null) {
      throw new Error(
        `ConnectionTableConv2D: expected a rank-4 input [batch,h,w,c] with known c, got [${shape.join(", ")}]`,
      );
    }
    this.inputChannels = channels;
    const k = this.kernelSize;
    const maskValues = new Float32Array(k * k * channels * this.filters);
    this.table.forEach((inputs, o) => {
      for (const i of inputs) {
        if (i < 0 || i >= channels) {
          throw new Error(
            `ConnectionTableConv2D: table row ${o} names input channel ${i}, but the input has ${channels}`,
          );
        }
        for (let p = 0; p < k * k; p++) maskValues[(p * channels + i) * this.filters + o] = 1;
      }
    });
    this.mask?.dispose();
    this.mask = tf.keep(tf.tensor4d(maskValues, [k, k, channels, this.filters]));
    this.kernel = this.addWeight(
      "kernel",
      [k, k, channels, this.filters],
      "float32",
      tf.initializers.glorotUniform({ seed: this.seed }),
    );
    // Unconnected weights start (and, with zero gradient, stay) at 0, so the stored kernel shows the table.
    const masked = tf.tidy(() => this.kernel!.read().mul(this.mask!));
    this.kernel.write(masked);
    masked.dispose();
    this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override countParams(): number {
    return this.connectedWeights + this.filters;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const side = (n: number | null) => (n === null ? null : n - this.kernelSize + 1);
    return [shape[0], side(shape[1]), side(shape[2]), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const kernel = (this.kernel!.read() as tf.Tensor4D).mul(this.mask!) as tf.Tensor4D;
      const y = tf.conv2d(x, kernel, 1, "valid").add(this.bias!.read());
      return applyActivation(y, this.activationName);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      table: this.table,
      kernelSize: this.kernelSize,
      activation: this.activationName,
      seed: this.seed ?? null,
    };
  }

  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0) {
      this.mask?.dispose();
      this.mask = null;
    }
    return result;
  }

  /** The number of input channels seen at build time. */
  get inputChannelCount(): number {
    return this.inputChannels;
  }
}

/** Configuration of {@link Subsampling}. */
export interface SubsamplingArgs {
  /** Pool side and stride (LeNet: 2). */
  poolSize?: number;
  activation?: "tanh" | "sigmoid" | "relu" | "linear";
  name?: string;
}

/**
 * LeNet-5's subsampling layers S2 and S4: the sum of each 2×2 block, times a learned coefficient per channel, plus a
 * learned bias per channel, through the activation. Two parameters per channel (12 for S2, 32 for S4), where a
 * plain average pooling layer has none.
 */
export class Subsampling extends tf.layers.Layer {
  static className = "Subsampling";
  readonly poolSize: number;
  readonly activationName: "tanh" | "sigmoid" | "relu" | "linear";
  private coefficient: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: SubsamplingArgs = {}) {
    super(args);
    this.poolSize = args.poolSize ?? 2;
    this.activationName = args.activation ?? "tanh";
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels === null) {
      throw new Error(`Subsampling: expected a rank-4 input [batch,h,w,c] with known c, got [${shape.join(", ")}]`);
    }
    // Coefficient 1/4 of the sum = the average at the start, which keeps the activations in range.
    this.coefficient = this.addWeight(
      "coefficient",
      [channels],
      "float32",
      tf.initializers.constant({ value: 1 / (this.poolSize * this.poolSize) }),
    );
    this.bias = this.addWeight("bias", [channels], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const side = (n: number | null) => (n === null ? null : Math.floor(n / this.poolSize));
    return [shape[0], side(shape[1]), side(shape[2]), shape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const p = this.poolSize;
      const sum = tf.avgPool(x, p, p, "valid").mul(p * p);
      return applyActivation(sum.mul(this.coefficient!.read()).add(this.bias!.read()), this.activationName);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, activation: this.activationName };
  }
}

function applyActivation(y: tf.Tensor, name: "tanh" | "sigmoid" | "relu" | "linear"): tf.Tensor {
  switch (name) {
    case "tanh":
      return tf.tanh(y);
    case "sigmoid":
      return tf.sigmoid(y);
    case "relu":
      return tf.relu(y);
    default:
      return y;
  }
}

tf.serialization.registerClass(ConnectionTableConv2D);
tf.serialization.registerClass(Subsampling);
