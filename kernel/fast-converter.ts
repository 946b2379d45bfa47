/**
 * tslab's converter with two changes: trivial cells are fast, and `{ x }` finds an earlier cell's `x`.
 *
 * tslab builds every cell's program through TypeScript's default watch builder
 * (EmitAndSemanticDiagnosticsBuilderProgram), whose BuilderState re-walks the references of EVERY file in the
 * program (hundreds of tfjs .d.ts files) for each new program: ~100-200 ms per cell once tfjs is imported. The
 * converter only needs the program itself plus "local .ts/.js files this cell depends on", so we give the watch
 * host an abstract builder (a thin wrapper around the program, still reusing the old program's structure and
 * parsed files) with a getAllDependencies that walks the cell's resolved imports and stops at declaration files.
 *
 * The patch is applied by loading tslab's converter.js source with a one-line hook before createWatchProgram. A
 * second hook wraps tslab's getCustomTransformers: `{ x }` works when an earlier cell declared `x`
 * (previous-cell-shorthand.ts), and every loop checks for an interrupt (loop-check.ts). A hook whose target is
 * missing from the source (another tslab version) is left out with a warning.
 */
import fs from "fs";
import Module from "module";
import path from "path";
import type * as tsTypes from "@tslab/typescript-for-tslab";
import { loopChecks } from "./loop-check";
import { withPreviousCellShorthand } from "./previous-cell-shorthand";

type ConverterModule = typeof import("tslab/dist/converter");

const WATCH_TARGET = "const watch = ts.createWatchProgram(host);";
const TRANSFORMERS_TARGET = "function getCustomTransformers(checker, declsFile, locals, setLastExprName) {";
let cached: ConverterModule | undefined;

export function loadConverterModule(): ConverterModule {
  if (cached) return cached;
  const original = require.resolve("tslab/dist/converter");
  let source = fs.readFileSync(original, "utf8");
  const hooks = `const __cnnlab = require(${JSON.stringify(__filename)});\n`;
  if (source.includes(WATCH_TARGET)) {
    source = source.replace(WATCH_TARGET, `__cnnlab.patchWatchHost(host, ts); ${WATCH_TARGET}`);
  } else {
    process.stderr.write("cnnlab: tslab's converter.js changed; its watch host is left unpatched (slower cells)\n");
  }
  if (source.includes(TRANSFORMERS_TARGET)) {
    source = source.replace(
      TRANSFORMERS_TARGET,
      "function getCustomTransformers(checker, declsFile, locals, setLastExprName) {\n" +
        "        return __cnnlab.cellTransformers(ts, checker, declsFile, " +
        "tslabGetCustomTransformers(checker, declsFile, locals, setLastExprName));\n    }\n" +
        "    function tslabGetCustomTransformers(checker, declsFile, locals, setLastExprName) {",
    );
  } else {
    process.stderr.write(
      "cnnlab: tslab's converter.js changed; `{ x }` of an earlier cell's x will fail and loops cannot be interrupted\n",
    );
  }
  const mod = new Module(original, module) as any;
  mod.filename = original;
  mod.paths = (Module as any)._nodeModulePaths(path.dirname(original));
  mod._compile(hooks + source, original);
  return (cached = mod.exports as ConverterModule);
}

type CustomTransformers = Parameters<typeof withPreviousCellShorthand>[3];

/** tslab's transformers for a cell, plus ours: the shorthand expansion first, the loop checks last. */
export function cellTransformers(
  ts: typeof tsTypes,
  checker: tsTypes.TypeChecker,
  declsFile: tsTypes.SourceFile,
  tslab: CustomTransformers,
): CustomTransformers {
  const transformers = withPreviousCellShorthand(ts, checker, declsFile, tslab);
  return { ...transformers, after: [...(transformers.after ?? []), loopChecks(ts)] };
}

/** Makes the watch host create abstract builders with a cheap getAllDependencies. */
export function patchWatchHost(host: any, ts: typeof tsTypes): void {
  host.createProgram = (
    rootNames: any,
    options: any,
    compilerHost: any,
    oldProgram: any,
    configDiags: any,
    refs: any,
  ) => {
    const builder = ts.createAbstractBuilder(rootNames, options, compilerHost, oldProgram, configDiags, refs) as any;
    builder.getAllDependencies = (sf: tsTypes.SourceFile) => localDependencies(builder.getProgram(), sf);
    // tslab reads `sourceFile.locals` right after a rebuild; the default builder had bound every file by then
    // (its BuilderState asks the checker). Bind on access instead: the checker skips already-bound files.
    const getSourceFile = builder.getSourceFile;
    builder.getSourceFile = (fileName: string) => {
      const sf = getSourceFile(fileName);
      if (sf && !(sf as any).locals) (ts as any).bindSourceFile(sf, builder.getProgram().getCompilerOptions());
      return sf;
    };
    return builder;
  };
}

/**
 * `sf` and every file it reaches through imports and `/// <reference path>`, not descending into declaration
 * files (they cannot import .ts/.js sources the converter would have to emit).
 */
export function localDependencies(program: tsTypes.Program, sf: tsTypes.SourceFile): string[] {
  const seen = new Set<string>([sf.fileName]);
  const stack = [sf];
  while (stack.length) {
    const file = stack.pop()!;
    const next: string[] = [];
    (file as any).resolvedModules?.forEach((r: any) => {
      const name = r?.resolvedModule?.resolvedFileName;
      if (name) next.push(name);
    });
    for (const ref of file.referencedFiles)
      next.push(path.resolve(path.dirname(file.fileName), ref.fileName).replace(/\\/g, "/"));
    for (const name of next) {
      if (seen.has(name)) continue;
      seen.add(name);
      const dep = program.getSourceFile(name);
      if (dep && !dep.isDeclarationFile) stack.push(dep);
    }
  }
  return [...seen];
}
