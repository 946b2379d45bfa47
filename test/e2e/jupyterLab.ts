/**
 * Starts and stops a private JupyterLab server from the project's `.venv` for the browser suite.
 *
 * The server listens on a free loopback port behind a random token, serves a scratch root that holds copies of the
 * notebooks, and reads its configuration, data and runtime files from scratch folders, so neither the developer's own
 * Jupyter settings nor kernels installed for their user change what the suite sees. The only kernels it finds are the
 * ones installed into `.venv` (ours: `node dist/kernel/cli.js install --prefix .venv`).
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export interface JupyterLabServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly token: string;
  /** The folder JupyterLab serves; notebooks opened in the browser are saved here. */
  readonly rootDir: string;
  /**
   * The JupyterLab URL that opens `notebookPath` (relative to rootDir) in the named workspace, token included.
   * A new workspace name gives a tab with nothing restored: JupyterLab otherwise reopens every notebook an earlier tab
   * had open, and starts a kernel for each.
   */
  notebookUrl(notebookPath: string, workspace: string): string;
  /** Everything the server wrote to stdout and stderr so far, for failure messages. */
  log(): string;
  /** Shuts the server and its kernels down; kills them if they do not exit within a few seconds. */
  stop(): Promise<void>;
}

export interface JupyterLabOptions {
  /** The repository root; `.venv` is looked for there. */
  repositoryRoot: string;
  /** Folder to serve. */
  rootDir: string;
  /** Scratch folder for Jupyter's config, data and runtime files. */
  scratchDir: string;
  /** Added to the server's environment, which kernels inherit. */
  env?: Record<string, string>;
}

/** Asks the OS for a free loopback port. */
async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * User settings that keep a test session offline and quiet: no news feed, no update check, no "get notified about
 * Jupyter news?" toast covering the notebook in screenshots.
 */
function writeQuietUserSettings(configDir: string): void {
  const notificationDir = join(configDir, "lab", "user-settings", "@jupyterlab", "apputils-extension");
  mkdirSync(notificationDir, { recursive: true });
  writeFileSync(
    join(notificationDir, "notification.jupyterlab-settings"),
    JSON.stringify({ fetchNews: "false", checkForUpdates: false }),
  );
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function waitForExit(child: ChildProcess, milliseconds: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), milliseconds);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startJupyterLab(options: JupyterLabOptions): Promise<JupyterLabServer> {
  const jupyter = join(options.repositoryRoot, ".venv", "bin", "jupyter");
  if (!existsSync(jupyter)) {
    throw new Error(
      `no JupyterLab at ${jupyter}: run \`node scripts/setup.mjs\` (or \`npm test\`) once to create .venv`,
    );
  }
  const port = await freeLoopbackPort();
  const token = randomBytes(24).toString("hex");
  const configDir = join(options.scratchDir, "config");
  const dataDir = join(options.scratchDir, "data");
  const runtimeDir = join(options.scratchDir, "runtime");
  for (const dir of [configDir, dataDir, runtimeDir]) mkdirSync(dir, { recursive: true });
  writeQuietUserSettings(configDir);

  const args = [
    "lab",
    "--no-browser",
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    "--ServerApp.ip=127.0.0.1",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${options.rootDir}`,
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    // The default "pypi" extension manager asks PyPI for extension listings.
    "--LabApp.extension_manager=readonly",
  ];
  // CI containers run as root; JupyterLab refuses that without this flag.
  if (process.getuid?.() === 0) args.push("--allow-root");

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    JUPYTER_CONFIG_DIR: configDir,
    JUPYTER_DATA_DIR: dataDir,
    JUPYTER_RUNTIME_DIR: runtimeDir,
  };
  // Our own group, so that stop() can end the kernels too if the server does not shut them down itself.
  const child = spawn(jupyter, args, { cwd: options.rootDir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));

  // The server is in its own process group, so Ctrl-C or a CI timeout does not reach it: pass those on, and let
  // it shut its kernels down, instead of leaving a JupyterLab and its kernels running after the suite.
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  const stopOnSignal = (signal: NodeJS.Signals) => {
    stopOnExit();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("exit", stopOnExit);
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  child.once("exit", () => {
    process.off("exit", stopOnExit);
    process.off("SIGINT", stopOnSignal);
    process.off("SIGTERM", stopOnSignal);
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const server: JupyterLabServer = {
    baseUrl,
    token,
    rootDir: options.rootDir,
    notebookUrl: (notebookPath, workspace) =>
      `${baseUrl}/lab/workspaces/${encodeURIComponent(workspace)}/tree/` +
      `${notebookPath.split("/").map(encodeURIComponent).join("/")}?token=${token}`,
    log: () => output,
    stop: async () => {
      if (child.pid === undefined) return;
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM lets the server shut its kernels down cleanly.
        child.kill("SIGTERM");
        if (!(await waitForExit(child, 10_000))) child.kill("SIGKILL");
      }
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is already gone
      }
    },
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`JupyterLab exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await server.stop();
  throw new Error(`JupyterLab did not answer on ${baseUrl} within 60 s:\n${output}`);
}
