import * as tf from "@tensorflow/tfjs-core";

/**
 * Stops the stock cpu backend from printing "Hi, looks like you are running TensorFlow.js in Node.js ... install
 * our node backend" on its first write.
 *
 * Why this way: the banner is printed once per cpu backend instance, guarded by its `firstUse` field. Flipping
 * that one field silences exactly this message; the alternatives (tf.enableProdMode(), the IS_TEST flag) would
 * also hide every other tfjs warning a student should see. The cpu backend is only looked up when it has already
 * been created or is about to be used, so this never changes which backend is active.
 */
export function silenceNodeBanner(): void {
  const registered = tf.engine().registry as Record<string, unknown>;
  const cpu = registered["cpu"] as { firstUse?: boolean } | undefined;
  if (cpu !== undefined && typeof cpu.firstUse === "boolean") cpu.firstUse = false;
}
