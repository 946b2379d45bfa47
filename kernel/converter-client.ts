/** The main thread's side of the converter worker (converter-worker.ts): tslab's converter calls, answered async. */
import path from "path";
import { Worker } from "worker_threads";
import type { CompletionInfo, ConvertResult, Diagnostic } from "tslab/dist/converter";
import type { CodeMetadata } from "tslab/dist/metadata";
import type { ConverterAnswer, ConverterCall, ConverterRequest, ConverterWorkerData } from "./converter-worker";

/** What inspect answers: TypeScript's QuickInfo, the parts inspect.ts shows. */
export interface TypeInfo {
  displayParts?: { text: string }[];
  documentation?: { text: string }[];
  tags?: { name: string; text?: { text: string }[] }[];
}

export class ConverterClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(globalsDecl: string, log: (text: string) => void) {
    const workerData: ConverterWorkerData = { globalsDecl };
    this.worker = new Worker(path.join(__dirname, "converter-worker.js"), { workerData });
    this.worker.unref();
    this.worker.on("message", (m: ConverterAnswer | { log: string }) => {
      if ("log" in m) return log(m.log);
      const call = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!call) return;
      if ("error" in m) call.reject(new Error(`TypeScript converter failed: ${m.error}`));
      else call.resolve(m.result);
    });
    this.worker.on("error", (e) => {
      log(`cnnlab: converter worker failed: ${e.stack ?? e}`);
      for (const call of this.pending.values()) call.reject(e);
      this.pending.clear();
    });
  }

  private call<T>(request: ConverterRequest): Promise<T> {
    const id = this.nextId++;
    const message: ConverterCall = { id, request };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(message);
    });
  }

  /** Builds the Node converter's TypeScript program now, so the first cell does not wait for it. */
  warm(): Promise<void> {
    return this.call({ op: "warm" });
  }

  convert(prevDecl: string, src: string): Promise<ConvertResult> {
    return this.call({ op: "convert", prevDecl, src });
  }

  addModule(browser: boolean, name: string, src: string, meta: CodeMetadata): Promise<Diagnostic[]> {
    return this.call({ op: "addModule", browser, name, src, meta });
  }

  complete(prevDecl: string, src: string, position: number): Promise<CompletionInfo> {
    return this.call({ op: "complete", prevDecl, src, position });
  }

  inspect(prevDecl: string, src: string, position: number): Promise<TypeInfo | undefined> {
    return this.call({ op: "inspect", prevDecl, src, position });
  }

  close(): void {
    void this.worker.terminate();
  }
}
