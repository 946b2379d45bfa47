import * as tf from "@tensorflow/tfjs";
import { activeNativeBinding } from "../backend";
import { WasmHeap } from "../kernels/native/heap";
import { refuseBeyondMemoryCap } from "../memoryCap";
import type { NativeBinding, TrainingStepHandle } from "../native/binding";
import type { AdamState } from "../optimizers/adam";
import { planTrainingStep, type TrainingStepPlan } from "./plan";

interface OptimizerCounter {
  learningRate: number;
  incrementIterations(): void;
}

interface BackendReferences {
  refCount(dataId: object): number;
}

/** The loss and accuracy of the batch a step trained on. */
export interface StepOutcome {
  loss: number;
  accuracy: number;
}

/** Where a native step's time went, per step, as its first thread saw it (waits for the other thread included). */
export interface StepTimes {
  layers: Array<{ name: string; forwardMs: number; backwardMs: number }>;
  updateMs: number;
  /** Steps (and statistics passes) measured since the last call. */
  steps: number;
}

/** What runs train()'s steps: the native step when the network and optimiser allow it, or why not. */
export type CompiledStep = { ok: true; step: NativeTrainingStep } | { ok: false; why: string };

/**
 * A model's whole training step — forward pass, softmax cross-entropy, backward pass and the optimiser's update —
 * as one call into the native engine, which splits each batch between its threads (training_step.h). Weights,
 * batch norm's moving statistics and the optimiser's state stay tfjs's own variables, updated in place, so
 * predict(), evaluate(), getWeights() and a later tfjs-driven step see every update.
 */
export class NativeTrainingStep {
  private readonly arguments: Float64Array;
  private readonly result = new Float64Array(2);
  private readonly inputSize: number;
  private readonly classes: number;

  private constructor(
    private readonly binding: NativeBinding,
    private readonly handle: TrainingStepHandle,
    private readonly plan: TrainingStepPlan,
    private readonly optimizer: tf.Optimizer,
    private readonly adam: AdamState | undefined,
    private readonly moments: Array<[tf.Variable, tf.Variable] | undefined>,
  ) {
    this.arguments = new Float64Array(12 + 5 * plan.parameters.length);
    this.classes = plan.spec[0];
    this.inputSize = plan.spec[2 + 6];
  }

  /**
   * The native step for `model` trained with `optimizer` on `trained` (the variables train() hands the
   * optimiser, in that order), or why the model trains layer by layer: not the native engine, an optimiser other
   * than Adam or SGD, or a layer the step does not know.
   */
  static compile(model: tf.LayersModel, optimizer: tf.Optimizer, trained: tf.Variable[]): CompiledStep {
    const binding = activeNativeBinding();
    if (binding === undefined) return { ok: false, why: "the native engine is not the active one" };
    const kind = optimizer.getClassName();
    if (kind !== "Adam" && kind !== "SGD")
      return { ok: false, why: `the ${kind} optimiser has no native update (Adam and SGD do)` };
    const planned = planTrainingStep(model, trained);
    if (!planned.ok) return planned;
    const plan = planned.plan;
    const adam = kind === "Adam" ? (optimizer as unknown as AdamState) : undefined;
    const moments: Array<[tf.Variable, tf.Variable] | undefined> = [];
    for (const parameter of plan.parameters) {
      if (adam === undefined || !parameter.trained) {
        moments.push(undefined);
        continue;
      }
      const found = momentsOf(adam, trained, parameter.variable);
      if (!found.ok) return found;
      moments.push(found.moments);
    }
    const handle = binding.createTrainingStep(plan.spec);
    return { ok: true, step: new NativeTrainingStep(binding, handle, plan, optimizer, adam, moments) };
  }

  /** Trains on one batch: `images` [batch, height, width, channels] and one-hot `labels` [batch, classes]. */
  run(images: tf.Tensor, labels: tf.Tensor): StepOutcome {
    this.call(images, labels, -1);
    (this.optimizer as unknown as OptimizerCounter).incrementIterations();
    return { loss: this.result[0], accuracy: this.result[1] };
  }

  /**
   * A forward pass in training mode (batch statistics, dropout) that only moves batch norm's moving mean and
   * variance, with `momentum` for every layer: what re-estimating the statistics after an epoch runs per batch.
   */
  updateStatistics(images: tf.Tensor, momentum: number): void {
    this.call(images, undefined, momentum);
  }

  /** Milliseconds per step in each layer and the update since the last call (or since compiling). */
  times(): StepTimes {
    const numbers = this.binding.trainingStepProfile(this.handle);
    const count = this.plan.layerNames.length;
    const steps = numbers[2 * count + 1];
    const per = (ms: number) => (steps > 0 ? ms / steps : 0);
    return {
      layers: this.plan.layerNames.map((name, i) => ({
        name,
        forwardMs: per(numbers[i]),
        backwardMs: per(numbers[count + i]),
      })),
      updateMs: per(numbers[2 * count]),
      steps,
    };
  }

  private call(images: tf.Tensor, labels: tf.Tensor | undefined, statisticsMomentum: number): void {
    const batch = images.shape[0];
    if (images.size !== batch * this.inputSize || (labels !== undefined && labels.size !== batch * this.classes)) {
      throw new Error(
        `training step: a batch of ${batch} needs ${batch * this.inputSize} image values and ` +
          `${batch * this.classes} label values, got ${images.size} and ${labels?.size ?? 0}`,
      );
    }
    // The step's activations and gradients live in native memory that tfjs does not count: held to the cap here.
    refuseBeyondMemoryCap(
      "The native training step",
      batch * this.plan.workspacePerImage * Float32Array.BYTES_PER_ELEMENT,
      `its activations and gradients for a batch of ${batch}`,
    );
    const heap = new WasmHeap(tf.backend());
    // Written in place below: a variable sharing its memory with another tensor (a clone kept for early stopping)
    // gets memory of its own first.
    const written: tf.Variable[] = [];
    this.plan.parameters.forEach((parameter, i) => {
      written.push(parameter.variable);
      if (this.moments[i]) written.push(...this.moments[i]!);
    });
    if (this.adam) written.push(this.adam.accBeta1, this.adam.accBeta2);
    for (const variable of written) ownMemory(heap, variable);

    const args = this.arguments;
    const learningRate = (this.optimizer as unknown as OptimizerCounter).learningRate;
    args.set([
      batch,
      heap.offset(images),
      heap.offset(labels),
      this.adam ? 1 : 0,
      learningRate,
      this.adam?.beta1 ?? 0,
      this.adam?.beta2 ?? 0,
      this.adam?.epsilon ?? 0,
      this.adam ? heap.offset(this.adam.accBeta1) : -1,
      this.adam ? heap.offset(this.adam.accBeta2) : -1,
      statisticsMomentum,
      this.plan.parameters.length,
    ]);
    this.plan.parameters.forEach((parameter, i) => {
      const moments = this.moments[i];
      args.set(
        [
          heap.offset(parameter.variable),
          moments ? heap.offset(moments[0]) : -1,
          moments ? heap.offset(moments[1]) : -1,
          parameter.variable.size,
          parameter.trained ? 1 : 0,
        ],
        12 + 5 * i,
      );
    });
    this.binding.runTrainingStep(this.handle, heap.heap(), args, this.result);
  }
}

/** Adam's moments of `variable`, made as tfjs makes them when this optimiser has not stepped yet. */
function momentsOf(
  adam: AdamState,
  trained: tf.Variable[],
  variable: tf.Variable,
): { ok: true; moments: [tf.Variable, tf.Variable] } | { ok: false; why: string } {
  const index = trained.indexOf(variable);
  const slots = [adam.accumulatedFirstMoment, adam.accumulatedSecondMoment] as const;
  const moments = slots.map((list, which) => {
    const name = `${variable.name}/${which === 0 ? "m" : "v"}`;
    list[index] ??= { originalName: name, variable: tf.tidy(() => tf.zerosLike(variable).variable(false)) };
    return list[index]!.originalName === name ? list[index]!.variable : undefined;
  });
  if (moments[0] === undefined || moments[1] === undefined) {
    return {
      ok: false,
      why: `the optimiser's state at position ${index} belongs to another variable than ${variable.name}`,
    };
  }
  return { ok: true, moments: [moments[0], moments[1]] };
}

function ownMemory(heap: WasmHeap, variable: tf.Variable): void {
  const backend = tf.backend() as unknown as BackendReferences;
  if (backend.refCount(variable.dataId) <= 1) return;
  const copy = heap.allocate([...variable.shape]);
  const from = heap.offset(variable);
  const bytes = new Uint8Array(heap.heap());
  bytes.copyWithin(heap.offset(copy), from, from + variable.size * 4);
  const tensor = tf.engine().makeTensorFromTensorInfo(copy);
  variable.assign(tensor);
  tensor.dispose();
}
