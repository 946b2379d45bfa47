// Executes every lesson in FULL mode (real data sizes and epochs, the numbers the lesson text talks about) into
// build/notebooks/: an executed copy NN-name.ipynb and a page NN-name.html a teacher can publish. The sources in
// notebooks/ are never written. Runs after scripts/setup.mjs (`npm run notebooks`).
//
//   npm run notebooks                 all lessons
//   npm run notebooks -- 03 06        only lessons whose file name starts with 03 or 06
//   npm run notebooks -- --fast       fast mode (CNNLAB_FAST=1), to check the pipeline quickly
//
// While a lesson runs it says which cell (k of N) it is at, the elapsed time, what the lesson prints and the training
// dashboard's progress line (scripts/execute_notebook.py).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sources = join(root, "notebooks");
const output = join(root, "build", "notebooks");
const jupyter = join(root, ".venv", "bin", "jupyter");
const python = join(root, ".venv", "bin", "python");
const args = process.argv.slice(2);
const fast = args.includes("--fast");
const wanted = args.filter((arg) => !arg.startsWith("--"));

const env = { ...process.env };
if (fast) env.CNNLAB_FAST = "1";
else delete env.CNNLAB_FAST;

if (!existsSync(jupyter)) {
  console.error(
    "notebooks: .venv/bin/jupyter is missing; run `node scripts/setup.mjs` first (npm run notebooks does).",
  );
  process.exit(1);
}

const lessons = readdirSync(sources)
  .filter((name) => /^\d\d-.*\.ipynb$/.test(name))
  .filter((name) => wanted.length === 0 || wanted.some((prefix) => name.startsWith(prefix)))
  .sort();
if (lessons.length === 0) {
  console.error(`notebooks: no lesson in ${sources} matches ${wanted.join(" ") || "NN-name.ipynb"}`);
  process.exit(1);
}

mkdirSync(output, { recursive: true });
console.log(`Executing ${lessons.length} lesson(s) in ${fast ? "fast" : "full"} mode into ${output}`);

function nbconvert(nbArgs) {
  const result = spawnSync(jupyter, ["nbconvert", ...nbArgs], {
    cwd: root,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  return result.status === 0;
}

const results = [];
for (const lesson of lessons) {
  const stem = lesson.replace(/\.ipynb$/, "");
  const started = Date.now();
  console.log(`\n== ${stem}`);
  // The executed copy is written to build/ (never over the source); the kernel starts in the source's folder,
  // notebooks/, as when a student opens the lesson there.
  const execution = spawnSync(
    python,
    [join(root, "scripts", "execute_notebook.py"), join(sources, lesson), join(output, `${stem}.ipynb`)],
    { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] },
  );
  const ran = execution.status === 0;
  const seconds = (Date.now() - started) / 1000;
  const page = ran && nbconvert(["--to", "html", "--output-dir", output, join(output, `${stem}.ipynb`)]);
  results.push({ stem, ran, page, seconds });
  console.log(`== ${stem}: ${ran ? "executed" : "FAILED"} in ${seconds.toFixed(1)} s${page ? ", HTML written" : ""}`);
}

console.log(`\nLesson wall times (${fast ? "fast" : "full"} mode):`);
for (const { stem, ran, page, seconds } of results) {
  console.log(
    `  ${stem.padEnd(44)} ${seconds.toFixed(1).padStart(8)} s  ${ran ? (page ? "ok" : "executed, HTML failed") : "FAILED"}`,
  );
}
const total = results.reduce((sum, { seconds }) => sum + seconds, 0);
console.log(`  ${"total".padEnd(44)} ${total.toFixed(1).padStart(8)} s`);
process.exit(results.every(({ ran, page }) => ran && page) ? 0 : 1);
