// Brings a fresh clone (or a stale one) up to date before `npm run lab`, `npm test` and `npm run bench`:
// node modules, the compiled library and kernel, the project-local Python environment and our kernelspec in it.
// Plain Node with no dependencies on purpose: it has to run before `npm install` has ever happened.
// Every step is skipped when its inputs have not changed since it last succeeded, so a second run takes seconds.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  lstatSync,
  writeFileSync,
  rmSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNativeEngine } from "./native-engine.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const defaultVenv = join(root, ".venv");
const requirements = join(root, "scripts", "python-requirements.txt");
const quiet = process.argv.includes("--quiet");

export class SetupError extends Error {}

function say(line) {
  if (!quiet) console.log(`[cnnlab setup] ${line}`);
}

function fail(lines) {
  throw new SetupError(["", "cnnlab setup stopped:", ...lines.map((line) => `  ${line}`), ""].join("\n"));
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) fail([`could not run ${command}: ${result.error.message}`]);
  return result;
}

function capture(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8" });
  return { ok: !result.error && result.status === 0, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

function hashOf(...files) {
  const hash = createHash("sha256");
  for (const file of files) hash.update(existsSync(file) ? readFileSync(file) : "missing");
  return hash.digest("hex");
}

function stampSays(stampFile, value) {
  return existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === value;
}

function checkNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) {
    fail([
      `Node.js ${process.versions.node} is too old: cnnlab needs Node.js 20 or newer.`,
      "Fix: install Node 20 LTS or later (https://nodejs.org, or `nvm install 20`), then run the command again.",
    ]);
  }
}

// canvas compiles against cairo and pango; without their headers npm prints a long node-gyp trace that names
// neither, so look for them first and say exactly what to install.
function checkCanvasLibraries() {
  if (existsSync(join(root, "node_modules", "canvas", "build", "Release", "canvas.node"))) return;
  const packages = ["cairo", "pangocairo", "libpng", "libjpeg"];
  const probe = capture("pkg-config", ["--exists", "--print-errors", ...packages]);
  if (!probe.ok) {
    fail([
      "The system libraries that the `canvas` package builds against (cairo, pango, libpng, libjpeg) were not found" +
        (probe.stderr.includes("ENOENT") || probe.stderr === "" ? " (or pkg-config is missing)." : "."),
      "Fix on Debian/Ubuntu:",
      "  sudo apt-get install -y build-essential pkg-config libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev",
      "Fix on macOS (Homebrew):",
      "  brew install pkg-config cairo pango libpng jpeg giflib librsvg",
      "then run the command again.",
    ]);
  }
}

function ensureNodeModules() {
  const stamp = join(root, "node_modules", ".cnnlab-setup");
  const want = hashOf(join(root, "package.json"), join(root, "package-lock.json"));
  if (!stampSays(stamp, want)) {
    checkCanvasLibraries();
    const fresh = !existsSync(join(root, "node_modules"));
    say(fresh ? "installing node modules (npm ci)..." : "package.json or the lockfile changed: npm install...");
    const result = run("npm", [fresh ? "ci" : "install", "--no-audit", "--no-fund"]);
    if (result.status !== 0) fail(["npm could not install the node modules (see its output above)."]);
    writeFileSync(stamp, want + "\n");
  }
  if (!existsSync(join(root, "node_modules", "@tensorflow", "tfjs-node", "package.json"))) {
    say(
      "optional TensorFlow engine @tensorflow/tfjs-node is not installed (its install downloads libtensorflow; cnnlab's own native engine does not need it) — `npm run setup:native` builds it from PyPI's TensorFlow",
    );
  }
  // Notebooks anywhere under the repo import the library by its package name; node resolves that through this link.
  const link = join(root, "node_modules", "cnnlab");
  let linked;
  try {
    linked = lstatSync(link).isSymbolicLink();
  } catch {
    linked = false;
  }
  if (!linked) {
    if (existsSync(link)) rmSync(link, { recursive: true, force: true });
    symlinkSync("..", link, "dir");
  }
}

function newestSourceTime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const stamp = join(root, "dist", ".cnnlab-build");
  const inputs = ["src", "kernel", "test", "bench"].map((dir) => newestSourceTime(join(root, dir)));
  inputs.push(statSync(join(root, "tsconfig.json")).mtimeMs, statSync(join(root, "package.json")).mtimeMs);
  const newest = Math.max(...inputs);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest) return;
  say("compiling the library, kernel and tests (tsc)...");
  const result = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", root]);
  if (result.status !== 0) fail(["TypeScript compilation failed (errors above)."]);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, new Date().toISOString() + "\n");
}

function findPython(candidates = ["python3", "python"]) {
  for (const candidate of candidates) {
    const probe = capture(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
    if (!probe.ok) continue;
    const [major, minor] = probe.stdout.trim().split(".").map(Number);
    if (major === 3 && minor >= 9) return candidate;
    fail([
      `${candidate} is Python ${probe.stdout.trim()}; cnnlab's Jupyter side needs Python 3.9 or newer.`,
      "Fix: install Python 3.9+ (Debian/Ubuntu: sudo apt-get install -y python3 python3-venv; macOS: brew install python),",
      "then run the command again.",
    ]);
  }
  fail([
    "No python3 found on PATH; cnnlab runs JupyterLab from a project-local Python environment.",
    "Fix: install Python 3.9+ (Debian/Ubuntu: sudo apt-get install -y python3 python3-venv; macOS: brew install python).",
  ]);
}

function ensureVenv(venv, pythonCandidates) {
  const venvPython = join(venv, "bin", "python");
  const stamp = join(venv, ".cnnlab-requirements");
  const want = hashOf(requirements);
  if (stampSays(stamp, want) && capture(venvPython, ["-c", "pass"]).ok) return;
  if (!existsSync(venvPython)) {
    const python = findPython(pythonCandidates);
    const venvProbe = capture(python, ["-c", "import venv, ensurepip"]);
    if (!venvProbe.ok) {
      fail([
        `${python} has no working 'venv' module, which cnnlab needs to make its project-local .venv.`,
        "Fix on Debian/Ubuntu: sudo apt-get install -y python3-venv   (then run the command again)",
      ]);
    }
    say(`creating the project-local Python environment in ${relative(process.cwd(), venv) || ".venv"}...`);
    const made = run(python, ["-m", "venv", venv]);
    if (made.status !== 0) fail([`${python} -m venv .venv failed (see above).`]);
  }
  say(
    `installing the Python requirements (JupyterLab, nbclient, jupyter_kernel_test...) into ${relative(root, venv)}...`,
  );
  const pip = spawnSync(venvPython, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", requirements], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "inherit", "pipe"],
  });
  if (pip.status !== 0) {
    const err = pip.stderr ?? "";
    process.stderr.write(err);
    const unreachable =
      /Failed to establish a new connection|Could not fetch URL|NewConnectionError|Temporary failure in name resolution|No matching distribution found|ProxyError|timed out/i.test(
        err,
      );
    fail(
      unreachable
        ? [
            "pip could not reach its package index to install the Python requirements.",
            "Fix: check the network or proxy (HTTPS_PROXY), or point pip at a reachable mirror with PIP_INDEX_URL,",
            "then run the command again. Nothing was changed outside .venv.",
          ]
        : ["pip could not install scripts/python-requirements.txt into .venv (its error is above)."],
    );
  }
  writeFileSync(stamp, want + "\n");
}

function ensureKernelspec(venv) {
  const cli = join(root, "dist", "kernel", "cli.js");
  if (!existsSync(cli)) fail(["dist/kernel/cli.js is missing after the build; the kernel cannot be installed."]);
  const result = run(process.execPath, [cli, "install", "--prefix", venv], { stdio: quiet ? "ignore" : "inherit" });
  if (result.status !== 0) fail(["installing the cnnlab kernelspec into .venv failed (see above)."]);
}

/**
 * JupyterLab setting defaults for the project's lab, in .venv's settings overrides: the widget manager saves widget
 * state with the notebook, so a saved lesson (and its HTML export) keeps each explorer's last view. A value someone
 * already set there is kept.
 */
function ensureLabSettings(venv) {
  const file = join(venv, "share", "jupyter", "lab", "settings", "overrides.json");
  let overrides = {};
  if (existsSync(file)) {
    try {
      overrides = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      fail([`${file} is not valid JSON (${error.message}); fix or delete it, then run the command again.`]);
    }
  }
  const plugin = "@jupyter-widgets/jupyterlab-manager:plugin";
  if (overrides[plugin]?.saveState !== undefined) return;
  overrides[plugin] = { ...overrides[plugin], saveState: true };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(overrides, null, 2) + "\n");
}

/**
 * A Python environment at `prefix` with the requirements, our kernelspec and the lab settings, made from the first
 * of `pythons` that works; the classroom hub (scripts/hub.mjs) makes one its students' accounts can run.
 */
export function preparePythonEnvironment(prefix, pythons) {
  ensureVenv(prefix, pythons);
  ensureKernelspec(prefix);
  ensureLabSettings(prefix);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const started = Date.now();
    checkNode();
    ensureNodeModules();
    ensureBuild();
    ensureNativeEngine(root, say);
    preparePythonEnvironment(defaultVenv);
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    if (error instanceof SetupError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
