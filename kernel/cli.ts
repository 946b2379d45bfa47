#!/usr/bin/env node
/**
 * cnnlab-kernel command line:
 *   install [--prefix DIR | --user] [--force]   writes the "cnnlab" kernelspec (default: the project's .venv)
 *   run <connection_file>                        starts the kernel (what kernel.json runs is dist/kernel/main.js)
 */
import { install, KernelSpecConflict } from "./kernelspec";

const USAGE = `usage: cnnlab-kernel install [--prefix DIR | --user] [--force]
       cnnlab-kernel run <connection_file>`;

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === "install") {
    let prefix: string | undefined;
    let user = false;
    let force = false;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      if (a === "--user") user = true;
      else if (a === "--force") force = true;
      else if (a === "--prefix") {
        prefix = rest[++i];
        if (!prefix) return fail("--prefix needs a directory");
      } else if (a.startsWith("--prefix=")) prefix = a.slice("--prefix=".length);
      else return fail(`unknown option ${a}\n${USAGE}`);
    }
    try {
      const r = install({ prefix, user, force });
      if (r.action === "unchanged") console.log(`kernelspec cnnlab already installed in ${r.dir}`);
      else if (r.action === "updated")
        console.log(`updated kernelspec cnnlab in ${r.dir} (it was written by an earlier version of this kernel)`);
      else console.log(`${r.action} kernelspec cnnlab in ${r.dir}`);
      return 0;
    } catch (e) {
      return fail(e instanceof KernelSpecConflict ? e.message : `install failed: ${(e as Error).message}`);
    }
  }
  if (command === "run") {
    if (!rest[0]) return fail(USAGE);
    require("./main")
      .startKernel(rest[0])
      .catch((e: Error) => {
        process.stderr.write(`cnnlab: kernel failed to start: ${e?.stack ?? e}\n`);
        process.exit(1);
      });
    return -1;
  }
  return fail(USAGE);
}

function fail(message: string): number {
  console.error(message);
  return command_error;
}
const command_error = 1;

if (require.main === module) {
  const code = main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
}
