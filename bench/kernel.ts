/**
 * Kernel speed: start-up time (spawn → first kernel_info_reply) and p50/p95 round trip of trivial cells after
 * `import * as tf from "@tensorflow/tfjs"` and `import ... from "cnnlab"`, for our kernel and, in the same run,
 * tslab's own kernel. Drives the kernels over ZeroMQ directly (this file is the Jupyter client).
 *
 *   node dist/bench/kernel.js [--cells N] [--only cnnlab|tslab]
 */
import { ChildProcess, spawn } from "child_process";
import fs from "fs";
import net from "net";
import os from "os";
import path from "path";
import { randomUUID } from "crypto";
import * as zmq from "zeromq";
import { decode, encode, makeMessage, Message, Signer } from "../kernel/wire";

const ROOT = path.resolve(__dirname, "..", "..");
const IMPORTS = 'import * as tf from "@tensorflow/tfjs"; import { version } from "cnnlab";';

interface KernelUnderTest {
  name: string;
  argv: (connFile: string) => string[];
}

const KERNELS: KernelUnderTest[] = [
  { name: "cnnlab", argv: (f) => [path.join(ROOT, "dist", "kernel", "main.js"), f] },
  {
    name: "tslab",
    argv: (f) => [path.join(ROOT, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", f],
  },
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

class Client {
  readonly session = randomUUID();
  readonly signer: Signer;
  shell = new zmq.Dealer({ routingId: this.session });
  iopub = new zmq.Subscriber();
  private iopubWaiters = new Map<string, () => void>();
  private replyWaiters = new Map<string, (m: Message) => void>();

  constructor(
    readonly conn: Record<string, any>,
    key: string,
  ) {
    this.signer = new Signer(key);
  }

  async connect(): Promise<void> {
    const c = this.conn;
    this.shell.connect(`tcp://127.0.0.1:${c.shell_port}`);
    this.iopub.connect(`tcp://127.0.0.1:${c.iopub_port}`);
    this.iopub.subscribe();
    (async () => {
      for await (const frames of this.shell) {
        const m = decode(frames as Buffer[], this.signer);
        // Like jupyter_client's wait_for_ready, any kernel_info_reply will do (earlier requests may be answered late).
        const key = m.header.msg_type === "kernel_info_reply" ? "kernel_info" : (m.parent_header.msg_id as string);
        const w = this.replyWaiters.get(key);
        if (w) {
          this.replyWaiters.delete(key);
          w(m);
        }
      }
    })().catch(() => {});
    (async () => {
      for await (const frames of this.iopub) {
        let m: Message;
        try {
          m = decode(frames as Buffer[], this.signer);
        } catch {
          continue;
        }
        if (m.header.msg_type === "status" && (m.content as any).execution_state === "idle") {
          const id = m.parent_header.msg_id as string;
          const w = this.iopubWaiters.get(id);
          if (w) {
            this.iopubWaiters.delete(id);
            w();
          }
        }
      }
    })().catch(() => {});
  }

  /** Sends a request; resolves with the reply once the kernel is idle again for it. */
  async request(type: string, content: object, timeoutMs = 120_000): Promise<Message> {
    const msg = makeMessage(type, content, undefined, this.session, []);
    msg.header.username = "bench";
    const id = msg.header.msg_id;
    const isInfo = type === "kernel_info_request";
    const reply = new Promise<Message>((resolve) => this.replyWaiters.set(isInfo ? "kernel_info" : id, resolve));
    const idle = isInfo ? Promise.resolve() : new Promise<void>((resolve) => this.iopubWaiters.set(id, resolve));
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${type} timed out`)), timeoutMs).unref(),
    );
    await this.shell.send(encode(msg, this.signer));
    const [r] = await Promise.race([Promise.all([reply, idle]), timeout]);
    return r;
  }

  execute(code: string): Promise<Message> {
    return this.request("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
  }

  close(): void {
    this.shell.close();
    this.iopub.close();
  }
}

/** user+system CPU ms of a process (Linux /proc; NaN elsewhere): unlike wall time, not inflated by other load. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

interface Result {
  kernel: string;
  startupMs: number;
  importMs: number;
  repeated: number[];
  varying: number[];
  varyingCpu: number[];
}

async function benchKernel(k: KernelUnderTest, cells: number): Promise<Result> {
  const key = randomUUID();
  const ports = await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
  const conn = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: ports[0],
    iopub_port: ports[1],
    stdin_port: ports[2],
    control_port: ports[3],
    hb_port: ports[4],
    key,
    signature_scheme: "hmac-sha256",
    kernel_name: k.name,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-kernel-"));
  const connFile = path.join(dir, "kernel.json");
  fs.writeFileSync(connFile, JSON.stringify(conn));
  const client = new Client(conn, key);
  await client.connect();
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, k.argv(connFile), {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  try {
    // Like jupyter_client's wait_for_ready: kernel_info until the first reply.
    let startupMs = -1;
    for (let i = 0; i < 600 && startupMs < 0; i++) {
      try {
        await client.request("kernel_info_request", {}, 200);
        startupMs = performance.now() - t0;
      } catch {
        if (child.exitCode != null) throw new Error(`${k.name} exited: ${stderr}`);
      }
    }
    const ti = performance.now();
    const imp = await client.execute(IMPORTS + "\n1");
    if ((imp.content as any).status !== "ok")
      throw new Error(`${k.name}: import cell failed: ${JSON.stringify(imp.content)}`);
    const importMs = performance.now() - ti;
    let lastCpu = 0;
    const time = async (code: string) => {
      const c = cpuMs(child.pid);
      const t = performance.now();
      const r = await client.execute(code);
      const wall = performance.now() - t;
      lastCpu = cpuMs(child.pid) - c;
      if ((r.content as any).status !== "ok") throw new Error(`${k.name}: ${code} failed`);
      return wall;
    };
    await time("1+1"); // first trivial cell after the import pays the re-check once
    const repeated: number[] = [];
    for (let i = 0; i < cells; i++) repeated.push(await time("1+1"));
    const varying: number[] = [];
    const varyingCpu: number[] = [];
    for (let i = 0; i < cells; i++) {
      varying.push(await time(`${i}+1`));
      varyingCpu.push(lastCpu);
    }
    return { kernel: k.name, startupMs, importMs, repeated, varying, varyingCpu };
  } finally {
    client.close();
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const cells = Number(args[args.indexOf("--cells") + 1]) || 30;
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  const results: Result[] = [];
  for (const k of KERNELS.filter((k) => !only || k.name === only)) {
    process.stderr.write(`benchmarking ${k.name}…\n`);
    results.push(await benchKernel(k, cells));
  }
  const f = (x: number) => x.toFixed(1).padStart(8);
  console.log(`kernel round trips (execute_request → execute_reply + idle), ${cells} cells each, after: ${IMPORTS}`);
  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`);
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (wall times grow with other load; kernel CPU ms do not)`,
  );
  console.log("kernel    startup ms  import ms  `1+1` p50      p95  `i+1` p50      p95  `i+1` kernel CPU ms p50   p95");
  for (const r of results) {
    console.log(
      `${r.kernel.padEnd(8)} ${f(r.startupMs)}  ${f(r.importMs)}  ${f(percentile(r.repeated, 50))} ${f(percentile(r.repeated, 95))}  ${f(percentile(r.varying, 50))} ${f(percentile(r.varying, 95))}  ${f(percentile(r.varyingCpu, 50))} ${f(percentile(r.varyingCpu, 95))}`,
    );
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
