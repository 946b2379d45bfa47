/**
 * Cell execution: tslab's converter (TypeScript type-check + transpile, with declarations carried from cell to cell;
 * it runs in a worker thread, converter-worker.ts) and a vm-based executor modelled on tslab's executor.js, changed to
 * - return the last value instead of printing it (the protocol turns it into an execute_result),
 * - report TS diagnostics and runtime errors as structured errors (ename/evalue/traceback),
 * - run every cell in an interruptible Execution (see interrupt.ts),
 * - keep the declarations a cell made before it threw or was interrupted (partial-declarations.ts),
 * - run top-level `for await` like top-level `await`.
 */
import Module from "module";
import path from "path";
import vm from "vm";
import type { Diagnostic } from "tslab/dist/converter";
import type { ConverterClient } from "./converter-client";
import { Execution, InterruptController, isSigintError, KeyboardInterrupt } from "./interrupt";
import { declarationsAfterStop, takeDeclaredNames } from "./partial-declarations";

export type ExecOutcome =
  | { status: "ok"; hasValue: boolean; value?: unknown }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

/** Global `__cnnlab_cell__` (read by the wrapped cell code): the cells' shared exports and require. */
const CELL_GLOBAL = "__cnnlab_cell__";

export function diagnosticsToError(diags: Diagnostic[]): ExecOutcome {
  const lines = diags.map(
    (d) => `${d.fileName ? d.fileName + " " : ""}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`,
  );
  return {
    status: "error",
    ename: "TSError",
    evalue: lines[0] ?? "TypeScript error",
    traceback: lines.map((l) => `\x1b[31mTSError\x1b[0m ${l}`),
  };
}

/** Converts anything thrown into ename/evalue/traceback, dropping kernel-internal stack frames. */
export function errorToOutcome(e: unknown): ExecOutcome & { status: "error" } {
  if (e instanceof Error || (e != null && typeof e === "object" && "stack" in e && "message" in e)) {
    const err = e as Error;
    const ename = err.name || err.constructor?.name || "Error";
    const evalue = String(err.message ?? "");
    const frames = String(err.stack ?? "")
      .split("\n")
      .slice(1)
      .filter(
        (l) =>
          /^\s+at /.test(l) &&
          !l.includes(__dirname) &&
          !/\(?node:/.test(l) &&
          !/\bnode_modules[\\/]tslab[\\/]/.test(l),
      );
    return { status: "error", ename, evalue, traceback: [`\x1b[31m${ename}\x1b[0m: ${evalue}`, ...frames] };
  }
  const evalue = require("util").inspect(e);
  return { status: "error", ename: "Uncaught", evalue, traceback: [`\x1b[31mUncaught\x1b[0m ${evalue}`] };
}

export class Executor {
  private prevDecl = "";
  private readonly locals: Record<string, unknown> = {};
  /** Names the running cell has assigned on `exports` so far. */
  private assigned = new Set<string>();
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, NodeModule>();
  private cellCounter = 0;
  private tslabHooked = false;

  constructor(
    private readonly converter: ConverterClient,
    rootDir: string,
    private readonly interrupts: InterruptController,
    private readonly onTslabRequired: () => void = () => {},
  ) {
    const exportsProxy = createExports(this.locals, (name) => this.assigned.add(name));
    const req = this.wrapRequire(Module.createRequire(path.join(rootDir, "__cell__.js")), rootDir);
    (globalThis as any)[CELL_GLOBAL] = { exports: exportsProxy, require: req };
  }

  /** Variables defined by cells (for tests and user_expressions). */
  get variables(): Readonly<Record<string, unknown>> {
    return this.locals;
  }

  /** Builds the converter's TypeScript program in its thread, so the first cell does not wait for it. */
  warm(): Promise<void> {
    return this.converter.warm();
  }

  /**
   * Type-checks, transpiles and runs `src`. `keepDecls` false evaluates without carrying declarations forward
   * (user_expressions).
   */
  async execute(src: string, opts: { keepDecls?: boolean } = {}): Promise<ExecOutcome> {
    const keepDecls = opts.keepDecls ?? true;
    // Begun before type-checking, so an interrupt that arrives meanwhile keeps the cell from running.
    const ex = this.interrupts.begin();
    try {
      return await this.typeCheckAndRun(src, keepDecls, ex);
    } finally {
      this.interrupts.end(ex);
    }
  }

  private async typeCheckAndRun(src: string, keepDecls: boolean, ex: Execution): Promise<ExecOutcome> {
    const { getCodeMetadata } = require("tslab/dist/metadata") as typeof import("tslab/dist/metadata");
    const meta = getCodeMetadata(src);
    if (meta.module) {
      const diags = await this.converter.addModule(meta.mode === "browser", meta.module, src, meta);
      // Like tslab: the module is registered even when it has errors; errors are reported.
      return diags.length ? diagnosticsToError(diags) : { status: "ok", hasValue: false };
    }
    if (meta.mode === "browser") return { status: "ok", hasValue: false };

    const converted = await this.converter.convert(this.prevDecl, src);
    if (ex.interrupted) return interruptedOutcome();
    if (converted.sideOutputs) {
      for (const out of converted.sideOutputs) {
        this.sideModules.delete(out.path);
        this.sideOutputs.set(out.path, out.data);
      }
    }
    if (converted.diagnostics.length > 0) return diagnosticsToError(converted.diagnostics);
    if (!converted.output) {
      if (keepDecls) this.prevDecl = converted.declOutput || "";
      return { status: "ok", hasValue: false };
    }

    const { code, names } = takeDeclaredNames(converted.output);
    const isAsync = converted.hasToplevelAwait || hasTopLevelForAwait(src);
    this.assigned = new Set();
    try {
      const prefix = isAsync ? "(async function(exports, require) { " : "(function(exports, require) { ";
      const wrapped = `${prefix}${code}\n})(${CELL_GLOBAL}.exports, ${CELL_GLOBAL}.require)`;
      const filename = `cell${++this.cellCounter}.js`;
      const ret = this.interrupts.run(ex, () => vm.runInThisContext(wrapped, { filename, breakOnSigint: true }));
      // An interrupted cell whose code honours the abort signal (train()) finishes within the grace period and
      // completes normally; one that does not is stopped.
      if (isAsync) await Promise.race([ret, ex.stoppedPromise]);
    } catch (e) {
      if (keepDecls)
        this.prevDecl = declarationsAfterStop(
          loadTypeScript(),
          this.prevDecl,
          converted.declOutput || "",
          names,
          this.assigned,
        );
      if (isSigintError(e) || e instanceof KeyboardInterrupt || ex.interrupted) {
        ex.stop();
        return interruptedOutcome();
      }
      return errorToOutcome(e);
    }
    if (keepDecls) this.prevDecl = converted.declOutput || "";
    const name = converted.lastExpressionVar;
    if (name && name in this.locals) {
      const value = this.locals[name];
      delete this.locals[name];
      return { status: "ok", hasValue: true, value };
    }
    return { status: "ok", hasValue: false };
  }

  complete(src: string, position: number) {
    return this.converter.complete(this.prevDecl, src, position);
  }

  inspect(src: string, position: number) {
    return this.converter.inspect(this.prevDecl, src, position);
  }

  close(): void {
    this.converter.close();
  }

  /** require for cells: `tslab` is this kernel's tslab; side outputs (local .ts files) come from the converter. */
  private wrapRequire(req: NodeRequire, dirname: string): NodeRequire {
    const fallback = require;
    const requireFromSideOutputs = (id: string): unknown => {
      let filename = path.join(dirname, id).replace(/\\/g, "/");
      if (path.extname(filename) === "") filename += ".js";
      const cached = this.sideModules.get(filename);
      if (cached) return cached.exports;
      const code = this.sideOutputs.get(filename);
      if (code == null) return undefined;
      const mod = new Module(filename, module) as any;
      mod.filename = filename;
      mod.paths = (Module as any)._nodeModulePaths(path.dirname(filename));
      mod.require = this.wrapRequire(mod.require.bind(mod), path.dirname(filename));
      mod._compile(code, filename);
      this.sideModules.set(filename, mod);
      return mod.exports;
    };
    return new Proxy(req, {
      apply: (_target, thisArg, args: any[]) => {
        if (args.length !== 1 || typeof args[0] !== "string") return Reflect.apply(req, thisArg, args);
        const id = args[0];
        if (id === "tslab") {
          if (!this.tslabHooked) {
            this.tslabHooked = true;
            this.onTslabRequired();
          }
          return fallback("tslab");
        }
        if (id.startsWith(".")) {
          const side = requireFromSideOutputs(id);
          if (side !== undefined) return side;
        }
        try {
          return Reflect.apply(req, thisArg, args);
        } catch (e: any) {
          // A notebook outside the repository still finds the packages this kernel is installed with (cnnlab, tfjs).
          if (e?.code === "MODULE_NOT_FOUND" && !id.startsWith(".") && !path.isAbsolute(id)) return fallback(id);
          throw e;
        }
      },
    }) as NodeRequire;
  }
}

export function interruptedOutcome(): ExecOutcome {
  return {
    status: "error",
    ename: "KeyboardInterrupt",
    evalue: "Interrupted",
    traceback: ["\x1b[31mKeyboardInterrupt\x1b[0m: Interrupted"],
  };
}

/** The cells' shared `exports`: named imports become rewritable values (as in tslab); assignments are reported. */
function createExports(target: Record<string, unknown>, onAssign: (name: string) => void): Record<string, unknown> {
  return new Proxy(target, {
    defineProperty(_t, prop, attrs) {
      if (prop === "__esModule") return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      if (typeof prop === "string") onAssign(prop);
      return true;
    },
  });
}

function loadTypeScript(): typeof import("@tslab/typescript-for-tslab") {
  return require("@tslab/typescript-for-tslab");
}

/**
 * True when the cell has a `for await` outside any function: tslab detects top-level `await` from TypeScript's
 * diagnostic for it, and TypeScript reports none for `for await`.
 */
export function hasTopLevelForAwait(src: string): boolean {
  if (!/\bfor\s+await\b/.test(src)) return false;
  const ts = loadTypeScript();
  const file = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, true);
  const visit = (node: import("@tslab/typescript-for-tslab").Node): boolean => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
    if (ts.isForOfStatement(node) && node.awaitModifier) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return visit(file);
}

export type { Execution };
