import * as tf from "@tensorflow/tfjs-core";
import { formatBytes } from "../display";
import { memoryCapSetting, type MemoryCapSetting } from "../settings";
import { estimateOutput, tensorOfShape, type OutputEstimate } from "./outputEstimate";

/** Thrown instead of allocating a tensor that would take the process past `CNNLAB_MAX_MEMORY`. */
export class MemoryCapError extends Error {
  override readonly name = "MemoryCapError";
}

type Engine = ReturnType<typeof tf.engine>;

let cap: MemoryCapSetting | undefined;
const guardedEngines = new WeakSet<Engine>();
let creationFunctionsGuarded = false;

/**
 * Reads `CNNLAB_MAX_MEMORY` and holds tfjs's tensor memory (`tf.memory().numBytes`, counted by the engine for every
 * backend) under it from now on; called when the engine starts, and again to pick up a changed value. Unset: no cap
 * (nothing is wrapped; wrappers from an earlier cap let everything through). Throws the setting's error for a value
 * it cannot read.
 *
 * Why wrapping `engine.runKernel`: every tfjs operation on every backend reaches its kernel through that one method
 * of the one engine instance, which survives `tf.setBackend`, and its inputs and attributes are all we need to
 * know the output's size before the backend allocates it. tfjs offers no public hook that runs before a kernel.
 */
export function installMemoryCap(): MemoryCapSetting | undefined {
  cap = memoryCapSetting();
  if (cap === undefined) return undefined;
  const engine = tf.engine();
  if (!guardedEngines.has(engine)) {
    guardedEngines.add(engine);
    guardKernels(engine);
    guardTensorCreation(engine);
  }
  if (!creationFunctionsGuarded) {
    creationFunctionsGuarded = true;
    guardCreationFunctions();
  }
  return cap;
}

function guardKernels(engine: Engine): void {
  const runKernel = engine.runKernel.bind(engine);
  engine.runKernel = <T extends tf.Tensor | tf.Tensor[]>(
    kernelName: string,
    inputs: tf.NamedTensorMap,
    attributes?: tf.NamedAttrMap,
  ): T => {
    const limit = cap;
    if (limit === undefined) return runKernel<T>(kernelName, inputs, attributes);
    const output = estimateOutput(kernelName, inputs, attributes ?? {});
    if (output !== undefined) refuseBeyondCap(kernelName, output, limit);
    const before = engine.state.numBytes;
    const result = runKernel<T>(kernelName, inputs, attributes);
    const outputs: tf.Tensor[] = Array.isArray(result) ? result : [result as tf.Tensor];
    disposeBeyondCap(kernelName, outputs, before, limit, new Set(Object.values(inputs)));
    return result;
  };
}

/**
 * tf.tensor, tf.zeros and a buffer's toTensor() make their tensor without a kernel. Checked before the backend
 * copies the values (the wasm backend's memory would grow for good), though the values already exist in JavaScript.
 */
function guardTensorCreation(engine: Engine): void {
  const makeTensor = engine.makeTensor.bind(engine);
  engine.makeTensor = (values, shape, dtype, backend) => {
    const limit = cap;
    if (limit !== undefined) refuseBeyondCap("Creating a tensor", tensorOfShape(shape, dtype ?? "float32"), limit);
    return makeTensor(values, shape, dtype, backend);
  };
}

/** Where each creation function takes its dtype, for those that fill a JavaScript array before making a tensor. */
const creationFunctions: Readonly<Record<string, number>> = {
  zeros: 1,
  ones: 1,
  buffer: 1,
  randomNormal: 3,
  randomUniform: 3,
  truncatedNormal: 3,
  randomStandardNormal: 1,
};

/**
 * tf.randomNormal and its kind fill a JavaScript array of the full size before tfjs sees a tensor, so neither
 * runKernel nor makeTensor can refuse in time: `tf.randomNormal([60000, 28, 28, 64])` would write 12 GB first. Their
 * entries on tfjs-core's exports (which `@tensorflow/tfjs` re-exports through getters) are checked on the way in.
 */
function guardCreationFunctions(): void {
  const core = require("@tensorflow/tfjs-core") as Record<string, unknown>;
  for (const [name, dtypeArgument] of Object.entries(creationFunctions)) {
    const original = core[name];
    if (typeof original !== "function") continue;
    core[name] = (...args: unknown[]): unknown => {
      const limit = cap;
      const [shape] = args;
      const valuesGiven = name === "buffer" && args[2] !== undefined;
      if (limit !== undefined && Array.isArray(shape) && !valuesGiven) {
        const dtype = (args[dtypeArgument] as tf.DataType | undefined) ?? "float32";
        refuseBeyondCap(`tf.${name}`, tensorOfShape(shape.map(Number), dtype), limit);
      }
      return (original as (...parameters: unknown[]) => unknown)(...args);
    };
  }
}

function refuseBeyondCap(what: string, output: OutputEstimate, limit: MemoryCapSetting): void {
  const article = /^[aeiou]/.test(output.dtype) ? "an" : "a";
  refuse(what, output.bytes, `${article} ${output.dtype} tensor [${output.shape.join(", ")}]`, limit);
}

/**
 * Refuses memory that tfjs does not see, `bytes` that `what` is about to allocate for `purpose` (the native
 * training step's per-batch workspace), when it would not fit beside the tensors under `CNNLAB_MAX_MEMORY`.
 * Does nothing without a cap.
 */
export function refuseBeyondMemoryCap(what: string, bytes: number, purpose: string): void {
  if (cap !== undefined) refuse(what, bytes, purpose, cap);
}

function refuse(what: string, bytes: number, purpose: string, limit: MemoryCapSetting): void {
  const { numBytes, numTensors } = tf.engine().state;
  if (numBytes + bytes <= limit.bytes) return;
  throw new MemoryCapError(
    `${what} would need ${formatBytes(bytes)} for ${purpose}, ` +
      `but this kernel's memory cap CNNLAB_MAX_MEMORY=${limit.text} leaves ${formatBytes(Math.max(0, limit.bytes - numBytes))} ` +
      `(${formatBytes(numBytes)} in use in ${numTensors} tensors). ${fix}`,
  );
}

/** For kernels whose output size is not known beforehand: over the cap, their outputs are disposed again. */
function disposeBeyondCap(
  kernelName: string,
  outputs: tf.Tensor[],
  before: number,
  limit: MemoryCapSetting,
  inputs: Set<unknown>,
): void {
  const engine = tf.engine();
  const after = engine.state.numBytes;
  // Only an operation that added memory is refused, so that one can still work one's way back under the cap.
  if (after <= limit.bytes || after <= before) return;
  for (const output of outputs) if (!inputs.has(output)) output.dispose();
  const described = outputs.map((output) => `${output.dtype} [${output.shape.join(", ")}]`).join(", ");
  throw new MemoryCapError(
    `${kernelName} made ${formatBytes(after - before)} of tensors (${described}), which took this kernel past its ` +
      `memory cap CNNLAB_MAX_MEMORY=${limit.text}; they were disposed again ` +
      `(${formatBytes(engine.state.numBytes)} in use in ${engine.state.numTensors} tensors). ${fix}`,
  );
}

const fix =
  "Fix: use a smaller batch or shape, dispose tensors you no longer need (tf.tidy, tensor.dispose()), " +
  "or ask for a larger cap.";
