// Opens JupyterLab from the project-local .venv on notebooks/, where our kernel is the registered TypeScript kernel.
// Extra arguments pass through: `npm run lab -- --no-browser --port 8899`.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const jupyter = join(root, ".venv", "bin", "jupyter");
const args = ["lab", `--ServerApp.root_dir=${join(root, "notebooks")}`, ...process.argv.slice(2)];
// JupyterLab refuses to start as root without this flag; containers and CI machines often run as root.
if (process.getuid?.() === 0 && !args.includes("--allow-root")) {
  console.log("[cnnlab lab] running as root: passing --allow-root to JupyterLab");
  args.push("--allow-root");
}
const lab = spawn(jupyter, args, { cwd: join(root, "notebooks"), stdio: "inherit" });
// Ctrl-C reaches JupyterLab through the terminal's process group; keep this wrapper alive until it has shut down.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => lab.kill(signal));
lab.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
lab.on("error", (error) => {
  console.error(`could not start JupyterLab from .venv: ${error.message}`);
  process.exit(1);
});
