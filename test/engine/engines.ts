import { useBestBackend, type BackendName } from "../../src/engine";
import { loadNativeEngine } from "../../src/engine/native/binding";

/** The engines every kernel test runs on; "native" only where set-up built it (CI must have it). */
export const engines = ["native", "wasm", "cpu"] as const;
export type Engine = (typeof engines)[number];

/**
 * Skips a suite for the native engine when it was not built here, saying why; under CI (where .ci/run installs
 * oneDNN) a missing native engine fails instead, so the native kernels cannot go untested unnoticed.
 */
export function requireEngine(context: Mocha.Context, engine: Engine): void {
  if (engine !== "native") return;
  const load = loadNativeEngine();
  if (load.ok) return;
  if (process.env.CI === "true") throw new Error(`the native engine is missing in CI: ${load.why}`);
  console.log(`      (native engine tests skipped: ${load.why})`);
  context.skip();
}

/**
 * Hooks for a suite that switches engines: it starts from the default engine and gives it back afterwards, so the
 * suites after it train on what users get. `prepare` runs after the default is recorded (e.g. to initialise more
 * backends).
 */
export function returnToDefaultEngine(prepare?: () => Promise<void>): void {
  let original: BackendName | undefined;
  before(async () => {
    original = (await useBestBackend({ quiet: true })).name;
    await prepare?.();
  });
  after(async () => {
    if (original !== undefined) await useBestBackend({ backend: original, quiet: true });
  });
}
