/**
 * Worker thread owning the heartbeat, stdin and control sockets, so that
 * - the heartbeat answers while a cell keeps the main thread busy (like ipykernel's heartbeat thread),
 * - an interrupt_request is read at once and counted in shared memory, where the loop checks of a busy cell see it
 *   (interrupt.ts); the message is then forwarded to the main thread, which replies, and
 * - a synchronous `prompt()` can block the main thread (Atomics.wait) while this thread talks to the frontend.
 */
import { parentPort, workerData } from "worker_threads";
import { decode, encode, makeMessage, Message, rejectionReason, Signer } from "./wire";

export interface IoWorkerData {
  key: string;
  scheme: string;
  session: string;
  stdinAddr: string;
  hbAddr: string;
  controlAddr: string;
  /** Int32 [0]: state (0 pending, 1 done, 2 error), [1]: byte length; bytes from offset 8. */
  sab: SharedArrayBuffer;
  /** The InterruptController's request counters; this thread increments [0]. */
  interruptRequests: SharedArrayBuffer;
}

export interface InputRequestMsg {
  type: "input";
  id: number;
  idents: Uint8Array[];
  parent: Message["header"];
  prompt: string;
  password: boolean;
}

/** Main thread → worker: frames to send on control. */
export interface ControlSendMsg {
  type: "control-send";
  frames: Uint8Array[];
}

/** Worker → main thread: a control message (verified), with the request count for an interrupt_request. */
export interface ControlReceivedMsg {
  type: "control";
  frames: Uint8Array[];
  interruptRequest?: number;
}

async function main() {
  const zmq = await import("zeromq");
  const data = workerData as IoWorkerData;
  const signer = new Signer(data.key, data.scheme);
  const hb = new zmq.Reply();
  const stdin = new zmq.Router();
  const control = new zmq.Router();
  await Promise.all([hb.bind(data.hbAddr), stdin.bind(data.stdinAddr), control.bind(data.controlAddr)]);
  const state = new Int32Array(data.sab, 0, 2);
  const bytes = new Uint8Array(data.sab, 8);
  const requests = new Int32Array(data.interruptRequests);
  const pending: { id: number }[] = [];
  const log = (text: string) => parentPort!.postMessage({ type: "log", text });
  let controlSends = Promise.resolve();

  (async () => {
    for await (const frames of hb) await hb.send(frames);
  })().catch(() => {});

  (async () => {
    for await (const frames of control) {
      let msg: Message;
      try {
        msg = decode(frames as Buffer[], signer);
      } catch (e) {
        log(`cnnlab: rejected control message: ${rejectionReason(e)}`);
        continue;
      }
      const forward: ControlReceivedMsg = { type: "control", frames: frames as Buffer[] };
      if (msg.header.msg_type === "interrupt_request") forward.interruptRequest = Atomics.add(requests, 0, 1) + 1;
      parentPort!.postMessage(forward);
    }
  })().catch((e) => log(`cnnlab: control receive loop failed: ${e?.stack ?? e}`));

  (async () => {
    for await (const frames of stdin) {
      let msg: Message;
      try {
        msg = decode(frames as Buffer[], signer);
      } catch (e) {
        log(`cnnlab: rejected stdin message: ${rejectionReason(e)}`);
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

  parentPort!.on("message", async (m: InputRequestMsg | ControlSendMsg | { type: "close" }) => {
    if (m.type === "close") {
      await controlSends;
      for (const s of [hb, stdin, control]) s.close();
      return;
    }
    if (m.type === "control-send") {
      const frames = m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
      controlSends = controlSends
        .then(() => control.send(frames))
        .catch((e) => log(`cnnlab: control send failed: ${e?.message ?? e}`));
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
