/**
 * One browser-suite session: a scratch copy of the notebooks under build/e2e/, a private JupyterLab serving it with
 * CNNLAB_FAST=1, and a Chromium that may only talk to that server.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";

import { ChromiumSession, launchChromium } from "./chromium";
import { JupyterLabServer, startJupyterLab } from "./jupyterLab";
import { NotebookPage } from "./notebookPage";

export const repositoryRoot = join(__dirname, "..", "..", "..");
/** Screenshots, executed notebooks and exports; gitignored. */
export const buildDir = join(repositoryRoot, "build", "e2e");
export const fixturesDir = join(repositoryRoot, "test", "e2e", "fixtures");
export const lessonsDir = join(repositoryRoot, "notebooks");

/** The lesson notebooks, `notebooks/NN-topic.ipynb`, in lesson order. */
export function lessonNotebooks(): string[] {
  if (!existsSync(lessonsDir)) return [];
  return readdirSync(lessonsDir)
    .filter((name) => /^\d+-.*\.ipynb$/.test(name))
    .sort();
}

export function fixtureNotebooks(): string[] {
  return readdirSync(fixturesDir)
    .filter((name) => name.endsWith(".ipynb"))
    .sort();
}

export class LabSession {
  private constructor(
    readonly server: JupyterLabServer,
    readonly chromium: ChromiumSession,
    /** The folder JupyterLab serves: `lessons/` and `fixtures/` copies. */
    readonly rootDir: string,
  ) {}

  /**
   * @param name names the session's scratch folder under build/e2e/, so two suites never share one.
   */
  static async start(name: string): Promise<LabSession> {
    const sessionDir = join(buildDir, name);
    rmSync(sessionDir, { recursive: true, force: true });
    // Served from inside the repository so that notebooks resolve `cnnlab` and tfjs from its node_modules,
    // exactly as they do from notebooks/.
    const rootDir = join(sessionDir, "root");
    mkdirSync(join(rootDir, "lessons"), { recursive: true });
    for (const lesson of lessonNotebooks()) cpSync(join(lessonsDir, lesson), join(rootDir, "lessons", lesson));
    cpSync(fixturesDir, join(rootDir, "fixtures"), { recursive: true });

    const server = await startJupyterLab({
      repositoryRoot,
      rootDir,
      scratchDir: join(sessionDir, "jupyter"),
      // Small data and few epochs, as in CI, unless the caller asked otherwise.
      env: { CNNLAB_FAST: process.env.CNNLAB_FAST ?? "1" },
    });
    try {
      const origin = server.baseUrl;
      const chromium = await launchChromium((url) => url === origin || url.startsWith(`${origin}/`));
      return new LabSession(server, chromium, rootDir);
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** A new tab on `notebookPath` (relative to the served root), not yet opened. */
  async notebookPage(notebookPath: string): Promise<NotebookPage> {
    const page = await this.chromium.context.newPage();
    return new NotebookPage(page, this.server, notebookPath);
  }

  /** Shuts down every kernel the server runs, so one lesson's memory is free before the next one starts. */
  async shutDownKernels(): Promise<void> {
    const headers = { Authorization: `token ${this.server.token}` };
    const response = await fetch(`${this.server.baseUrl}/api/sessions`, { headers });
    const sessions = (await response.json()) as { id: string }[];
    for (const session of sessions) {
      await fetch(`${this.server.baseUrl}/api/sessions/${session.id}`, { method: "DELETE", headers });
    }
  }

  async stop(): Promise<void> {
    await this.chromium.close().catch(() => undefined);
    await this.server.stop();
  }
}

/**
 * Mocha hooks for a suite about one notebook: before its tests, a session named `name` with the notebook open and
 * its kernel idle; after them, both closed. The returned getters are for the tests' bodies.
 */
export function withOpenNotebook(
  name: string,
  notebookPath: string,
): { session: () => LabSession; notebook: () => NotebookPage } {
  let session: LabSession | undefined;
  let notebook: NotebookPage | undefined;
  before(async function () {
    this.timeout(180_000);
    mkdirSync(buildDir, { recursive: true });
    session = await LabSession.start(name);
    notebook = await session.notebookPage(notebookPath);
    await notebook.open();
  });
  after(async function () {
    this.timeout(60_000);
    await notebook?.page.close().catch(() => undefined);
    await session?.stop();
  });
  const opened = <T>(value: T | undefined): T => {
    if (!value) throw new Error(`the session for ${notebookPath} did not start`);
    return value;
  };
  return { session: () => opened(session), notebook: () => opened(notebook) };
}

/** `lessons/02-convolution.ipynb` → `02-convolution`: the stem used for screenshots and exports. */
export function stem(notebookPath: string): string {
  return basename(notebookPath, ".ipynb");
}
