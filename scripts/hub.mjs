// Starts a JupyterHub for a class on this machine (`npm run hub`): every student logs in with the room's password
// and a name of their choice, and gets JupyterLab with the cnnlab kernel and their own copy of the lessons, in a
// system account of their own (deploy/classroom.py). The hub's configuration is deploy/jupyterhub_config.py.
//
//   npm run hub -- [--ip 0.0.0.0] [--port 8000] [--lang en|ko] [--instructor] [--max-memory 3G]
//                  [--homes /home] [--state build/hub]
//
// --ip 0.0.0.0 lets the room's computers in (default: this machine only). Students get the student edition
// unless --instructor; the language follows the locale unless --lang (as in `npm run lab`).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chooseEdition } from "./lab.mjs";
import { preparePythonEnvironment, SetupError } from "./setup.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

class HubError extends Error {}

/** The hub's settings from the command line; throws a HubError that names the fix. */
export function hubOptions(argv, env) {
  const options = {
    ip: "127.0.0.1",
    port: 8000,
    homes: "/home",
    state: join(root, "build", "hub"),
    maxMemory: "3G",
    instructor: false,
  };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (flag === "--ip") options.ip = value();
    else if (flag === "--port") options.port = Number(value());
    else if (flag === "--homes") options.homes = resolve(value());
    else if (flag === "--state") options.state = resolve(value());
    else if (flag === "--max-memory") options.maxMemory = value();
    else if (flag === "--instructor") options.instructor = true;
    else rest.push(argv[i]);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65533) {
    throw new HubError(
      `--port ${options.port}: give a free TCP port, e.g. --port 8000 (the hub also uses the next two)`,
    );
  }
  if (!readableMemoryCap(options.maxMemory)) {
    throw new HubError(`--max-memory ${options.maxMemory}: give bytes or a size such as 3G or 1536M`);
  }
  let edition;
  try {
    edition = chooseEdition([...rest, ...(options.instructor ? [] : ["--student"])], env);
  } catch (error) {
    throw new HubError(error.message);
  }
  if (edition.rest.length > 0) {
    throw new HubError(
      `unknown option ${edition.rest[0]}: the hub takes --ip, --port, --lang, --instructor, --max-memory, --homes and --state`,
    );
  }
  return { ...options, edition };
}

/** Whether the kernels will read `value` as CNNLAB_MAX_MEMORY: asked of the library's own reader of that variable. */
function readableMemoryCap(value) {
  const { memoryCapSetting } = createRequire(import.meta.url)(join(root, "dist", "src", "settings.js"));
  const saved = process.env.CNNLAB_MAX_MEMORY;
  process.env.CNNLAB_MAX_MEMORY = value;
  try {
    return memoryCapSetting() !== undefined;
  } catch {
    return false;
  } finally {
    if (saved === undefined) delete process.env.CNNLAB_MAX_MEMORY;
    else process.env.CNNLAB_MAX_MEMORY = saved;
  }
}

/** The first folder on the way to `path` that other accounts cannot enter or read, if any. */
function closedToOthers(path) {
  for (let current = realpathSync(path); ; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o005) !== 0o005) return `${current} (mode ${(mode & 0o777).toString(8)})`;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The Python environment the students' servers run from: the project's .venv when its interpreter is open to
 * every account, else one made beside it from a system Python. A .venv made from a Python under a private home
 * (pyenv in /root) cannot start for anyone else.
 */
function studentPython() {
  const venv = join(root, ".venv");
  const interpreter = /^executable\s*=\s*(.+)$/m.exec(readFileSync(join(venv, "pyvenv.cfg"), "utf8"))?.[1].trim();
  if (interpreter && !closedToOthers(interpreter)) return venv;
  const candidates = ["/usr/bin/python3", "/usr/local/bin/python3"].filter(
    (python) => existsSync(python) && !closedToOthers(python),
  );
  if (candidates.length === 0) {
    throw new HubError(
      `.venv's Python (${interpreter}) is closed to the students' accounts and no system Python was found. ` +
        "Fix: install one (Debian/Ubuntu: apt-get install -y python3 python3-venv), then run the command again.",
    );
  }
  const prefix = join(root, "build", "hub-python");
  console.log(`[cnnlab hub] .venv's Python is closed to other accounts; the students' servers run from ${prefix}`);
  preparePythonEnvironment(prefix, candidates);
  return prefix;
}

/** A password kept in the state folder: made once, readable only by the hub's account. */
function password(state, file, characters) {
  const path = join(state, file);
  if (!existsSync(path)) {
    // Letters and digits that read unambiguously from a board: no 0/o, 1/l/i.
    const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    const bytes = randomBytes(characters);
    const text = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join("");
    writeFileSync(path, `${text}\n`, { mode: 0o600, flag: "wx" });
  }
  return readFileSync(path, "utf8").trim();
}

function main() {
  if (process.argv.includes("--help")) {
    const usage = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\nimport ")[0];
    console.log(usage.replace(/^\/\/ ?/gm, ""));
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new HubError(
      "the classroom hub makes a system account with a private home for every student, which needs root. " +
        "Fix: run it as root (`sudo npm run hub`, or in a container); to try the lessons alone, use `npm run lab`.",
    );
  }
  const options = hubOptions(process.argv.slice(2), process.env);
  const closed = closedToOthers(root);
  if (closed) {
    throw new HubError(
      `${closed} is closed to other accounts, so the students' accounts cannot run the kernel in ${root}. Fix: ` +
        "clone cnnlab somewhere all accounts can read (e.g. /opt/cnnlab), or open that folder with `chmod o+rx`.",
    );
  }
  const python = studentPython();
  mkdirSync(options.state, { recursive: true, mode: 0o700 });
  chmodSync(options.state, 0o700);
  const roomPassword = password(options.state, "room-password", 12);
  password(options.state, "teacher-password", 40);
  const lessonsFolder = ["cnnlab", options.edition.folder].filter(Boolean).join("/");
  const hub = spawn(
    join(root, ".venv", "bin", "jupyterhub"),
    ["--config", join(root, "deploy", "jupyterhub_config.py")],
    {
      cwd: options.state,
      stdio: "inherit",
      env: {
        ...process.env,
        CNNLAB_HUB_STATE: options.state,
        CNNLAB_HUB_PYTHON: python,
        CNNLAB_HUB_IP: options.ip,
        CNNLAB_HUB_PORT: String(options.port),
        CNNLAB_HUB_HOMES: options.homes,
        CNNLAB_HUB_LESSONS: join(root, "notebooks", options.edition.folder),
        CNNLAB_HUB_LESSONS_FOLDER: lessonsFolder,
        CNNLAB_MAX_MEMORY: options.maxMemory,
      },
    },
  );
  const shown = options.ip === "0.0.0.0" ? "this machine's address" : options.ip;
  console.log(
    [
      `[cnnlab hub] http://${shown}:${options.port}/ — ${options.edition.language === "ko" ? "Korean" : "English"} ` +
        `${options.instructor ? "instructor" : "student"} edition in ~/${lessonsFolder} of every account`,
      `[cnnlab hub] students: any name, room password ${roomPassword}`,
      `[cnnlab hub] teacher: name "teacher", password in ${join(options.state, "teacher-password")}`,
      `[cnnlab hub] each kernel's memory cap: CNNLAB_MAX_MEMORY=${options.maxMemory}; Ctrl-C stops the hub and every server`,
    ].join("\n"),
  );
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => hub.kill(signal));
  hub.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  hub.on("error", (error) => {
    console.error(`[cnnlab hub] could not start JupyterHub from .venv: ${error.message}`);
    process.exit(1);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    if (error instanceof SetupError) {
      console.error(error.message);
      process.exit(1);
    }
    if (!(error instanceof HubError)) throw error;
    console.error(`[cnnlab hub] ${error.message}`);
    process.exit(2);
  }
}
