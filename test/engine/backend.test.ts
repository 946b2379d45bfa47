import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const repositoryRoot = path.resolve(__dirname, "../../..");

/** Runs a script in a fresh Node process (a clean tfjs) from the repository root and returns its output. */
function runScript(
  script: string,
  environment: Record<string, string | undefined> = {},
): { stdout: string; stderr: string; status: number | null } {
  const env = { ...process.env, ...environment };
  for (const [key, value] of Object.entries(environment)) if (value === undefined) delete env[key];
  const result = spawnSync(process.execPath, ["-e", script], {
    cwd: repositoryRoot,
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function engineLines(output: string): string[] {
  return output.split("\n").filter((line) => line.startsWith("cnnlab engine:"));
}

const report = `.then(info => console.log("RESULT " + JSON.stringify({ name: info.name, tfjsBackend: info.tfjsBackend, backend: require("@tensorflow/tfjs").getBackend(), kernels: info.kernels })))
  .catch(error => { console.log("ERROR " + error.message); })`;

function result(stdout: string): { name: string; tfjsBackend: string; backend: string; kernels: string[] } {
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `the script reported a result; stdout was:\n${stdout}`);
  return JSON.parse(line.slice("RESULT ".length));
}

describe("useBestBackend", function () {
  this.timeout(60_000);

  it("prints one line naming the backend, however often it is called", () => {
    const out = runScript(
      `const { useBestBackend } = require("cnnlab");
      useBestBackend().then(() => useBestBackend()).then(() => useBestBackend())${report}`,
      { CNNLAB_BACKEND: undefined },
    );
    const lines = engineLines(out.stdout);
    assert.equal(lines.length, 1, `one engine line, got:\n${out.stdout}`);
    const chosen = result(out.stdout);
    assert.equal(chosen.backend, chosen.tfjsBackend, "the active tfjs backend is the one reported");
    assert.equal(chosen.tfjsBackend, chosen.name === "native" ? "wasm" : chosen.name);
    assert.match(lines[0], new RegExp(`^cnnlab engine: ${chosen.name}\\b`));
    assert.doesNotMatch(out.stdout + out.stderr, /install our node backend/, "tfjs's node-backend banner is silenced");
  });

  it("follows CNNLAB_BACKEND, and the argument overrides it", () => {
    const forced = runScript(`require("cnnlab").useBestBackend()${report}`, { CNNLAB_BACKEND: "cpu" });
    assert.equal(result(forced.stdout).backend, "cpu");
    assert.match(engineLines(forced.stdout)[0], /^cnnlab engine: cpu .*CNNLAB_BACKEND=cpu/);
    assert.ok(result(forced.stdout).kernels.includes("Conv2DBackpropFilter"), "cpu gets the typed-array kernels");
    assert.doesNotMatch(
      forced.stdout + forced.stderr,
      /install our node backend/,
      "tfjs's node-backend banner is silenced",
    );

    const argument = runScript(`require("cnnlab").useBestBackend({ backend: "wasm" })${report}`, {
      CNNLAB_BACKEND: "cpu",
    });
    assert.equal(result(argument.stdout).backend, "wasm");
    assert.ok(result(argument.stdout).kernels.includes("Conv2DBackpropFilter"), "wasm gets the gradient kernels");
  });

  it("stays silent with quiet, and rejects an unknown backend with the names it accepts", () => {
    const quiet = runScript(`require("cnnlab").useBestBackend({ backend: "cpu", quiet: true })${report}`);
    assert.equal(engineLines(quiet.stdout).length, 0);
    const unknown = runScript(`require("cnnlab").useBestBackend({ backend: "webgpu" })${report}`);
    assert.match(unknown.stdout, /ERROR .*unknown backend "webgpu".*tensorflow, wasm, cpu/);
  });

  it("runs wasm on 2 threads when asked, trains, and lets the script exit", () => {
    const out = runScript(`const tf = require("@tensorflow/tfjs");
      require("cnnlab").useBestBackend({ backend: "wasm", threads: 2, quiet: true }).then(async (info) => {
        const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
        model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
        const history = await model.fit(tf.ones([4, 8, 8, 1]), tf.zeros([4, 2]), { epochs: 1, verbose: 0 });
        console.log("RESULT " + JSON.stringify({ threads: info.threads, loss: history.history.loss[0] }));
      });`);
    // A pthread worker left referenced would keep the process alive until spawnSync's timeout kills it.
    assert.equal(out.status, 0, `the script exits by itself; stderr:\n${out.stderr}`);
    const line = out.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    assert.ok(line, out.stdout + out.stderr);
    const parsed = JSON.parse(line.slice(7));
    assert.equal(parsed.threads, 2);
    assert.ok(Number.isFinite(parsed.loss));
  });

  it("trains on the native engine with every core, where set-up built it, and lets the script exit", function () {
    const out = runScript(`const tf = require("@tensorflow/tfjs");
      require("cnnlab").useBestBackend({ backend: "native" }).then(async (info) => {
        const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }), tf.layers.batchNormalization(), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
        model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
        const history = await model.fit(tf.ones([4, 8, 8, 1]), tf.zeros([4, 2]), { epochs: 1, verbose: 0 });
        console.log("RESULT " + JSON.stringify({ threads: info.threads, loss: history.history.loss[0] }));
      }, (error) => console.log("ERROR " + error.message));`);
    if (/ERROR .*native engine not built/.test(out.stdout) && process.env.CI !== "true") this.skip();
    assert.equal(out.status, 0, `the script exits by itself; stderr:\n${out.stderr}`);
    assert.match(
      engineLines(out.stdout)[0] ?? "",
      /^cnnlab engine: native \(oneDNN [\d.]+ \+ OpenMP kernels on wasm, \d+ threads?\)/,
    );
    const line = out.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    assert.ok(line, out.stdout + out.stderr);
    const parsed = JSON.parse(line.slice(7));
    assert.equal(parsed.threads, require("os").availableParallelism());
    assert.ok(Number.isFinite(parsed.loss));
  });

  it("is not run by importing cnnlab: plain tfjs code keeps working synchronously", () => {
    const out = runScript(`const tf = require("@tensorflow/tfjs");
      const { version } = require("cnnlab");
      const sum = tf.tensor([1, 2, 3]).sum().dataSync()[0];
      console.log("RESULT " + JSON.stringify({ sum, backend: tf.getBackend(), version }));`);
    assert.equal(out.status, 0, out.stderr);
    const line = out.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    assert.ok(line, out.stdout + out.stderr);
    const parsed = JSON.parse(line.slice(7));
    assert.equal(parsed.sum, 6);
    assert.equal(parsed.backend, "cpu");
    assert.equal(engineLines(out.stdout).length, 0);
  });
});
