import * as fs from "fs";
import { writeFileAtomically } from "../files";
import * as os from "os";
import * as path from "path";
import { inspect } from "util";
import { isDisplayable, JUPYTER_DISPLAY, MimeBundle } from "../contract";

/**
 * Objects whose text/html needs outside help in a notebook (a plotly figure reuses the plotly.js an earlier output
 * loaded) answer this symbol with HTML that stands alone, for files opened outside any notebook.
 */
export const STANDALONE_HTML: unique symbol = Symbol.for("cnnlab.standaloneHtml") as never;

/** Directory for pictures and pages written when no kernel is there to show them. */
export function fallbackDirectory(): string {
  return path.join(os.tmpdir(), "cnnlab-display");
}

/**
 * Shows `value` in a plain Node process (a script, a test): the text goes to the console, and a picture or a page
 * is written under the OS temp directory with its path printed, so a script run still leaves something to open.
 */
export function displayWithoutKernel(value: unknown, id: string): void {
  if (!isDisplayable(value)) {
    console.log(typeof value === "string" ? value : inspect(value, { depth: 4, colors: false }));
    return;
  }
  const result = value[JUPYTER_DISPLAY]();
  if (result instanceof Promise) {
    result.then(
      (bundle) => writeBundle(value, bundle, id),
      (error: unknown) => console.error(`display failed: ${String(error)}`),
    );
    return;
  }
  writeBundle(value, result, id);
}

function writeBundle(value: unknown, bundle: MimeBundle, id: string): void {
  const lines = [bundle["text/plain"]];
  const directory = fallbackDirectory();
  const png = bundle["image/png"];
  const standalone = (value as Record<symbol, unknown>)[STANDALONE_HTML];
  const html = typeof standalone === "function" ? (standalone.call(value) as string) : bundle["text/html"];
  if (typeof png === "string" || typeof html === "string") {
    fs.mkdirSync(directory, { recursive: true });
  }
  if (typeof png === "string") {
    const file = path.join(directory, `${id}.png`);
    writeFileAtomically(file, Buffer.from(png, "base64"));
    lines.push(`(picture written to ${file})`);
  } else if (typeof html === "string" && bundle["application/vnd.plotly.v1+json"] !== undefined) {
    // Tables read fine as text; a chart does not, so only charts get a page on disk.
    const file = path.join(directory, `${id}.html`);
    writeFileAtomically(file, html);
    lines.push(`(page written to ${file})`);
  }
  console.log(lines.join("\n"));
}
