import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, KernelConfig } from "@tensorflow/tfjs-core";
import type { BackendName } from "../backend";
import { avgPoolGradConfig } from "./avgPoolGrad";
import { conv2dBackpropFilterConfig } from "./conv2dBackpropFilter";
import { conv2dBackpropInputWasmConfig } from "./conv2dBackpropInput";
import { fusedBatchNormGradient } from "../gradients/fusedBatchNormGradient";
import { tileGradient } from "../gradients/tileGradient";
import { maxPoolGradConfig } from "./maxPoolGrad";
import { tileConfig } from "./tile";

const registered = new Set<string>();
let gradientsRegistered = false;

/** Gradients that replace tfjs's own for every backend (they are written in tfjs ops, so they run anywhere). */
export const engineGradients = [tileGradient, fusedBatchNormGradient];

/**
 * Registers cnnlab's kernels for `backendName` (once per backend) and our gradients (once), and returns the
 * kernel names. The only place in cnnlab that calls tf.registerKernel and tf.registerGradient. Must run after the backend is initialised: tfjs runs a kernel's setup only
 * on setBackend, and the stock kernels we replace are kept (already set up) as fallbacks.
 */
export function registerEngineKernels(backendName: BackendName): string[] {
  if (!gradientsRegistered) {
    for (const gradient of engineGradients) {
      stockGradients.set(gradient.kernelName, tf.getGradient(gradient.kernelName));
      tf.registerGradient(gradient);
    }
    gradientsRegistered = true;
  }
  if (backendName === "tensorflow") return [];
  const configs = backendName === "wasm" ? wasmKernels() : cpuKernels();
  if (!registered.has(backendName)) {
    for (const config of configs) replaceKernel(config);
    registered.add(backendName);
  }
  return configs.map((config) => config.kernelName);
}

function wasmKernels(): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig("wasm"),
    conv2dBackpropInputWasmConfig(stockKernel(tf.Conv2DBackpropInput, "wasm")),
    // The stock wasm MaxPoolGrad sends gradients to the wrong pixels with padding "same" (kernels.test.ts).
    maxPoolGradConfig("wasm"),
    avgPoolGradConfig("wasm"),
    tileConfig("wasm", stockKernel(tf.Tile, "wasm")),
  ];
}

function cpuKernels(): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig("cpu"),
    maxPoolGradConfig("cpu"),
    avgPoolGradConfig("cpu"),
    tileConfig("cpu", stockKernel(tf.Tile, "cpu")),
  ];
}

const stockGradients = new Map<string, GradConfig | undefined>();

/** The gradient tfjs itself registered for this kernel, before we replaced it (tests compare against it). */
export function stockGradient(kernelName: string): GradConfig | undefined {
  return stockGradients.has(kernelName) ? stockGradients.get(kernelName) : tf.getGradient(kernelName);
}

const stockKernels = new Map<string, KernelConfig | undefined>();

/** The kernel tfjs itself registered under this name, before we replaced it (tests compare against it). */
export function stockKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  const key = `${backendName}_${kernelName}`;
  if (!stockKernels.has(key)) stockKernels.set(key, tf.getKernel(kernelName, backendName));
  return stockKernels.get(key);
}

function replaceKernel(config: KernelConfig): void {
  stockKernel(config.kernelName, config.backendName);
  // Unregister first: registerKernel over an existing kernel prints a warning meant for accidental clashes.
  if (tf.getKernel(config.kernelName, config.backendName) !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}
