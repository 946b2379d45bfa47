/**
 * Jupyter wire protocol: framing of multipart ZeroMQ messages and their HMAC signatures.
 *
 * Pure (no sockets), so it is unit-tested directly. See
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from "crypto";

/** The protocol version this kernel speaks (5.4: iopub_welcome on an XPUB iopub socket). */
export const PROTOCOL_VERSION = "5.4";

export const DELIMITER = Buffer.from("<IDS|MSG>");

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: unknown;
}

export interface Message<C = any> {
  /** ZeroMQ routing prefix (empty for iopub). */
  idents: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export class SignatureError extends Error {
  name = "SignatureError";
}

/** The signer for one connection file: `signature_scheme` ("hmac-sha256") and `key`. An empty key disables signing. */
export class Signer {
  private readonly algorithm: string;
  constructor(
    private readonly key: string,
    scheme = "hmac-sha256",
  ) {
    if (!scheme.startsWith("hmac-")) throw new Error(`unsupported signature_scheme ${scheme}`);
    this.algorithm = scheme.slice("hmac-".length);
  }

  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(parts: (string | Buffer)[]): string {
    if (!this.enabled) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }

  /** Constant-time comparison of `signature` with the signature of `parts`. */
  verify(signature: string, parts: (string | Buffer)[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    const actual = Buffer.from(signature, "utf8");
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

/** Why `decode` refused a message, for the kernel's log: the signature problem, or what was malformed. */
export function rejectionReason(error: unknown): string {
  return error instanceof SignatureError ? error.message : `malformed message (${(error as Error)?.message ?? error})`;
}

/** Parses and verifies a multipart message; throws SignatureError for an unsigned or wrongly signed message. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const delim = frames.findIndex((f) => f.equals(DELIMITER));
  if (delim < 0) throw new Error("message has no <IDS|MSG> delimiter");
  if (frames.length < delim + 6)
    throw new Error(`message has ${frames.length - delim - 1} frames after the delimiter, want >= 5`);
  const idents = frames.slice(0, delim);
  const signature = frames[delim + 1].toString("utf8");
  const parts = frames.slice(delim + 2, delim + 6);
  if (!signer.verify(signature, parts)) {
    throw new SignatureError(signature ? "invalid message signature" : "unsigned message");
  }
  const [header, parent_header, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")));
  return { idents, header, parent_header, metadata, content, buffers: frames.slice(delim + 6) };
}

/** Serialises and signs a message into multipart frames. */
export function encode(msg: Message, signer: Signer): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
    Buffer.from(JSON.stringify(p), "utf8"),
  );
  return [...msg.idents, DELIMITER, Buffer.from(signer.sign(parts), "utf8"), ...parts, ...msg.buffers];
}

export function newHeader(msg_type: string, session: string, username = "kernel"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type,
    version: PROTOCOL_VERSION,
  };
}

/** Builds a message replying to (or caused by) `parent`. */
export function makeMessage<C>(
  msg_type: string,
  content: C,
  parent: Message | undefined,
  session: string,
  idents: Buffer[] = parent ? parent.idents : [],
  metadata: Record<string, unknown> = {},
  buffers: Buffer[] = [],
): Message<C> {
  return {
    idents,
    header: newHeader(msg_type, session, (parent?.header.username as string) ?? "kernel"),
    parent_header: parent ? parent.header : {},
    metadata,
    content,
    buffers,
  };
}
