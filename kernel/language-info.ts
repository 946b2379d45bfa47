/**
 * The kernel_info reply's language_info. JupyterLab copies it into a notebook's metadata when the kernel connects,
 * so the lessons commit exactly this object (a test compares them): otherwise opening an untouched lesson marks it
 * modified.
 */
/** The TypeScript that tslab's converter really uses (its fork of the compiler), read without loading it. */
export const TS_VERSION: string = require("@tslab/typescript-for-tslab/package.json").version;

export function languageInfo() {
  return {
    name: "typescript",
    version: TS_VERSION,
    mimetype: "text/typescript",
    file_extension: ".ts",
    pygments_lexer: "typescript",
    // The plain-string form: every client accepts it (an object form broke strict protocol libraries), and
    // JupyterLab resolves "typescript" to its TypeScript highlighting.
    codemirror_mode: "typescript",
  };
}
