/**
 * `npm run test:e2e`: the browser suite, every compiled `dist/test/e2e/*.e2e.js`, with mocha.
 *
 * Arguments pass through to narrow the run: `npm run test:e2e -- --grep 06-lenet` runs the tests whose titles match.
 * Lessons run in fast mode (CNNLAB_FAST=1) unless the caller sets CNNLAB_FAST itself.
 * Screenshots, the executed notebooks and the HTML exports are left in build/e2e/.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import Mocha from "mocha";

function grepFromArguments(args: string[]): string | undefined {
  const index = args.findIndex((arg) => arg === "--grep" || arg === "-g");
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith("--grep="))?.slice("--grep=".length);
}

process.env.CNNLAB_FAST ??= "1";
const grep = grepFromArguments(process.argv.slice(2));
// Per test; each test sets its own tighter limit where it knows one.
const mocha = new Mocha({ timeout: 15 * 60_000, reporter: "spec", ...(grep ? { grep } : {}) });
for (const file of readdirSync(__dirname).sort()) {
  if (file.endsWith(".e2e.js")) mocha.addFile(join(__dirname, file));
}
mocha.run((failures) => {
  process.exitCode = failures > 0 ? 1 : 0;
});
