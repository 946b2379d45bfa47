/**
 * Installing the `cnnlab` kernelspec: kernel.json plus logo-32x32.png / logo-64x64.png drawn with `canvas`.
 */
import fs from "fs";
import os from "os";
import path from "path";

export const KERNEL_NAME = "cnnlab";
export const DISPLAY_NAME = "TypeScript (cnnlab)";
/** The repository (package) root: dist/kernel/ is two levels below it. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  metadata: Record<string, unknown>;
}

export function kernelSpec(): KernelSpec {
  return {
    argv: [process.execPath, path.join(PACKAGE_ROOT, "dist", "kernel", "main.js"), "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    // "message": the io worker reads interrupt_request on its own thread, so it arrives while a loop holds the main
    // thread, and the loop's interrupt check sees it (interrupt.ts). A SIGINT can only be handled once the main
    // thread is free again (vm's breakOnSigint aside), so it cannot stop a loop after an `await`.
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
}

/** Where Jupyter looks for per-user data (jupyter_core.paths.jupyter_data_dir). */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32")
    return path.join(process.env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
  return path.join(process.env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

export interface InstallOptions {
  /** Installs to <prefix>/share/jupyter/kernels/cnnlab. */
  prefix?: string;
  /** Installs to the per-user Jupyter data directory. */
  user?: boolean;
  force?: boolean;
}

export interface InstallResult {
  dir: string;
  /** "updated": the spec there was an earlier version of this one (the same kernel program), rewritten. */
  action: "installed" | "replaced" | "updated" | "unchanged";
}

export class KernelSpecConflict extends Error {
  name = "KernelSpecConflict";
}

export function targetDir(opts: InstallOptions): string {
  if (opts.prefix && opts.user) throw new Error("use either --prefix DIR or --user, not both");
  if (opts.user) return path.join(userDataDir(), "kernels", KERNEL_NAME);
  const prefix = opts.prefix ?? path.join(PACKAGE_ROOT, ".venv");
  if (!opts.prefix && !fs.existsSync(prefix)) {
    throw new Error(
      `no project virtual environment at ${prefix}; pass --prefix DIR (e.g. sys.prefix of your Jupyter) or --user`,
    );
  }
  return path.join(path.resolve(prefix), "share", "jupyter", "kernels", KERNEL_NAME);
}

export function install(opts: InstallOptions = {}): InstallResult {
  const dir = targetDir(opts);
  const json = JSON.stringify(kernelSpec(), null, 2) + "\n";
  const file = path.join(dir, "kernel.json");
  let action: InstallResult["action"] = "installed";
  if (fs.existsSync(file)) {
    const existing = fs.readFileSync(file, "utf8");
    if (sameSpec(existing, json)) {
      writeLogos(dir, false);
      return { dir, action: "unchanged" };
    }
    if (sameKernel(existing, json)) action = "updated";
    else if (!opts.force) {
      throw new KernelSpecConflict(
        `a different kernelspec "${KERNEL_NAME}" already exists at ${dir}; rerun with --force to replace it`,
      );
    } else action = "replaced";
  }
  fs.mkdirSync(dir, { recursive: true });
  replaceFile(file, json);
  writeLogos(dir, true);
  return { dir, action };
}

/**
 * Writes `file` whole or not at all: the bytes go to a temporary file beside it and one rename puts them in place, so
 * Jupyter (or a later install) finds the old spec or the new one, never half of one. The same idea as the library's
 * writeFileAtomically (src/files.ts), which the kernel may not import.
 */
function replaceFile(file: string, data: string | Buffer): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  try {
    const descriptor = fs.openSync(temporary, "w");
    try {
      fs.writeFileSync(descriptor, data);
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Both specs start the same kernel program (this checkout's main.js with the same Node). */
function sameKernel(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a).argv) === JSON.stringify(JSON.parse(b).argv);
  } catch {
    return false;
  }
}

function sameSpec(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

function writeLogos(dir: string, overwrite: boolean): void {
  for (const size of [32, 64]) {
    const file = path.join(dir, `logo-${size}x${size}.png`);
    if (!overwrite && fs.existsSync(file)) continue;
    try {
      replaceFile(file, drawLogo(size));
    } catch (e) {
      process.stderr.write(
        `cnnlab: could not draw ${path.basename(file)} (${(e as Error).message}); the kernel works without it\n`,
      );
    }
  }
}

/** A small logo: a 3x3 convolution kernel grid on TypeScript blue, drawn with `canvas`. */
export function drawLogo(size: number): Buffer {
  const { createCanvas } = require("canvas") as typeof import("canvas");
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext("2d");
  const r = size / 8;
  ctx.fillStyle = "#3178c6";
  ctx.beginPath();
  ctx.moveTo(r, 0);
  ctx.arcTo(size, 0, size, size, r);
  ctx.arcTo(size, size, 0, size, r);
  ctx.arcTo(0, size, 0, 0, r);
  ctx.arcTo(0, 0, size, 0, r);
  ctx.fill();
  const pad = size * 0.18;
  const cell = (size - 2 * pad) / 3;
  const weights = [0.25, 0.6, 0.25, 0.6, 1, 0.6, 0.25, 0.6, 0.25];
  for (let i = 0; i < 9; i++) {
    const x = pad + (i % 3) * cell;
    const y = pad + Math.floor(i / 3) * cell;
    ctx.fillStyle = `rgba(255,255,255,${weights[i]})`;
    ctx.fillRect(x + cell * 0.08, y + cell * 0.08, cell * 0.84, cell * 0.84);
  }
  return canvas.toBuffer("image/png");
}
