import * as tf from "@tensorflow/tfjs";

/** Configuration shared by {@link InstanceNormalization} and {@link GroupNormalization}. */
export interface GroupNormalizationArgs {
  /** Number of channel groups normalised together (GroupNormalization only; must divide the channel count). */
  groups?: number;
  /** Added to the variance before the square root (default 1e-3, as tfjs's BatchNormalization). */
  epsilon?: number;
  /** Learn a per-channel offset beta (default true). */
  center?: boolean;
  /** Learn a per-channel scale gamma (default true). */
  scale?: boolean;
  /** The value gamma starts from (default 1). */
  initialScale?: number;
  name?: string;
  trainable?: boolean;
  inputShape?: tf.Shape;
  batchInputShape?: tf.Shape;
}

type Kwargs = Record<string, unknown>;
/** What tfjs's `Layer.apply` takes and gives. */
type LayerInputs = tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];

/**
 * Group normalisation (Wu & He, 2018): the channels of each example are split into `groups` groups, and each group
 * is normalised over its channels and all spatial positions, then scaled and shifted per channel:
 *
 *   y = gamma_c · (x − mean_{n,g}) / sqrt(var_{n,g} + ε) + beta_c
 *
 * Unlike batch normalisation the statistics never mix examples, so it behaves the same at batch size 1 and in
 * training and inference. groups = channels gives instance normalisation; groups = 1 normalises each example over
 * all its features (layer normalisation over H, W and C).
 *
 * Works for inputs of rank ≥ 2 with channels last ([batch, ..., channels]).
 */
export class GroupNormalization extends tf.layers.Layer {
  static className = "GroupNormalization";
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly initialScale: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: GroupNormalizationArgs = {}) {
    super(args);
    this.groups = args.groups ?? 32;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.initialScale = args.initialScale ?? 1;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length < 2) {
      throw new Error(
        `${this.getClassName()}: expected an input of rank ≥ 2 [batch, ..., channels], got [${shape.join(", ")}]`,
      );
    }
    const channels = shape[shape.length - 1];
    if (channels === null) throw new Error(`${this.getClassName()}: the channel dimension must be known`);
    const groups = this.groupsFor(channels);
    if (channels % groups !== 0) {
      throw new Error(
        `${this.getClassName()}: ${channels} channels cannot be split into ${groups} equal groups; ` +
          `choose groups dividing ${channels}`,
      );
    }
    if (this.scale)
      this.gamma = this.addWeight(
        "gamma",
        [channels],
        "float32",
        tf.initializers.constant({ value: this.initialScale }),
      );
    if (this.center) this.beta = this.addWeight("beta", [channels], "float32", tf.initializers.zeros());
    this.built = true;
  }

  /**
   * As tfjs's `Layer.apply`, typed by its input: one normalised tensor for a tensor, one symbolic tensor for a
   * symbolic tensor (the layer has a single output), so `groupNormalization(...).apply(x)` needs no cast.
   */
  override apply(inputs: tf.Tensor, kwargs?: Kwargs): tf.Tensor;
  override apply(inputs: tf.SymbolicTensor, kwargs?: Kwargs): tf.SymbolicTensor;
  override apply(inputs: LayerInputs, kwargs?: Kwargs): LayerInputs;
  override apply(inputs: LayerInputs, kwargs?: Kwargs): LayerInputs {
    return super.apply(inputs, kwargs);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const shape = x.shape;
      const channels = shape[shape.length - 1];
      const groups = this.groupsFor(channels);
      // [batch, ...spatial, groups, channels per group]: statistics over every axis but batch and group.
      const grouped = x.reshape([...shape.slice(0, -1), groups, channels / groups]);
      const axes: number[] = [];
      for (let axis = 1; axis < grouped.rank; axis++) if (axis !== grouped.rank - 2) axes.push(axis);
      const { mean, variance } = tf.moments(grouped, axes, true);
      let y = grouped.sub(mean).div(variance.add(this.epsilon).sqrt()).reshape(shape);
      if (this.gamma) y = y.mul(this.gamma.read());
      if (this.beta) y = y.add(this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      groups: this.groups,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      initialScale: this.initialScale,
    };
  }

  /** The group count used for `channels` channels (instance normalisation overrides this). */
  protected groupsFor(_channels: number): number {
    return this.groups;
  }
}

/**
 * Instance normalisation (Ulyanov et al., 2016): each channel of each example is normalised over its spatial
 * positions, then scaled and shifted per channel. It is group normalisation with one channel per group.
 */
export class InstanceNormalization extends GroupNormalization {
  static override className = "InstanceNormalization";

  constructor(args: Omit<GroupNormalizationArgs, "groups"> = {}) {
    super({ ...args, groups: 1 });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    delete config.groups;
    return config;
  }

  protected override groupsFor(channels: number): number {
    return channels;
  }
}

tf.serialization.registerClass(GroupNormalization);
tf.serialization.registerClass(InstanceNormalization);

/** A {@link GroupNormalization} layer. */
export function groupNormalization(args: GroupNormalizationArgs = {}): GroupNormalization {
  return new GroupNormalization(args);
}

/** An {@link InstanceNormalization} layer. */
export function instanceNormalization(args: Omit<GroupNormalizationArgs, "groups"> = {}): InstanceNormalization {
  return new InstanceNormalization(args);
}
