import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import { writeFileAtomically } from "../files";
import * as zlib from "zlib";

/**
 * Downloads `url` into `target` unless it is already there, and checks the SHA-256 of its contents (after gunzip
 * when the file is gzipped: checksums of the IDX payload hold whichever gzip produced the archive).
 *
 * An existing file is never overwritten: if its checksum is wrong the call fails and says to delete it.
 * The download goes to a temporary file that is renamed only after the checksum matches, so an interrupted
 * download never leaves a file that looks complete.
 */
export async function downloadVerified(url: string, target: string, sha256: string | undefined): Promise<void> {
  if (fs.existsSync(target)) {
    const actual = payloadSha256(fs.readFileSync(target));
    if (sha256 && actual !== sha256) {
      throw new Error(
        `${target} is already in the cache but its SHA-256 is ${actual}, expected ${sha256}; ` +
          `it was not overwritten: delete it to download it again`,
      );
    }
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const bytes = await fetchBytes(url);
  const actual = payloadSha256(bytes);
  if (sha256 && actual !== sha256) {
    throw new Error(
      `download of ${url} has SHA-256 ${actual}, expected ${sha256}; nothing was written to the ` +
        `cache; try again later or copy the file into ${path.dirname(target)} yourself`,
    );
  }
  // Exclusive: if another process created the file meanwhile the write fails; still no silent overwrite.
  writeFileAtomically(target, bytes, { exclusive: true });
}

/** SHA-256 (hex) of a file's payload: gzipped data is hashed after inflating it. */
export function payloadSha256(bytes: Uint8Array): string {
  let payload = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      payload = zlib.gunzipSync(bytes);
    } catch {
      payload = bytes; // corrupt gzip: hash the raw bytes so the checksum comparison fails clearly
    }
  }
  return crypto.createHash("sha256").update(payload).digest("hex");
}

function fetchBytes(url: string, redirects = 5): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith("https:") ? https : http;
    const request = client.get(url, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location && redirects > 0) {
        response.resume();
        resolve(fetchBytes(new URL(response.headers.location, url).toString(), redirects - 1));
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(new Error(`download of ${url} failed: HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks)));
      response.on("error", reject);
    });
    request.on("error", (error) => reject(new Error(`download of ${url} failed: ${error.message}`)));
  });
}
