import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { CommManager } from "../kernel/comm";
import { format } from "../kernel/format";
import { GLOBALS_DECL, installHost, KernelHost, type HostBackend } from "../kernel/host";
import { InterruptController } from "../kernel/interrupt";
import * as contract from "../src/contract";

// Compile-time half: these assignments stop `tsc` (and so `npm test`) when the kernel's host, comms or formatted
// output stop fitting the contract the library codes against. The class also says `implements`.
type Assignable<To, From extends To> = From;
type HostFits = Assignable<contract.KernelHost, KernelHost>;
type CommFits = Assignable<contract.KernelComm, ReturnType<KernelHost["comm"]["open"]>>;
type FormatFits = Assignable<contract.FormattedOutput | Promise<contract.FormattedOutput>, ReturnType<typeof format>>;
const fits: [HostFits?, CommFits?, FormatFits?] = [];

function hostWithDisplays() {
  const sent: Array<{ bundle: contract.FormattedOutput; id: string | undefined; update: boolean }> = [];
  const backend: HostBackend = {
    sendDisplay: (bundle, id, update) => void sent.push({ bundle, id, update }),
    clearOutput: () => undefined,
    input: () => Promise.reject(new Error("no stdin")),
    inputSync: () => "",
    comms: new CommManager(() => undefined),
    interrupts: new InterruptController(),
    executionCount: 1,
  };
  return { host: new KernelHost(backend), sent };
}

describe("contract: the kernel and the library agree on the display protocol and the host object", () => {
  // installHost also sets the cell globals; put every one back so later tests see a plain Node process.
  const globals = globalThis as Record<string | symbol, unknown>;
  const names = [contract.KERNEL_HOST, "display", "clearOutput", "prompt", "input"] as const;
  const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(globals, name)] as const);
  after(() => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globals, name, descriptor);
      else delete globals[name];
    }
  });

  it("the host the kernel installs is the one the library finds, and it sends what a displayable returns", async () => {
    assert.equal(fits.length, 0);
    const { host, sent } = hostWithDisplays();
    installHost(host);
    assert.equal(contract.kernelHost(), host);
    const picture: contract.Displayable = {
      [contract.JUPYTER_DISPLAY]: () => ({ "text/plain": "a picture", "image/png": "iVBORw0KGgo=" }),
    };
    assert.ok(contract.isDisplayable(picture));
    contract.kernelHost()!.display(picture, { id: "p", metadata: { "image/png": { width: 10 } } });
    contract.kernelHost()!.display(picture, { id: "p" });
    await host.flush();
    assert.deepEqual(
      sent.map(({ id, update }) => ({ id, update })),
      [
        { id: "p", update: false },
        { id: "p", update: true },
      ],
    );
    assert.deepEqual(sent[0].bundle, {
      data: { "text/plain": "a picture", "image/png": "iVBORw0KGgo=" },
      metadata: { "image/png": { width: 10 } },
    });
    assert.deepEqual(await host.format(picture), {
      data: { "text/plain": "a picture", "image/png": "iVBORw0KGgo=" },
      metadata: {},
    });
  });

  it("the cells' declared display options are the contract's DisplayOptions", () => {
    const keysOf = (body: string) => [...body.matchAll(/(\w+)\?:/g)].map((match) => match[1]).sort();
    const cellOptions = /interface CnnlabDisplayOptions \{([^}]*)\}/.exec(GLOBALS_DECL);
    const source = readFileSync(join(__dirname, "..", "..", "src", "contract.ts"), "utf8");
    const contractOptions = /export interface DisplayOptions \{([\s\S]*?)\n\}/.exec(source);
    assert.ok(cellOptions && contractOptions, "both declarations found");
    assert.deepEqual(keysOf(cellOptions[1]), keysOf(contractOptions[1].replace(/\/\*\*[\s\S]*?\*\//g, "")));
  });
});
