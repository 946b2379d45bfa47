import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig } from "@tensorflow/tfjs-core";

const aware = new WeakSet<object>();

/**
 * Marks a gradient kernel of cnnlab's (Conv2DBackpropInput/Filter, DepthwiseConv2dNativeBackpropInput/Filter) as
 * honouring a `dilations` attribute, which tfjs's own kernels of those names do not have. The dilated gradients then
 * run in one kernel instead of on the spread filter, which for rate d costs up to d² times the arithmetic.
 */
export function takesDilations(config: KernelConfig): KernelConfig {
  aware.add(config.kernelFunc);
  return config;
}

/** Whether the kernel registered under this name on the active tfjs backend computes dilated gradients itself. */
export function kernelTakesDilations(kernelName: string): boolean {
  const kernel = tf.getKernel(kernelName, tf.getBackend());
  return kernel !== undefined && aware.has(kernel.kernelFunc);
}
