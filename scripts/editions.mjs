// Writes the four editions of every lesson from its one source (`npm run editions`):
//
//   notebooks/source/NN-topic.ipynb   the source: shared code, each markdown cell in English, then a line
//                                     `<!-- ko -->`, then the same cell in Korean
//   notebooks/NN-topic.ipynb          English, instructor (solutions in hidden cells)
//   notebooks/ko/NN-topic.ipynb       Korean, instructor
//   notebooks/student/NN-topic.ipynb  English, student (each solution replaced by `// YOUR CODE HERE`)
//   notebooks/ko/student/…            Korean, student
//
// Code cells are the same in every edition. An exercise is a code cell tagged `solution` whose answer sits between
// `// BEGIN SOLUTION` and `// END SOLUTION`, followed at once by a cell tagged `check` that calls
// `check.exercise("NN-k", …)`. Cells carry nbgrader's metadata, so the instructor edition is an nbgrader source
// notebook and the student edition is what `nbgrader generate_assignment` makes of it. A markdown cell tagged
// `instructor` or `student` appears only in that audience's editions.
//
//   npm run editions                write the editions that changed
//   npm run editions -- --check     write nothing; exit 1 if an edition is not what its source gives
//   npm run editions -- --force     also overwrite editions that were edited by hand
//   npm run editions -- 02 05       only the lessons whose file name starts with 02 or 05
//
// An edition edited by hand (in JupyterLab, say) is never overwritten silently: the build refuses and says where the
// edit belongs, unless --force is given.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const KOREAN_MARKER = "<!-- ko -->";
export const CODE_STUB = "// YOUR CODE HERE";
const BEGIN = "BEGIN SOLUTION";
const END = "END SOLUTION";

/** The four editions: where each goes under notebooks/, in which language, for whom. */
export const EDITIONS = [
  { language: "en", audience: "instructor", folder: "." },
  { language: "ko", audience: "instructor", folder: "ko" },
  { language: "en", audience: "student", folder: "student" },
  { language: "ko", audience: "student", folder: join("ko", "student") },
];

class SourceError extends Error {}

const text = (source) => (Array.isArray(source) ? source.join("") : source);
const lines = (source) => source.split(/(?<=\n)/);

/** The English and Korean halves of a source markdown cell. */
function splitLanguages(cell, where) {
  const source = text(cell.source);
  const parts = source.split(new RegExp(`^${KOREAN_MARKER}[ \\t]*$`, "m"));
  if (parts.length !== 2 || parts[1].trim() === "" || parts[0].trim() === "") {
    throw new SourceError(
      `${where}, markdown cell ${cell.id}: ` +
        (parts.length > 2
          ? `"${KOREAN_MARKER}" appears ${parts.length - 1} times; it separates the English text from the Korean once`
          : `needs its English text, then a line "${KOREAN_MARKER}", then the Korean text`),
    );
  }
  return { en: parts[0].trim(), ko: parts[1].trim() };
}

/** The solution cell's source with its solution region replaced by the stub, as nbgrader's ClearSolutions does. */
export function clearSolution(source, where) {
  const out = [];
  let inSolution = false;
  let replaced = false;
  for (const line of source.split("\n")) {
    if (line.includes(BEGIN)) {
      if (inSolution) throw new SourceError(`${where}: "${BEGIN}" inside a solution`);
      inSolution = true;
      replaced = true;
      out.push(line.slice(0, line.length - line.trimStart().length) + CODE_STUB);
    } else if (line.includes(END)) {
      if (!inSolution) throw new SourceError(`${where}: "${END}" without "${BEGIN}"`);
      inSolution = false;
    } else if (!inSolution) {
      out.push(line);
    }
  }
  if (inSolution) throw new SourceError(`${where}: "${BEGIN}" is never closed by "${END}"`);
  if (!replaced) throw new SourceError(`${where}: a cell tagged solution has no "// ${BEGIN}" … "// ${END}" region`);
  return out.join("\n");
}

function nbgrader(fields) {
  return { schema_version: 3, task: false, ...fields };
}

/** The exercise id a check cell checks, from its `check.exercise("NN-k", …)` call. */
function exerciseOf(cell, lesson, where) {
  const match = /check\.exercise\(\s*"(\d\d-\d+)"/.exec(text(cell.source));
  if (!match)
    throw new SourceError(`${where}, cell ${cell.id}: a check cell must call check.exercise("${lesson}-k", …)`);
  if (!match[1].startsWith(`${lesson}-`)) {
    throw new SourceError(
      `${where}, cell ${cell.id}: exercise "${match[1]}" belongs to lesson ${match[1].slice(0, 2)}`,
    );
  }
  return match[1];
}

const tagsOf = (cell) => cell.metadata?.tags ?? [];

/** Fingerprint of what a person would edit in a notebook: the cells' kinds and sources. */
export function contentDigest(notebook) {
  const content = notebook.cells.map((cell) => [cell.cell_type, text(cell.source)]);
  return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 16);
}

/** One edition of a parsed source notebook. */
export function edition(source, name, { language, audience }) {
  const where = `notebooks/source/${name}`;
  const lesson = name.slice(0, 2);
  const cells = [];
  const seen = new Set();
  source.cells.forEach((cell, index) => {
    const tags = tagsOf(cell);
    if (cell.cell_type === "markdown") {
      if (
        (tags.includes("instructor") && audience !== "instructor") ||
        (tags.includes("student") && audience !== "student")
      ) {
        return;
      }
      const prose = splitLanguages(cell, where)[language];
      cells.push({ cell_type: "markdown", id: cell.id, metadata: { ...cell.metadata }, source: lines(prose) });
      return;
    }
    if (cell.cell_type !== "code") {
      cells.push(structuredClone(cell));
      return;
    }
    const metadata = structuredClone(cell.metadata ?? {});
    let body = text(cell.source);
    if (tags.includes("solution")) {
      const next = source.cells[index + 1];
      if (!next || !tagsOf(next).includes("check")) {
        throw new SourceError(`${where}, cell ${cell.id}: a solution cell must be followed at once by its check cell`);
      }
      const exercise = exerciseOf(next, lesson, where);
      metadata.nbgrader = nbgrader({ grade: false, grade_id: exercise, locked: false, solution: true });
      if (audience === "student") {
        body = clearSolution(body, `${where}, cell ${cell.id}`);
        if (metadata.jupyter) delete metadata.jupyter.source_hidden;
        if (metadata.jupyter && Object.keys(metadata.jupyter).length === 0) delete metadata.jupyter;
      } else {
        clearSolution(body, `${where}, cell ${cell.id}`);
        metadata.jupyter = { ...metadata.jupyter, source_hidden: true };
      }
    } else if (tags.includes("check")) {
      const previous = source.cells[index - 1];
      if (!previous || !tagsOf(previous).includes("solution")) {
        throw new SourceError(`${where}, cell ${cell.id}: a check cell must follow its exercise's solution cell`);
      }
      const exercise = exerciseOf(cell, lesson, where);
      if (seen.has(exercise)) throw new SourceError(`${where}: exercise ${exercise} is checked twice`);
      seen.add(exercise);
      metadata.nbgrader = nbgrader({
        grade: true,
        grade_id: `${exercise}-check`,
        locked: true,
        points: 1,
        solution: false,
      });
    } else if (/BEGIN SOLUTION|END SOLUTION/.test(body)) {
      throw new SourceError(`${where}, cell ${cell.id}: solution markers in a cell not tagged solution`);
    }
    cells.push({ cell_type: "code", execution_count: null, id: cell.id, metadata, outputs: [], source: lines(body) });
  });
  const notebook = {
    cells,
    metadata: structuredClone(source.metadata),
    nbformat: source.nbformat,
    nbformat_minor: source.nbformat_minor,
  };
  notebook.metadata.cnnlab = {
    edition: { language, audience, source: `source/${name}`, digest: contentDigest(notebook) },
  };
  return notebook;
}

/** A notebook as nbformat writes it (one-space indent, non-ASCII kept, a final newline). */
export function serialize(notebook) {
  return JSON.stringify(notebook, null, 1) + "\n";
}

/**
 * Whether an existing edition may be replaced: it is what this build wrote (its cells still match the digest it
 * was written with) or what it would write now. Anything else was edited by hand.
 */
export function editedByHand(existingText, wanted) {
  if (existingText === wanted) return false;
  let existing;
  try {
    existing = JSON.parse(existingText);
  } catch {
    return true;
  }
  const recorded = existing?.metadata?.cnnlab?.edition?.digest;
  if (!Array.isArray(existing?.cells)) return true;
  if (recorded !== undefined) return recorded !== contentDigest(existing);
  return contentDigest(existing) !== contentDigest(JSON.parse(wanted));
}

/** Plans every edition of every source under `notebooksDir`: [{ path, text }], or throws a SourceError. */
export function planEditions(notebooksDir, wanted = []) {
  const sourceDir = join(notebooksDir, "source");
  if (!existsSync(sourceDir)) throw new SourceError(`no lesson sources: ${sourceDir} does not exist`);
  const names = readdirSync(sourceDir)
    .filter((name) => /^\d\d-.*\.ipynb$/.test(name))
    .filter((name) => wanted.length === 0 || wanted.some((prefix) => name.startsWith(prefix)))
    .sort();
  if (names.length === 0) {
    throw new SourceError(
      `no lesson sources (NN-topic.ipynb${wanted.length ? ` starting ${wanted.join(" or ")}` : ""}) in ${sourceDir}`,
    );
  }
  const planned = [];
  for (const name of names) {
    let source;
    try {
      source = JSON.parse(readFileSync(join(sourceDir, name), "utf8"));
    } catch (error) {
      throw new SourceError(
        `notebooks/source/${name} is not valid notebook JSON (${error.message}); fix or restore it from git`,
      );
    }
    for (const target of EDITIONS) {
      planned.push({
        path: join(notebooksDir, target.folder, name),
        text: serialize(edition(source, name, target)),
      });
    }
  }
  return planned;
}

function writeAtomically(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Runs the build over `notebooksDir`; returns the process exit code. */
export function build(notebooksDir, { check = false, force = false, lessons = [], log = console.log } = {}) {
  let planned;
  try {
    planned = planEditions(notebooksDir, lessons);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    log(`editions: ${error.message}`);
    return 1;
  }
  const stale = [];
  const refused = [];
  let written = 0;
  for (const { path, text: wanted } of planned) {
    const shown = relative(join(notebooksDir, ".."), path);
    const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    if (existing === wanted) continue;
    if (check) {
      stale.push(shown);
      continue;
    }
    if (existing !== undefined && !force && editedByHand(existing, wanted)) {
      refused.push(shown);
      continue;
    }
    writeAtomically(path, wanted);
    written++;
    log(`editions: wrote ${shown}`);
  }
  if (check) {
    if (stale.length === 0) {
      log(`editions: all ${planned.length} editions match their sources`);
      return 0;
    }
    log(
      `editions: ${stale.length} edition(s) differ from their sources; run \`npm run editions\`:\n  ${stale.join("\n  ")}`,
    );
    return 1;
  }
  if (refused.length > 0) {
    log(
      `editions: left ${refused.length} edition(s) alone because they were edited by hand:\n  ${refused.join("\n  ")}\n` +
        "Edits belong in notebooks/source/ (every edition is written from there). Move your copy elsewhere to keep it, " +
        "or run `npm run editions -- --force` to overwrite it.",
    );
    return 1;
  }
  log(
    `editions: ${written === 0 ? "all up to date" : `${written} written`} (${planned.length} editions of ${planned.length / EDITIONS.length} lessons)`,
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg.startsWith("--") && !["--check", "--force"].includes(arg));
  if (unknown.length > 0) {
    console.error(`editions: unknown option ${unknown.join(" ")}; use --check, --force or lesson numbers`);
    process.exit(2);
  }
  const lessons = args.filter((arg) => !arg.startsWith("--"));
  process.exit(
    build(join(root, "notebooks"), { check: args.includes("--check"), force: args.includes("--force"), lessons }),
  );
}
