// Opens JupyterLab from the project-local .venv on notebooks/, where our kernel is the registered TypeScript kernel.
// It opens the lessons in the user's language: the Korean edition (notebooks/ko/) when the system locale is Korean
// (LC_ALL, LC_MESSAGES or LANG starting with "ko"), else the English one. Choose explicitly with `--lang ko|en`, and
// `--student` opens the student edition (blank exercises with checks) instead of the instructor's.
// Other arguments pass through: `npm run lab -- --lang ko --no-browser --port 8899`.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const jupyter = join(root, ".venv", "bin", "jupyter");

/** The edition folder under notebooks/ to open, from --lang/--student or the locale; the rest of argv passes on. */
export function chooseEdition(argv, env) {
  const rest = [];
  let language;
  let student = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--student") student = true;
    else if (arg === "--lang" || arg.startsWith("--lang=")) {
      language = arg === "--lang" ? argv[++i] : arg.slice("--lang=".length);
      if (language !== "ko" && language !== "en") {
        throw new Error(
          `--lang ${language ?? ""}: the lessons exist in English (en) and Korean (ko); use --lang en or --lang ko`,
        );
      }
    } else rest.push(arg);
  }
  // POSIX order: LC_ALL overrides LC_MESSAGES, which overrides LANG.
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  language ??= locale.toLowerCase().startsWith("ko") ? "ko" : "en";
  const folder = [language === "ko" ? "ko" : "", student ? "student" : ""].filter(Boolean).join("/");
  return { language, student, folder, rest };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let edition;
  try {
    edition = chooseEdition(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`[cnnlab lab] ${error.message}`);
    process.exit(2);
  }
  console.log(
    `[cnnlab lab] opening the ${edition.language === "ko" ? "Korean" : "English"} ${edition.student ? "student" : "instructor"} ` +
      `edition: notebooks/${edition.folder || ""} (choose with --lang en|ko and --student)`,
  );
  const args = [
    "lab",
    `--ServerApp.root_dir=${join(root, "notebooks")}`,
    ...(edition.folder ? [`--LabApp.default_url=/lab/tree/${edition.folder}`] : []),
    ...edition.rest,
  ];
  // JupyterLab refuses to start as root without this flag; containers and CI machines often run as root.
  if (process.getuid?.() === 0 && !args.includes("--allow-root")) {
    console.log("[cnnlab lab] running as root: passing --allow-root to JupyterLab");
    args.push("--allow-root");
  }
  const lab = spawn(jupyter, args, { cwd: join(root, "notebooks"), stdio: "inherit" });
  // Ctrl-C reaches JupyterLab through the terminal's process group; keep this wrapper alive until it has shut down.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => lab.kill(signal));
  lab.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  lab.on("error", (error) => {
    console.error(`could not start JupyterLab from .venv: ${error.message}`);
    process.exit(1);
  });
}
