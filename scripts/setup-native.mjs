// `npm run setup:native`: makes the optional native engine @tensorflow/tfjs-node work from registry sources only,
// so that useBestBackend() can pick "tensorflow" by itself (after the native engine, when that is built).
//
// Why this exists: tfjs-node's own install script downloads libtensorflow from storage.googleapis.com, which many
// networks (and this project's CI) cannot reach, so npm drops the optional dependency. PyPI's tensorflow-cpu wheel
// ships the same TensorFlow C API (TF_* and TFE_* are exported by libtensorflow_cc.so.2) plus its headers, so we
// take the library from there and compile tfjs-node's small addon against it with npm's own node-gyp.
//
// Linux x86-64 only. Plain Node with no dependencies, like setup.mjs. Idempotent: a second run checks that the
// engine loads and stops. It never replaces a tfjs-node that already works or that is a different version.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const tfjsNodeVersion = packageJson.optionalDependencies?.["@tensorflow/tfjs-node"] ?? "4.22.0";
// The TensorFlow release whose C API tfjs-node 4.22 is known to build and train against (tested with 2.21.0; tfjs-node
// itself was built against 2.9, and the C API has stayed compatible). The bench pins the same wheel, so its
// .venv-bench can lend us the files without a second download.
const tensorflowVersion = "2.21.0";
const wheelName = `tensorflow-cpu==${tensorflowVersion}`;
const packageDir = join(root, "node_modules", "@tensorflow", "tfjs-node");
const markerFile = join(packageDir, ".cnnlab-native.json");
const cacheDir = join(root, "build", "native");
const extractedDir = join(cacheDir, `tensorflow-cpu-${tensorflowVersion}`);
const benchVenv = join(root, ".venv-bench");
const libraries = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"];
const useBenchVenv = !process.argv.includes("--download");

class SetupError extends Error {}

function say(line) {
  console.log(`[cnnlab setup:native] ${line}`);
}

function fail(lines) {
  throw new SetupError(["", "cnnlab setup:native stopped:", ...lines.map((line) => `  ${line}`), ""].join("\n"));
}

function capture(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  return {
    ok: !result.error && result.status === 0,
    status: result.status,
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
    error: result.error,
  };
}

function lastLines(text, count) {
  return text.trim().split("\n").slice(-count);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function checkPlatform() {
  if (process.platform !== "linux" || process.arch !== "x64") {
    fail([
      `The native engine is set up from PyPI's Linux x86-64 TensorFlow wheel; this machine is ${process.platform}-${process.arch}.`,
      "Nothing to fix for cnnlab: training runs on the wasm engine. (On other platforms tfjs-node's own",
      "install, `npm install @tensorflow/tfjs-node`, works where storage.googleapis.com is reachable.)",
    ]);
  }
}

// Loads tfjs-node in a fresh process, as cnnlab's useBestBackend() would, and runs one conv net training step.
// A separate process because loading it registers a backend and maps ~850 MB of TensorFlow into this one.
function probeEngine() {
  const script = `
    process.env.TF_CPP_MIN_LOG_LEVEL = "2";
    const started = Date.now();
    let tf;
    try {
      tf = require("@tensorflow/tfjs-node");
    } catch (error) {
      console.log("PROBE-ERROR " + String(error && error.message || error).split("\\n")[0]);
      process.exit(0);
    }
    (async () => {
      const model = tf.sequential({ layers: [
        tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: "relu" }),
        tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: "softmax" }) ] });
      model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
      const x = tf.randomNormal([16, 12, 12, 1]), y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], "int32"), 3);
      const history = await model.fit(x, y, { batchSize: 8, epochs: 2, verbose: 0 });
      console.log("PROBE " + JSON.stringify({ backend: tf.getBackend(), sum: tf.tensor([1, 2, 3]).sum().dataSync()[0],
        loss: history.history.loss[1], ms: Date.now() - started }));
    })().catch((error) => { console.log("PROBE-ERROR " + String(error && error.stack || error).split("\\n")[0]); });`;
  const result = capture(process.execPath, ["-e", script], { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" } });
  const output = result.stdout + result.stderr;
  const line = result.stdout.split("\n").find((l) => l.startsWith("PROBE "));
  if (line) {
    const probe = JSON.parse(line.slice("PROBE ".length));
    if (probe.backend === "tensorflow" && probe.sum === 6 && Number.isFinite(probe.loss)) return { ok: true, ...probe };
    return { ok: false, why: `it loaded but computed wrongly (${line})` };
  }
  const error = result.stdout.split("\n").find((l) => l.startsWith("PROBE-ERROR "));
  const why = error
    ? error.slice("PROBE-ERROR ".length)
    : (output.split("\n").find((l) => /Error|error:|cannot|not found/.test(l)) ??
      lastLines(output, 1)[0] ??
      `exit status ${result.status}`);
  return { ok: false, why: why.trim() };
}

// What is in node_modules now, and whether we may touch it.
function inspectInstalled() {
  const installed = readJson(join(packageDir, "package.json"));
  if (installed === undefined) return { state: "absent" };
  const marker = readJson(markerFile);
  const probe = probeEngine();
  if (probe.ok) return { state: marker ? "ours-working" : "theirs-working", version: installed.version, marker, probe };
  if (installed.version !== tfjsNodeVersion) {
    fail([
      `@tensorflow/tfjs-node ${installed.version} is installed but does not load (${probe.why}),`,
      `and cnnlab is set up for ${tfjsNodeVersion}; this script leaves a different version alone.`,
      `Fix: npm uninstall --no-save @tensorflow/tfjs-node   then run \`npm run setup:native\` again.`,
    ]);
  }
  return { state: marker ? "ours-broken" : "theirs-broken", version: installed.version, why: probe.why };
}

function ensureNodeLink() {
  // `npm install <name>` prunes packages missing from the lockfile, and cnnlab's self-link is one; setup.mjs makes it.
  const link = join(root, "node_modules", "cnnlab");
  try {
    if (lstatSync(link).isSymbolicLink()) return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // absent
  }
  symlinkSync("..", link, "dir");
}

function installPackage() {
  const running = capture("pgrep", ["-fa", "npm (install|i|ci) "]);
  if (running.ok && running.stdout.trim() !== "") {
    fail([
      "Another npm install is running in this machine; wait for it to finish, then run the command again.",
      running.stdout.trim(),
    ]);
  }
  say(
    `installing @tensorflow/tfjs-node ${tfjsNodeVersion} and its dependencies without its download script (npm install --no-save --ignore-scripts)...`,
  );
  const npm =
    process.env.npm_execpath && existsSync(process.env.npm_execpath)
      ? [process.execPath, [process.env.npm_execpath]]
      : ["npm", []];
  const result = capture(npm[0], [
    ...npm[1],
    "install",
    "--no-save",
    "--ignore-scripts",
    "--no-audit",
    "--no-fund",
    `@tensorflow/tfjs-node@${tfjsNodeVersion}`,
  ]);
  ensureNodeLink();
  if (!result.ok) {
    process.stderr.write(result.stderr);
    const unreachable = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(result.stderr);
    fail(
      unreachable
        ? [
            "npm could not reach its registry to fetch @tensorflow/tfjs-node.",
            "Fix: check the network or proxy (npm config get registry / https-proxy), then run the command again.",
          ]
        : ["npm could not install @tensorflow/tfjs-node (its error is above)."],
    );
  }
}

function findPythonWithPip() {
  const candidates = [join(root, ".venv", "bin", "python"), join(benchVenv, "bin", "python"), "python3", "python"];
  for (const candidate of candidates) {
    if (candidate.includes("/") && !existsSync(candidate)) continue;
    if (capture(candidate, ["-m", "pip", "--version"]).ok) return candidate;
  }
  const anyPython = ["python3", "python"].find((candidate) => capture(candidate, ["--version"]).ok);
  fail(
    anyPython
      ? [
          `${anyPython} has no pip, which fetches PyPI's tensorflow-cpu wheel (the source of the TensorFlow library).`,
          "Fix: run `npm run setup` first (it creates .venv, which has pip), or on Debian/Ubuntu: sudo apt-get install -y python3-pip",
        ]
      : [
          "No python3 found on PATH; it is needed to fetch PyPI's tensorflow-cpu wheel and to run node-gyp.",
          "Fix on Debian/Ubuntu: sudo apt-get install -y python3 python3-venv python3-pip   (macOS: brew install python)",
        ],
  );
}

function hasTensorflowFiles(tensorflowDir) {
  return (
    libraries.every((name) => existsSync(join(tensorflowDir, name))) &&
    existsSync(join(tensorflowDir, "include", "tensorflow", "c", "c_api.h"))
  );
}

// Returns the directory holding libtensorflow_cc.so.2, libtensorflow_framework.so.2 and include/.
function ensureTensorflowFiles() {
  const benchTensorflow = join(benchVenv, "lib");
  if (useBenchVenv && existsSync(benchTensorflow)) {
    for (const pythonDir of readdirSync(benchTensorflow)) {
      const sitePackages = join(benchTensorflow, pythonDir, "site-packages");
      if (
        existsSync(join(sitePackages, `tensorflow_cpu-${tensorflowVersion}.dist-info`)) &&
        hasTensorflowFiles(join(sitePackages, "tensorflow"))
      ) {
        say(
          `using TensorFlow ${tensorflowVersion} from the bench's ${relative(root, join(sitePackages, "tensorflow"))} (no download)`,
        );
        return join(sitePackages, "tensorflow");
      }
    }
  }
  const extracted = join(extractedDir, "tensorflow");
  if (existsSync(join(extractedDir, ".complete")) && hasTensorflowFiles(extracted)) {
    say(`using TensorFlow ${tensorflowVersion} cached in ${relative(root, extracted)}`);
    return extracted;
  }

  const python = findPythonWithPip();
  const downloadDir = join(cacheDir, "download");
  mkdirSync(downloadDir, { recursive: true });
  say(`downloading PyPI's ${wheelName} wheel (about 275 MB) into ${relative(root, downloadDir)}...`);
  // The C library does not depend on the Python version, so ask for one fixed wheel whatever Python runs pip.
  const pip = capture(
    python,
    [
      "-m",
      "pip",
      "download",
      "--disable-pip-version-check",
      "--no-deps",
      "--only-binary=:all:",
      "--implementation",
      "cp",
      "--python-version",
      "3.11",
      "--abi",
      "cp311",
      "--platform",
      "manylinux_2_27_x86_64",
      "--dest",
      downloadDir,
      wheelName,
    ],
    { stdio: ["ignore", "inherit", "pipe"] },
  );
  if (!pip.ok) {
    rmSync(downloadDir, { recursive: true, force: true });
    process.stderr.write(pip.stderr);
    const unreachable =
      /Failed to establish a new connection|Could not fetch URL|NewConnectionError|Temporary failure in name resolution|No matching distribution found|ProxyError|timed out/i.test(
        pip.stderr,
      );
    fail(
      unreachable
        ? [
            `pip could not fetch ${wheelName} from its package index.`,
            "Fix: check the network or proxy (HTTPS_PROXY), or point pip at a reachable mirror with PIP_INDEX_URL, then run the command again.",
          ]
        : [`pip download ${wheelName} failed (its error is above).`],
    );
  }
  const wheel = readdirSync(downloadDir).find(
    (name) => name.startsWith(`tensorflow_cpu-${tensorflowVersion}-`) && name.endsWith(".whl"),
  );
  if (!wheel) fail([`pip reported success but no tensorflow_cpu-${tensorflowVersion} wheel is in ${downloadDir}.`]);

  say("unpacking the TensorFlow C library and headers from the wheel...");
  const partial = `${extractedDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const unzip = capture(python, [
    "-c",
    `
import sys, zipfile
wanted = ("tensorflow/${libraries[0]}", "tensorflow/${libraries[1]}")
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        if name in wanted or name.startswith("tensorflow/include/"):
            wheel.extract(name, sys.argv[2])
`,
    join(downloadDir, wheel),
    partial,
  ]);
  if (!unzip.ok || !hasTensorflowFiles(join(partial, "tensorflow"))) {
    process.stderr.write(unzip.stderr);
    fail([`could not unpack the C library and headers from ${wheel} (the wheel's layout may have changed).`]);
  }
  rmSync(extractedDir, { recursive: true, force: true });
  renameSync(partial, extractedDir);
  writeFileSync(join(extractedDir, ".complete"), `${wheel}\n`);
  rmSync(downloadDir, { recursive: true, force: true });
  return extracted;
}

function nodeGypPath() {
  const candidates = [process.env.npm_config_node_gyp];
  const npmCli = capture("npm", ["root", "-g"]);
  if (npmCli.ok) candidates.push(join(npmCli.stdout.trim(), "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  candidates.push(
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  );
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found)
    fail([
      "node-gyp (which npm normally bundles) was not found.",
      "Fix: npm install -g node-gyp, then run the command again.",
    ]);
  return found;
}

function checkToolchain() {
  const compiler = process.env.CXX ?? "g++";
  if (!capture(compiler, ["--version"]).ok || !capture("make", ["--version"]).ok) {
    fail([
      `A C++ compiler (${compiler}) and make are needed to compile tfjs-node's addon; one of them is missing.`,
      "Fix on Debian/Ubuntu: sudo apt-get install -y build-essential   (macOS: xcode-select --install)",
    ]);
  }
  const gypPython = ["python3", "python"].find((candidate) => capture(candidate, ["--version"]).ok);
  if (!gypPython)
    fail([
      "node-gyp needs python3 to generate the addon's makefiles.",
      "Fix on Debian/Ubuntu: sudo apt-get install -y python3",
    ]);
  // node-gyp would download Node's headers from nodejs.org; use the ones installed with Node when there are some.
  const nodePrefix = dirname(dirname(process.execPath));
  const localHeaders =
    existsSync(join(nodePrefix, "include", "node", "node_api.h")) &&
    existsSync(join(nodePrefix, "include", "node", "common.gypi"));
  return { nodedir: localHeaders ? nodePrefix : undefined };
}

// Puts the library and headers where tfjs-node's binding.gyp looks: deps/include, and deps/lib with libtensorflow.so
// (what -ltensorflow links; its soname makes the addon ask for libtensorflow_cc.so.2 at runtime). The addon's rpath
// is $ORIGIN/../../deps/lib and libtensorflow_cc's is $ORIGIN, so no LD_LIBRARY_PATH is needed. The libraries are
// hard links (copies across file systems), so deleting .venv-bench or build/ later does not break the engine.
function fillDeps(tensorflowDir) {
  const deps = join(packageDir, "deps");
  const existing = existsSync(deps) ? readdirSync(deps) : [];
  if (existing.length > 0 && !existsSync(markerFile))
    say(`replacing ${relative(root, deps)}/ (${existing.join(", ")}), left by an earlier install that does not load`);
  rmSync(deps, { recursive: true, force: true });
  const lib = join(deps, "lib");
  mkdirSync(lib, { recursive: true });
  let copied = false;
  for (const name of libraries) {
    try {
      linkSync(join(tensorflowDir, name), join(lib, name));
    } catch {
      copyFileSync(join(tensorflowDir, name), join(lib, name));
      copied = true;
    }
  }
  symlinkSync("libtensorflow_cc.so.2", join(lib, "libtensorflow.so"));
  symlinkSync("libtensorflow_framework.so.2", join(lib, "libtensorflow_framework.so"));
  // Headers are needed only to compile (287 MB): link to them rather than copy.
  symlinkSync(join(tensorflowDir, "include"), join(deps, "include"), "dir");
  say(`${copied ? "copied" : "hard-linked"} ${libraries.join(" and ")} into ${relative(root, lib)}/`);
}

// The path tfjs-node will load its addon from: ask node-pre-gyp's find(), exactly as tfjs-node's index.js does.
function addonTarget() {
  const requireFromPackage = createRequire(join(packageDir, "package.json"));
  const preGyp = requireFromPackage("@mapbox/node-pre-gyp");
  const target = preGyp.find(join(packageDir, "package.json"));
  const napi = /napi-v(\d+)/.exec(target);
  if (!napi)
    fail([`node-pre-gyp names an unexpected addon path (${target}); cannot tell which N-API version to build.`]);
  return { target, napiVersion: napi[1] };
}

function buildAddon(nodedir) {
  const { target, napiVersion } = addonTarget();
  const nodeGyp = nodeGypPath();
  const args = [
    nodeGyp,
    "rebuild",
    ...(nodedir ? [`--nodedir=${nodedir}`] : []),
    "--",
    "-Dmodule_name=tfjs_binding",
    `-Dmodule_path=${dirname(target)}`,
    `-Dnapi_build_version=${napiVersion}`,
  ];
  say(
    `compiling tfjs-node's addon (N-API ${napiVersion}) with node-gyp${nodedir ? ` against Node's headers in ${nodedir}/include/node` : ""}...`,
  );
  const log = join(cacheDir, "node-gyp.log");
  mkdirSync(cacheDir, { recursive: true });
  const result = capture(process.execPath, args, { cwd: packageDir, env: { ...process.env, JOBS: "2" } });
  writeFileSync(log, result.stdout + result.stderr);
  if (!result.ok || !existsSync(target)) {
    const text = result.stdout + result.stderr;
    const headers = /nodejs\.org|ENOTFOUND|EAI_AGAIN|node_api\.h/.test(text);
    fail([
      "node-gyp could not build tfjs-node's addon. Its last lines:",
      ...lastLines(text, 12).map((line) => `  ${line}`),
      `Full log: ${relative(root, log)}`,
      headers
        ? "Fix: node-gyp needs Node's C headers; install them with Node (e.g. the official tarball or Debian's libnode-dev) or let it reach nodejs.org."
        : "Fix: make sure g++ and make work (sudo apt-get install -y build-essential), then run the command again.",
    ]);
  }
  say(`built ${relative(root, target)}`);
  return target;
}

try {
  const started = Date.now();
  checkPlatform();
  const found = inspectInstalled();
  if (found.state === "ours-working") {
    say(
      `@tensorflow/tfjs-node ${found.version} already works (built by this script against TensorFlow ${found.marker.tensorflow}, ` +
        `checked with a conv net training step in ${(found.probe.ms / 1000).toFixed(1)} s); nothing to do`,
    );
  } else if (found.state === "theirs-working") {
    say(
      `@tensorflow/tfjs-node ${found.version} is already installed and works (not set up by this script); leaving it as it is`,
    );
  } else {
    if (found.state === "absent") installPackage();
    else
      say(`@tensorflow/tfjs-node ${found.version} is installed but does not load (${found.why}); rebuilding its addon`);
    const { nodedir } = checkToolchain();
    const tensorflowDir = ensureTensorflowFiles();
    fillDeps(tensorflowDir);
    // Marked before building, so that a later run knows this tfjs-node is ours to rebuild even if this one stops.
    const marker = {
      tfjsNode: tfjsNodeVersion,
      tensorflow: tensorflowVersion,
      source: `PyPI ${wheelName}`,
      verified: false,
    };
    writeFileSync(markerFile, JSON.stringify(marker, null, 2) + "\n");
    const addon = buildAddon(nodedir);
    say("checking that it loads and trains a small conv net...");
    const probe = probeEngine();
    if (!probe.ok) {
      fail([
        `the addon was built but tfjs-node still does not work: ${probe.why}`,
        `Build log: ${relative(root, join(cacheDir, "node-gyp.log"))}. To go back to the wasm engine: npm uninstall --no-save @tensorflow/tfjs-node`,
      ]);
    }
    writeFileSync(
      markerFile,
      JSON.stringify(
        { ...marker, verified: true, addon: relative(packageDir, addon), builtAt: new Date().toISOString() },
        null,
        2,
      ) + "\n",
    );
    say(
      `@tensorflow/tfjs-node ${tfjsNodeVersion} now runs on TensorFlow ${tensorflowVersion} (from PyPI's tensorflow-cpu wheel)`,
    );
  }
  say(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s; useBestBackend() picks "tensorflow" where the native engine is not built; CNNLAB_BACKEND=tensorflow forces it.`,
  );
  say(
    "note: `npm ci` (or an npm install that rebuilds node_modules) removes it again; rerun `npm run setup:native` then (it reuses the cached TensorFlow).",
  );
} catch (error) {
  if (error instanceof SetupError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
