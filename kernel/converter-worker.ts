/**
 * Worker thread that owns tslab's converters (TypeScript type-check + transpile). Building the TypeScript program
 * takes 1–3 s of one core; on the main thread that blocked every request that arrived meanwhile, so JupyterLab showed
 * the kernel as "Unknown" while a lesson opened. Here it warms up at once, in parallel, and the main thread stays free
 * to answer (and to take an interrupt while a cell is type-checked).
 */
import { parentPort, workerData } from "worker_threads";
import type { CodeMetadata } from "tslab/dist/metadata";
import type { Converter } from "tslab/dist/converter";
import { inReadingOrder } from "./complete";
import { loadConverterModule } from "./fast-converter";

export interface ConverterWorkerData {
  /** Declarations of the kernel's globals (display, input…), added to both converters as a module. */
  globalsDecl: string;
}

export type ConverterRequest =
  | { op: "warm" }
  | { op: "convert"; prevDecl: string; src: string }
  | { op: "addModule"; browser: boolean; name: string; src: string; meta: CodeMetadata }
  | { op: "complete"; prevDecl: string; src: string; position: number }
  | { op: "inspect"; prevDecl: string; src: string; position: number };

export interface ConverterCall {
  id: number;
  request: ConverterRequest;
}

export type ConverterAnswer = { id: number; result: unknown } | { id: number; error: string };

const { globalsDecl } = workerData as ConverterWorkerData;
let node: Converter | undefined;
let browser: Converter | undefined;

function created(isBrowser: boolean): Converter {
  const { createConverter } = loadConverterModule();
  const converter = createConverter({ isJS: false, isBrowser });
  const diags = converter.addModule("__cnnlab_globals__", globalsDecl);
  if (diags.length) parentPort!.postMessage({ log: `cnnlab: globals declaration: ${diags.map((d) => d.messageText).join("; ")}` });
  return converter;
}

const nodeConverter = () => (node ??= created(false));
const browserConverter = () => (browser ??= created(true));

function answer(request: ConverterRequest): unknown {
  switch (request.op) {
    case "warm":
      nodeConverter();
      return undefined;
    case "convert":
      return nodeConverter().convert(request.prevDecl, request.src);
    case "addModule":
      return (request.browser ? browserConverter() : nodeConverter()).addModule(request.name, request.src, request.meta);
    case "complete": {
      // Only what complete.ts reads: TypeScript's own entries carry more than a message can.
      const info = nodeConverter().complete(request.prevDecl, request.src, request.position);
      const entries = (info.original?.entries ?? []).map((e) => ({ name: e.name, kind: e.kind }));
      return { start: info.start, end: info.end, candidates: inReadingOrder(info.candidates, entries), original: { entries } };
    }
    case "inspect": {
      const info = nodeConverter().inspect(request.prevDecl, request.src, request.position);
      return info && { displayParts: info.displayParts, documentation: info.documentation, tags: info.tags };
    }
  }
}

parentPort!.on("message", (call: ConverterCall) => {
  let reply: ConverterAnswer;
  try {
    reply = { id: call.id, result: answer(call.request) };
  } catch (e) {
    reply = { id: call.id, error: (e as Error)?.stack ?? String(e) };
  }
  parentPort!.postMessage(reply);
});
