/**
 * Worker thread owning the heartbeat and stdin sockets, so that
 * - the heartbeat answers while a cell keeps the main thread busy (like ipykernel's heartbeat thread), and
 * - a synchronous `prompt()` can block the main thread (Atomics.wait) while this thread talks to the frontend.
 */
import { parentPort, workerData } from "worker_threads";
import { decode, encode, makeMessage, Message, Signer } from "./wire";

export interface IoWorkerData {
  key: string;
  scheme: string;
  session: string;
  stdinAddr: string;
  hbAddr: string;
  /** Int32 [0]: state (0 pending, 1 done, 2 error), [1]: byte length; bytes from offset 8. */
  sab: SharedArrayBuffer;
}

export interface InputRequestMsg {
  type: "input";
  id: number;
  idents: Uint8Array[];
  parent: Message["header"];
  prompt: string;
  password: boolean;
}

async function main() {
  const zmq = await import("zeromq");
  const data = workerData as IoWorkerData;
  const signer = new Signer(data.key, data.scheme);
  const hb = new zmq.Reply();
  const stdin = new zmq.Router();
  await Promise.all([hb.bind(data.hbAddr), stdin.bind(data.stdinAddr)]);
  const state = new Int32Array(data.sab, 0, 2);
  const bytes = new Uint8Array(data.sab, 8);
  const pending: { id: number }[] = [];

  (async () => {
    for await (const frames of hb) await hb.send(frames);
  })().catch(() => {});

  (async () => {
    for await (const frames of stdin) {
      let msg: Message;
      try {
        msg = decode(frames as Buffer[], signer);
      } catch (e) {
        parentPort!.postMessage({ type: "log", text: `cnnlab: rejected stdin message: ${(e as Error).message}` });
        continue;
      }
      if (msg.header.msg_type !== "input_reply") continue;
      const req = pending.shift();
      if (!req) continue;
      const value = String((msg.content as any)?.value ?? "");
      const encoded = Buffer.from(value, "utf8");
      const n = Math.min(encoded.length, bytes.length);
      bytes.set(encoded.subarray(0, n));
      Atomics.store(state, 1, n);
      Atomics.store(state, 0, 1);
      Atomics.notify(state, 0);
      parentPort!.postMessage({ type: "input_reply", id: req.id, value });
    }
  })().catch(() => {});

  parentPort!.on("message", async (m: InputRequestMsg | { type: "close" }) => {
    if (m.type === "close") {
      hb.close();
      stdin.close();
      return;
    }
    pending.push({ id: m.id });
    const parent = { idents: m.idents.map((i) => Buffer.from(i)), header: m.parent } as unknown as Message;
    const msg = makeMessage("input_request", { prompt: m.prompt, password: m.password }, parent, data.session);
    await stdin.send(encode(msg, signer));
  });
  parentPort!.postMessage({ type: "ready" });
}

main().catch((e) => parentPort!.postMessage({ type: "log", text: `cnnlab: io worker failed: ${e?.stack ?? e}` }));
