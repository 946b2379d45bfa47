import { createRequire } from "module";
import { useBestBackend, type BackendName } from "../../src/engine";
import { loadNativeEngine } from "../../src/engine/native/binding";

/** The engines every kernel test runs on; "native" only where set-up built it (CI must have it). */
export const engines = ["native", "wasm", "cpu"] as const;
/** Every engine a model can train on: the kernel engines plus "tensorflow" (tfjs-node) where `npm run setup:native` installed it. */
export const trainingEngines = [...engines, "tensorflow"] as const;
export type Engine = (typeof trainingEngines)[number];

/**
 * Skips a suite for an optional engine that is missing here, saying why. The native engine is required under CI
 * (where .ci/run installs oneDNN): a missing one fails there, so its kernels cannot go untested unnoticed.
 * tfjs-node is optional everywhere, but one that is installed and does not load fails the test.
 */
export function requireEngine(context: Mocha.Context, engine: Engine): void {
  if (engine === "native") {
    const load = loadNativeEngine();
    if (load.ok) return;
    if (process.env.CI === "true") throw new Error(`the native engine is missing in CI: ${load.why}`);
    skipOnce(context, `native engine tests skipped: ${load.why}`);
  }
  if (engine === "tensorflow" && !isInstalled("@tensorflow/tfjs-node")) {
    skipOnce(
      context,
      "tensorflow engine tests skipped: tfjs-node is not installed (`npm run setup:native` installs it)",
    );
  }
}

const said = new Set<string>();

function skipOnce(context: Mocha.Context, why: string): never {
  if (!said.has(why)) console.log(`      (${why})`);
  said.add(why);
  context.skip();
}

function isInstalled(name: string): boolean {
  try {
    createRequire(__filename).resolve(name);
    return true;
  } catch {
    return false;
  }
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
