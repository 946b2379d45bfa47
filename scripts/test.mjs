// Runs every test suite after scripts/setup.mjs: the formatter's check and the linter, mocha over the compiled
// TypeScript tests, then the Python-driven suites (kernel protocol conformance, notebook execution) with pytest from
// .venv. Suites tagged @slow, and every
// lesson in full mode with its claims checked, are left to `npm run test:slow`; the browser suite is `npm run test:e2e`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const slow = process.argv.includes("--slow");
// Lessons and training tests shrink their data and epochs in this mode so the whole run fits CI's time.
const env = { ...process.env, CNNLAB_FAST: process.env.CNNLAB_FAST ?? "1" };

function run(command, args) {
  console.log(`\n> ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  return result.status ?? 1;
}

// The formatter and the linter first: a few seconds, and a failure names the file and the fix (`npm run format`).
const sources = "{src,kernel,test,bench,scripts}/**/*.{ts,mjs}";
let failed = false;
if (!slow) {
  const prettier = join(root, "node_modules", "prettier", "bin", "prettier.cjs");
  const eslint = join(root, "node_modules", "eslint", "bin", "eslint.js");
  failed ||= run(process.execPath, [prettier, "--check", "--log-level", "warn", sources]) !== 0;
  failed ||=
    run(process.execPath, [
      eslint,
      "--config",
      "scripts/eslint.config.mjs",
      "src",
      "kernel",
      "test",
      "bench",
      "scripts",
    ]) !== 0;
}

const mocha = join(root, "node_modules", "mocha", "bin", "mocha.js");
const mochaArgs = ["--recursive", "--timeout", "120000", "dist/test/**/*.test.js"];
mochaArgs.push(...(slow ? ["--grep", "@slow"] : ["--grep", "@slow", "--invert"]));
failed ||= run(process.execPath, [mocha, ...mochaArgs]) !== 0;

function hasPythonTests(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some((entry) =>
    entry.isDirectory() ? hasPythonTests(join(dir, entry.name)) : /^test_.*\.py$/.test(entry.name),
  );
}

const python = join(root, ".venv", "bin", "python");
if (!slow && hasPythonTests(join(root, "test"))) {
  const pytest = run(python, [
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "test",
    "--ignore=test/e2e",
    "--ignore=test/hub",
  ]);
  failed ||= pytest !== 0;
}
if (slow) {
  // Every lesson in full mode and the claims the lessons build on (test/notebooks/test_full_mode.py).
  env.CNNLAB_SLOW = "1";
  delete env.CNNLAB_FAST;
  const lessons = run(python, [
    "-m",
    "pytest",
    "-q",
    "-s",
    "-p",
    "no:cacheprovider",
    "test/notebooks/test_full_mode.py",
  ]);
  failed ||= lessons !== 0;
}
process.exit(failed ? 1 : 0);
