// Compiles cnnlab's native training kernels (src/engine/native/*.cc: oneDNN convolutions and matrix products,
// OpenMP pooling, batch norm and ReLU) into build/engine/cnnlab_engine.node with the system C++ compiler, for
// this machine's processor. Nothing is downloaded. When it cannot be built, set-up goes on: the engine then trains
// on wasm, and build/engine/status.json records why, so that useBestBackend() can say so in its one line.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const flags = [
  "-std=c++17",
  "-O3",
  "-march=native",
  "-fopenmp",
  "-shared",
  "-fPIC",
  "-DNODE_GYP_MODULE_NAME=cnnlab_engine",
];

function probe(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  return { ok: !result.error && result.status === 0, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** Node-API headers: in Node's own install prefix (Linux packages and the official tarballs both ship them). */
function nodeHeaders() {
  const candidates = [
    join(dirname(process.execPath), "..", "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ];
  return candidates.find((directory) => existsSync(join(directory, "node_api.h")));
}

function compiler() {
  for (const candidate of [process.env.CXX, "c++", "g++", "clang++"].filter(Boolean)) {
    const version = probe(candidate, ["--version"]);
    if (version.ok) return { command: candidate, version: version.stdout.split("\n")[0] };
  }
  return undefined;
}

/** Whether a small program compiles and links with `flags`; the first error line if not. */
function compiles(cxx, directory, name, program, flags) {
  const test = join(directory, `${name}.cc`);
  writeFileSync(test, program);
  // Libraries after the source: linkers with --as-needed drop a library named before the code that uses it.
  const result = probe(cxx, ["-std=c++17", test, ...flags, "-o", join(directory, name)]);
  rmSync(test, { force: true });
  rmSync(join(directory, name), { force: true });
  return result.ok
    ? { ok: true }
    : { ok: false, why: result.stderr.split("\n").find((line) => /error/.test(line)) ?? "" };
}

/**
 * Builds the native engine when its sources, the compiler or this script changed since the last build.
 * @returns {{ built: boolean, line?: string }} line: one sentence for the set-up output when it was not built.
 */
export function ensureNativeEngine(root, say) {
  const sources = join(root, "src", "engine", "native");
  const output = join(root, "build", "engine");
  const addon = join(output, "cnnlab_engine.node");
  const statusFile = join(output, "status.json");
  const files = readdirSync(sources)
    .filter((name) => /\.(cc|h)$/.test(name))
    .sort();
  const cxx = compiler();
  const hash = createHash("sha256");
  for (const name of files) hash.update(name).update(readFileSync(join(sources, name)));
  hash
    .update(readFileSync(new URL(import.meta.url)))
    .update(cxx?.command ?? "")
    .update(cxx?.version ?? "no compiler")
    .update(process.arch);
  const want = hash.digest("hex");
  mkdirSync(output, { recursive: true });
  if (existsSync(statusFile)) {
    const previous = JSON.parse(readFileSync(statusFile, "utf8"));
    if (previous.hash === want && (previous.built ? existsSync(addon) : true)) return previous;
  }
  const record = (status) => {
    writeFileSync(statusFile, JSON.stringify({ hash: want, ...status }, null, 2) + "\n");
    return status;
  };
  const notBuilt = (why, fix) => {
    rmSync(addon, { force: true });
    const line = `native engine not built: ${why}; training uses wasm — fix: ${fix}, then run the command again`;
    say(line);
    return record({ built: false, why, fix, line });
  };
  if (cxx === undefined)
    return notBuilt("no C++ compiler found", "install one (Debian/Ubuntu: sudo apt-get install build-essential)");
  const headers = nodeHeaders();
  if (headers === undefined)
    return notBuilt(
      `Node-API headers (node_api.h) not found beside ${process.execPath}`,
      "install Node.js with its headers (the official tarball, or Debian's nodejs package)",
    );
  // Homebrew's prefix on Apple silicon is not on the compiler's default paths.
  const extra = process.platform === "darwin" ? ["-I/opt/homebrew/include", "-L/opt/homebrew/lib"] : [];
  const openMp = compiles(
    cxx.command,
    output,
    "openmp-probe",
    "#include <omp.h>\nint main() { return omp_get_max_threads() > 0 ? 0 : 1; }\n",
    [...extra, "-fopenmp"],
  );
  if (!openMp.ok)
    return notBuilt(
      `${cxx.command} has no OpenMP (-fopenmp)`,
      "use GCC or an LLVM clang with libomp (macOS: brew install libomp llvm, then CXX=$(brew --prefix llvm)/bin/clang++)",
    );
  const oneDnn = compiles(
    cxx.command,
    output,
    "onednn-probe",
    "#include <oneapi/dnnl/dnnl.hpp>\nint main() { dnnl::engine e(dnnl::engine::kind::cpu, 0); return 0; }\n",
    [...extra, "-ldnnl"],
  );
  if (!oneDnn.ok) return notBuilt("oneDNN not found", "sudo apt-get install libdnnl-dev (macOS: brew install onednn)");
  say("compiling the native engine (oneDNN + OpenMP kernels) for this processor...");
  const started = Date.now();
  // Written beside and renamed over the old one: a kernel or notebook that has the old one loaded keeps its copy
  // (overwriting a loaded shared library in place can crash the process using it).
  const fresh = `${addon}.${process.pid}.tmp`;
  const compiled = probe(cxx.command, [
    ...flags,
    ...extra,
    `-I${headers}`,
    ...files.filter((name) => name.endsWith(".cc")).map((name) => join(sources, name)),
    "-ldnnl",
    "-o",
    fresh,
  ]);
  if (compiled.ok) renameSync(fresh, addon);
  else rmSync(fresh, { force: true });
  if (!compiled.ok) {
    process.stderr.write(compiled.stderr.split("\n").slice(0, 30).join("\n") + "\n");
    return notBuilt(
      "the C++ compiler failed on src/engine/native (first errors above)",
      "report the errors above as a cnnlab bug",
    );
  }
  say(`native engine compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return record({ built: true, compiler: cxx.version });
}
