import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";

/** Options of {@link writeFileAtomically}. */
export interface AtomicWriteOptions {
  /** Refuse to replace an existing file (the write fails with EEXIST and the file stays as it was). */
  exclusive?: boolean;
}

const TEMPORARY = /^\.(.+)\.(\d+)-[0-9a-f]+\.partial$/;

/**
 * Writes a file so that a reader (or a later run) finds either the old content or the new, never a part: the bytes
 * go to a temporary file beside the target, are flushed to disk, and then replace the target in one rename. A
 * process killed mid-write leaves the previous file intact; its temporary file is removed by the next write of the
 * same target.
 */
export function writeFileAtomically(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const directory = path.dirname(target);
  const name = path.basename(target);
  fs.mkdirSync(directory, { recursive: true });
  removeAbandoned(directory, name);
  const temporary = path.join(directory, `.${name}.${process.pid}-${randomBytes(4).toString("hex")}.partial`);
  try {
    const descriptor = fs.openSync(temporary, "wx");
    try {
      fs.writeFileSync(descriptor, data);
      // Without the flush a power cut after the rename can leave an empty file under the new name.
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    if (options.exclusive) fs.linkSync(temporary, target);
    else fs.renameSync(temporary, target);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Temporary files of `name` left by writers that are no longer running (killed mid-write). */
function removeAbandoned(directory: string, name: string): void {
  for (const entry of fs.readdirSync(directory)) {
    const match = TEMPORARY.exec(entry);
    if (match === null || match[1] !== name || isRunning(Number(match[2]))) continue;
    fs.rmSync(path.join(directory, entry), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
