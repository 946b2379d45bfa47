/**
 * Kernel entry point: `node dist/kernel/main.js <connection_file>` (what kernel.json's argv runs).
 */
import { readConnectionFile } from "./connection";
import { Kernel } from "./protocol";

export async function startKernel(connectionFile: string): Promise<Kernel> {
  const kernel = new Kernel(readConnectionFile(connectionFile));
  await kernel.start();
  return kernel;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: node dist/kernel/main.js <connection_file>\n");
    process.exit(2);
  }
  startKernel(file).catch((e) => {
    process.stderr.write(`cnnlab: kernel failed to start: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
