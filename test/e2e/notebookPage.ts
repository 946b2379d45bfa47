/**
 * A JupyterLab notebook tab driven the way a student drives it: open the file, pick the kernel if asked, Run All
 * from the Run menu, press the stop button, save with the File menu. It reads back what the page shows: rendered
 * outputs, decoded images, plotly figures, the kernel indicator, and which outputs changed while their cell ran.
 */
import { Page } from "playwright-core";

import { JupyterLabServer } from "./jupyterLab";

/** The kernelspec's display name, as the kernel picker and the notebook toolbar show it. */
export const cnnlabKernelName = "TypeScript (cnnlab)";

const panel = ".jp-NotebookPanel:not(.lm-mod-hidden)";
const executionIndicator = `${panel} .jp-Notebook-ExecutionIndicator`;

export interface RenderedOutput {
  /** 1-based number among the notebook's code cells. */
  codeCell: number;
  mimeType: string | null;
  text: string;
}

export interface RenderedNotebook {
  /** Outputs drawn by the plotly mime renderer that contain a plotly SVG. */
  plotlyFigures: number;
  /** Text inside those figures (titles, axis labels, tick labels). */
  plotlyText: string;
  /** Outputs that are plotly figures drawn some other way (the text/html fallback) or left as raw JSON text. */
  plotlyNotRenderedByMimeRenderer: RenderedOutput[];
  /** Outputs whose renderer failed: JupyterLab replaces them with "Javascript Error: ...". */
  unrenderable: RenderedOutput[];
  images: {
    codeCell: number;
    naturalWidth: number;
    naturalHeight: number;
    /** The image's right edge lies within its output area: it is shown whole, not cut at the side. */
    shownWhole: boolean;
    /** The image starts with a band of text (a title) separated from the picture below it by white rows. */
    titleBand: boolean;
  }[];
  /** Titles above tables (the bold line before a `<table>`), with how many lines the browser broke them into. */
  tableTitles: { codeCell: number; text: string; lines: number; width: number; outputWidth: number }[];
  /** Code cell prompts, e.g. "[3]:", "[*]:", "[ ]:". */
  prompts: string[];
  kernelStatus: string | null;
  kernelName: string;
}

export interface LiveOutput {
  codeCell: number;
  /** How many different contents the output showed while its cell was running. */
  distinctStates: number;
  /** How long the output was on screen while its cell ran, in milliseconds. */
  visibleMilliseconds: number;
  /** Whether it is train()'s progress bar ("training [###…]"). */
  isTrainingProgress: boolean;
}

/** Numbers the workspaces of the tabs this process opens. */
let workspacesOpened = 0;

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export class NotebookPage {
  constructor(
    readonly page: Page,
    private readonly server: JupyterLabServer,
    readonly notebookPath: string,
    /** The kernel to pick and expect; another one only for trying the harness itself on other kernels. */
    private readonly expectedKernelName: string = cnnlabKernelName,
  ) {}

  /** Loads the notebook's page in a fresh workspace, not waiting for anything. */
  async visit(): Promise<void> {
    workspacesOpened += 1;
    await this.page.goto(this.server.notebookUrl(this.notebookPath, `e2e-${process.pid}-${workspacesOpened}`));
  }

  /** Opens the notebook and waits until its kernel is started and idle, choosing ours if JupyterLab asks. */
  async open(): Promise<void> {
    await this.visit();
    await this.page.waitForSelector(`${panel} .jp-Notebook`, { timeout: 60_000 });
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const dialog = await this.page.$(".jp-Dialog");
      if (dialog) await this.answerKernelDialog();
      // The toolbar shows the notebook's kernel name and "idle" before any kernel exists: ask the server too.
      const status = await this.kernelStatus();
      const name = await this.kernelName();
      if (status === "idle" && name.includes(this.expectedKernelName) && (await this.serverSaysKernelIdle())) return;
      await sleep(250);
    }
    throw new Error(
      `the notebook's kernel did not become idle with "${this.expectedKernelName}" (shows "${await this.kernelName()}", ` +
        `status ${await this.kernelStatus()}); is the kernelspec installed (node dist/kernel/cli.js install --prefix .venv)?`,
    );
  }

  /** The id of the kernel the server runs for this notebook. */
  async kernelId(): Promise<string> {
    const response = await fetch(`${this.server.baseUrl}/api/sessions`, {
      headers: { Authorization: `token ${this.server.token}` },
    });
    const sessions = (await response.json()) as { path: string; kernel?: { id: string } }[];
    const id = sessions.find((session) => session.path === this.notebookPath)?.kernel?.id;
    if (!id) throw new Error(`the server runs no kernel for ${this.notebookPath}`);
    return id;
  }

  /** Whether the server runs a kernel for this notebook and reports it idle. */
  private async serverSaysKernelIdle(): Promise<boolean> {
    const response = await fetch(`${this.server.baseUrl}/api/sessions`, {
      headers: { Authorization: `token ${this.server.token}` },
    });
    const sessions = (await response.json()) as { path: string; kernel?: { execution_state?: string } }[];
    return sessions.some((session) => session.path === this.notebookPath && session.kernel?.execution_state === "idle");
  }

  private async answerKernelDialog(): Promise<void> {
    const select = await this.page.$(".jp-Dialog select");
    if (select) {
      const options = await select.$$eval("option", (elements) => elements.map((option) => option.textContent ?? ""));
      const ours = options.find((label) => label.includes(this.expectedKernelName));
      if (!ours) {
        throw new Error(
          `the kernel picker does not offer "${this.expectedKernelName}"; it offers: ${options.join(", ")}`,
        );
      }
      await select.selectOption({ label: ours });
    }
    await this.page.click(".jp-Dialog .jp-mod-accept");
    await this.page.waitForSelector(".jp-Dialog", { state: "detached", timeout: 10_000 });
  }

  async kernelStatus(): Promise<string | null> {
    return this.page.$eval(executionIndicator, (node) => node.getAttribute("data-status")).catch(() => null);
  }

  async kernelName(): Promise<string> {
    return this.page.$eval(`${panel} .jp-Toolbar-kernelName`, (node) => node.textContent ?? "").catch(() => "");
  }

  private async menu(menuTitle: string, command: string): Promise<void> {
    await this.page.click(`.lm-MenuBar-item:has-text("${menuTitle}")`);
    await this.page.click(`.lm-Menu-item[data-command="${command}"]`);
  }

  /**
   * Starts recording, in the page, the states each rendered output shows while its cell shows "[*]" (running).
   * A state counts once it has stayed on screen for 100 ms, long enough for a student to see it; that also keeps a
   * figure that is still being drawn (plotly adds its SVG in steps) from passing for a live update. Changes are taken
   * from a MutationObserver, with their times, so a busy page (which delays timers) loses none.
   * Streams are left out: they grow by appending; a live output is a display updated in place.
   */
  async recordLiveOutputs(): Promise<void> {
    await this.page.evaluate((panelSelector) => {
      const notebook = document.querySelector(`${panelSelector} .jp-Notebook`);
      if (!notebook) throw new Error("no notebook on the page");
      const visibleFor = 100;
      const states = new Map<string, Set<string>>();
      /** Per output: when it first and last showed while its cell ran, and whether it is a training progress bar. */
      const lifetimes = new Map<string, { first: number; last: number; progress: boolean }>();
      const recorder = { states, lifetimes, sawRunningCell: false };
      (window as unknown as { cnnlabLiveOutputs: typeof recorder }).cnnlabLiveOutputs = recorder;
      const signature = (output: Element): string => {
        const parts = [output.textContent ?? ""];
        output.querySelectorAll("img").forEach((image) => parts.push(`${image.src.length}:${image.src.slice(-64)}`));
        output.querySelectorAll("svg path").forEach((path) => parts.push(path.getAttribute("d") ?? ""));
        return parts.join("|");
      };
      /** What each output of a running cell shows now, and since when. */
      const showing = new Map<string, { signature: string; since: number }>();
      const retire = (key: string, now: number) => {
        const shown = showing.get(key);
        if (!shown) return;
        if (now - shown.since >= visibleFor && shown.signature.length > 0) {
          if (!states.has(key)) states.set(key, new Set());
          states.get(key)!.add(shown.signature);
        }
        showing.delete(key);
      };
      new MutationObserver(() => {
        const now = performance.now();
        const running = new Set<string>();
        notebook.querySelectorAll(".jp-CodeCell").forEach((cell, cellIndex) => {
          if (!(cell.querySelector(".jp-InputPrompt")?.textContent ?? "").includes("*")) return;
          recorder.sawRunningCell = true;
          cell.querySelectorAll(".jp-OutputArea-child").forEach((child, outputIndex) => {
            const output = child.querySelector(".jp-OutputArea-output");
            if (!output) return;
            if ((output.getAttribute("data-mime-type") ?? "").startsWith("application/vnd.jupyter.std")) return;
            const key = `${cellIndex + 1}:${outputIndex}`;
            running.add(key);
            const current = signature(output);
            const lifetime = lifetimes.get(key) ?? { first: now, last: now, progress: false };
            lifetime.last = now;
            lifetime.progress ||= /training \[/.test(output.textContent ?? "");
            lifetimes.set(key, lifetime);
            if (showing.get(key)?.signature === current) return;
            retire(key, now);
            showing.set(key, { signature: current, since: now });
          });
        });
        // Outputs whose cell has finished keep their last state on screen: count it as seen.
        for (const key of Array.from(showing.keys())) {
          if (running.has(key)) continue;
          const lifetime = lifetimes.get(key);
          if (lifetime) lifetime.last = now;
          retire(key, now);
        }
      }).observe(notebook, { subtree: true, childList: true, characterData: true, attributes: true });
    }, panel);
  }

  async liveOutputs(): Promise<LiveOutput[]> {
    return this.page.evaluate(() => {
      const recorder = (
        window as unknown as {
          cnnlabLiveOutputs?: {
            states: Map<string, Set<string>>;
            lifetimes: Map<string, { first: number; last: number; progress: boolean }>;
          };
        }
      ).cnnlabLiveOutputs;
      if (!recorder) return [];
      return [...recorder.lifetimes].map(([key, lifetime]) => ({
        codeCell: Number(key.split(":")[0]),
        distinctStates: [...(recorder.states.get(key) ?? [])].filter((state) => state.length > 0).length,
        visibleMilliseconds: lifetime.last - lifetime.first,
        isTrainingProgress: lifetime.progress,
      }));
    });
  }

  /** Run → Run All Cells, then waits until no cell runs and the kernel is idle. Returns the seconds it took. */
  async runAll(timeoutMilliseconds: number): Promise<number> {
    await this.recordLiveOutputs();
    // Run All acts on the focused document: click into the notebook first, as a student would.
    await this.page
      .locator(`${panel} .jp-Cell`)
      .first()
      .locator(".jp-InputPrompt, .jp-InputArea-prompt")
      .first()
      .click();
    const started = Date.now();
    await this.menu("Run", "runmenu:run-all");
    await this.page
      .waitForFunction(
        () =>
          (window as unknown as { cnnlabLiveOutputs?: { sawRunningCell: boolean } }).cnnlabLiveOutputs?.sawRunningCell,
        null,
        { timeout: 30_000 },
      )
      .catch(() => {
        throw new Error("Run → Run All Cells started no cell within 30 s");
      });
    await this.waitUntilIdle(started + timeoutMilliseconds);
    return (Date.now() - started) / 1000;
  }

  private async sawRunningCell(): Promise<boolean> {
    return this.page.evaluate(
      () =>
        (window as unknown as { cnnlabLiveOutputs?: { sawRunningCell: boolean } }).cnnlabLiveOutputs?.sawRunningCell ??
        false,
    );
  }

  async prompts(): Promise<string[]> {
    return this.page.$$eval(`${panel} .jp-CodeCell .jp-InputPrompt`, (nodes) =>
      nodes.map((node) => (node.textContent ?? "").trim()),
    );
  }

  /** Waits until a cell has run, none runs any more, and the kernel reports idle twice in a row. */
  async waitUntilIdle(deadline: number): Promise<void> {
    let quietPolls = 0;
    while (Date.now() < deadline) {
      const status = await this.kernelStatus();
      if (status === "dead") throw new Error("the kernel died (indicator shows dead)");
      const running = (await this.prompts()).some((prompt) => prompt.includes("*"));
      const quiet = status === "idle" && !running && (await this.sawRunningCell());
      quietPolls = quiet ? quietPolls + 1 : 0;
      if (quietPolls >= 2) return;
      await sleep(500);
    }
    const prompts = await this.prompts();
    throw new Error(
      `the notebook was still running at the time limit (kernel ${await this.kernelStatus()}, ` +
        `running cells: ${prompts
          .map((prompt, index) => (prompt.includes("*") ? index + 1 : 0))
          .filter(Boolean)
          .join(", ")})`,
    );
  }

  /** File → Save Notebook, then waits until the tab is no longer marked dirty. */
  async save(): Promise<void> {
    await this.menu("File", "docmanager:save");
    await this.page.waitForFunction(() => !document.querySelector(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty"), null, {
      timeout: 30_000,
    });
  }

  /** Presses the notebook toolbar's stop (interrupt the kernel) button. */
  async pressStop(): Promise<void> {
    await this.page.click(`${panel} .jp-Toolbar [data-command="notebook:interrupt-kernel"]`);
  }

  /** Selects the given code cell (1-based) and runs it with Shift+Enter, as a student does. */
  async runCodeCell(codeCell: number): Promise<void> {
    const cell = this.page.locator(`${panel} .jp-CodeCell`).nth(codeCell - 1);
    await cell.locator(".jp-InputPrompt").click();
    await this.page.keyboard.press("Shift+Enter");
  }

  /** The text of a code cell's outputs (1-based). */
  async outputText(codeCell: number): Promise<string> {
    return this.page
      .locator(`${panel} .jp-CodeCell`)
      .nth(codeCell - 1)
      .locator(".jp-OutputArea")
      .innerText();
  }

  /**
   * Scrolls every output into view (as a student scrolling down does), waits for images to decode and plotly to draw,
   * and reports what is rendered.
   */
  async inspect(): Promise<RenderedNotebook> {
    await this.page.evaluate(async (panelSelector) => {
      const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
      for (const output of Array.from(document.querySelectorAll(`${panelSelector} .jp-OutputArea-output`))) {
        output.scrollIntoView({ block: "nearest" });
        await nextFrame();
      }
      const images = Array.from(
        document.querySelectorAll<HTMLImageElement>(`${panelSelector} .jp-OutputArea-output img`),
      );
      await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
    }, panel);
    await sleep(500);
    const rendered = await this.page.evaluate((panelSelector) => {
      const codeCells = Array.from(document.querySelectorAll(`${panelSelector} .jp-CodeCell`));
      const describe = (output: Element) => {
        const cell = output.closest(".jp-CodeCell");
        return {
          codeCell: cell ? codeCells.indexOf(cell) + 1 : 0,
          mimeType: output.getAttribute("data-mime-type"),
          text: (output.textContent ?? "").slice(0, 300),
        };
      };
      const outputs = Array.from(document.querySelectorAll(`${panelSelector} .jp-OutputArea-output`));
      const plotly = outputs.filter(
        (output) => output.classList.contains("jp-RenderedPlotly") && output.querySelector("svg.main-svg"),
      );
      return {
        plotlyFigures: plotly.length,
        plotlyText: plotly.map((output) => output.textContent ?? "").join(" "),
        // A widget's view holds output areas of its own (an explorer's drawing), checked one by one like these.
        plotlyNotRenderedByMimeRenderer: outputs
          .filter(
            (output) =>
              !output.classList.contains("jp-RenderedPlotly") &&
              output.querySelector(".jp-OutputArea-output") === null &&
              (output.querySelector(".js-plotly-plot") !== null ||
                /^\s*\{\s*"(data|layout)"\s*:/.test(output.textContent ?? "")),
          )
          .map(describe),
        unrenderable: outputs.filter((output) => /^\s*Javascript Error:/.test(output.textContent ?? "")).map(describe),
        // Images plotly draws inside its own figures are its business; the SVG check covers those outputs.
        images: Array.from(document.querySelectorAll<HTMLImageElement>(`${panelSelector} .jp-OutputArea-output img`))
          .filter((image) => image.closest(".jp-RenderedPlotly") === null)
          .map((image) => {
            const area = image.closest(".jp-OutputArea-output")!.getBoundingClientRect();
            // A title is a band of text above the picture: non-white rows, then white rows, then the picture.
            let titleBand = false;
            if (image.naturalWidth > 0) {
              const canvas = document.createElement("canvas");
              canvas.width = image.naturalWidth;
              canvas.height = Math.min(64, image.naturalHeight);
              const context = canvas.getContext("2d")!;
              context.drawImage(image, 0, 0);
              const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
              const drawn = Array.from({ length: canvas.height }, (_, y) => {
                for (let x = 0; x < canvas.width; x++) {
                  const i = (y * canvas.width + x) * 4;
                  if (Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) < 200) return true;
                }
                return false;
              });
              const first = drawn.indexOf(true);
              const gap = drawn.indexOf(false, first);
              titleBand = first >= 0 && first < 24 && gap > first && drawn.indexOf(true, gap) > gap;
            }
            return {
              codeCell: describe(image).codeCell,
              naturalWidth: image.naturalWidth,
              naturalHeight: image.naturalHeight,
              shownWhole: image.getBoundingClientRect().right <= area.right + 1,
              titleBand,
            };
          }),
        tableTitles: Array.from(document.querySelectorAll(`${panelSelector} .jp-OutputArea-output table`)).flatMap(
          (table) => {
            // A <caption> too: it is as wide as its table, which is what broke narrow tables' titles.
            const before = table.previousElementSibling;
            const title =
              table.querySelector("caption") ??
              (before instanceof HTMLDivElement && Number(getComputedStyle(before).fontWeight) >= 600 ? before : null);
            if (title === null) return [];
            const style = getComputedStyle(title);
            const lineHeight = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
            const range = document.createRange();
            range.selectNodeContents(title);
            return [
              {
                codeCell: describe(table).codeCell,
                text: title.textContent ?? "",
                lines: Math.round(title.getBoundingClientRect().height / lineHeight),
                width: range.getBoundingClientRect().width,
                outputWidth: title.closest(".jp-OutputArea-output")!.getBoundingClientRect().width,
              },
            ];
          },
        ),
        prompts: Array.from(document.querySelectorAll(`${panelSelector} .jp-CodeCell .jp-InputPrompt`)).map((node) =>
          (node.textContent ?? "").trim(),
        ),
      };
    }, panel);
    return { ...rendered, kernelStatus: await this.kernelStatus(), kernelName: await this.kernelName() };
  }

  /**
   * A screenshot of the whole notebook: the window is stretched so that the notebook's scroller needs no scrolling
   * (up to a cap that keeps the file reasonable), then put back.
   */
  async screenshotWholeNotebook(path: string): Promise<void> {
    const viewport = this.page.viewportSize() ?? { width: 1400, height: 1000 };
    const scroller = `${panel} .jp-WindowedPanel-outer`;
    const { contentHeight, visibleHeight } = await this.page.$eval(scroller, (node) => {
      node.scrollTop = 0;
      return { contentHeight: node.scrollHeight, visibleHeight: node.clientHeight };
    });
    const height = Math.min(viewport.height + Math.max(0, contentHeight - visibleHeight), 20_000);
    await this.page.setViewportSize({ width: viewport.width, height });
    await sleep(1000);
    await this.page.screenshot({ path });
    await this.page.setViewportSize(viewport);
  }
}
