/**
 * Worker thread that owns tslab's converters (TypeScript type-check + transpile). Building the TypeScript program
 * takes 1–3 s of one core; on the main thread that blocked every request that arrived meanwhile, so JupyterLab showed
 * the kernel as "Unknown" while a lesson opened. Here it warms up at once, in parallel, and the main thread stays free
 * to answer (and to take an interrupt while a cell is type-checked).
 */
import v8 from "v8";
import vm from "vm";
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
  if (diags.length)
    parentPort!.postMessage({ log: `cnnlab: globals declaration: ${diags.map((d) => d.messageText).join("; ")}` });
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
      return (request.browser ? browserConverter() : nodeConverter()).addModule(
        request.name,
        request.src,
        request.meta,
      );
    case "complete": {
      // Only what complete.ts reads: TypeScript's own entries carry more than a message can.
      const info = nodeConverter().complete(request.prevDecl, request.src, request.position);
      const entries = (info.original?.entries ?? []).map((e) => ({ name: e.name, kind: e.kind }));
      return {
        start: info.start,
        end: info.end,
        candidates: inReadingOrder(info.candidates, entries),
        original: { entries },
      };
    }
    case "inspect": {
      const info = nodeConverter().inspect(request.prevDecl, request.src, request.position);
      return info && { displayParts: info.displayParts, documentation: info.documentation, tags: info.tags };
    }
  }
}

/**
 * Every cell builds a new TypeScript program; the old one is garbage at once. V8 lets this heap grow to about 3× what
 * is live before it collects (250 MB for 85 MB live with no imports), and keeps the pages: RSS grew 110 MB over
 * 1,000 cells. So: a full collection when the heap has grown by half (plus 32 MB) since the last one (checked after each
 * request, a few µs), and a compacting one that returns free pages after a second with no requests.
 */
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as (options: {
  type: "major";
  execution?: "async";
  flavor?: "last-resort";
}) => unknown;
let liveAfterCollection = v8.getHeapStatistics().used_heap_size;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let collecting = false;

/** Between requests: concurrent marking, so the next request waits less. When idle: compacting, synchronous. */
async function collectGarbage(compact = false): Promise<void> {
  if (compact) collect({ type: "major", flavor: "last-resort" });
  else await collect({ type: "major", execution: "async" });
  liveAfterCollection = v8.getHeapStatistics().used_heap_size;
}

function collectWhenGrown(): void {
  if (!collecting && v8.getHeapStatistics().used_heap_size > liveAfterCollection * 1.5 + 32 * 2 ** 20) {
    collecting = true;
    void collectGarbage().finally(() => (collecting = false));
  }
  if (idleTimer) clearTimeout(idleTimer);
  // When idle, also compact the heap and give free pages back to the system.
  idleTimer = setTimeout(() => void collectGarbage(true), 1000);
  idleTimer.unref();
}

parentPort!.on("message", (call: ConverterCall) => {
  let reply: ConverterAnswer;
  try {
    reply = { id: call.id, result: answer(call.request) };
  } catch (e) {
    reply = { id: call.id, error: (e as Error)?.stack ?? String(e) };
  }
  parentPort!.postMessage(reply);
  collectWhenGrown();
});
