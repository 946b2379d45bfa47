/** complete_request and is_complete_request: TypeScript-aware, through tslab's converter and parser. */
import type { Executor } from "./execute";
import { codePointToUtf16, utf16ToCodePoint } from "./cursor";

export interface CompleteReply {
  status: "ok";
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export async function complete(
  executor: Executor,
  code: string,
  cursorPos: number | undefined,
): Promise<CompleteReply> {
  const pos = codePointToUtf16(code, cursorPos ?? code.length);
  const info = await executor.complete(code, pos);
  const entries = new Map((info.original?.entries ?? []).map((e) => [e.name, e]));
  return {
    status: "ok",
    matches: info.candidates,
    cursor_start: utf16ToCodePoint(code, info.start),
    cursor_end: utf16ToCodePoint(code, info.end),
    metadata: {
      _jupyter_types_experimental: info.candidates.map((name) => ({
        text: name,
        type: entries.get(name)?.kind ?? "",
        start: utf16ToCodePoint(code, info.start),
        end: utf16ToCodePoint(code, info.end),
      })),
    },
  };
}

/**
 * Completions a user looks for first: `tf.` lists tfjs's ops (abs, add, conv2d…) before its classes, and its
 * kernel-name constants (Abs, Add, _FusedMatMul…), which TypeScript interleaves with the ops, last.
 */
export function inReadingOrder(candidates: string[], entries: { name: string; kind: string }[]): string[] {
  const kinds = new Map(entries.map((e) => [e.name, e.kind]));
  const rank = (name: string): number => {
    if (name.startsWith("_")) return 3;
    if (!/^[A-Z]/.test(name)) return 0;
    return kinds.get(name) === "const" ? 2 : 1;
  };
  return candidates
    .map((name, index) => ({ name, index, rank: rank(name) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((c) => c.name);
}

export type IsCompleteReply = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

/**
 * complete: parses cleanly (or ends with a blank line, which forces execution as in tslab);
 * incomplete: every syntax error sits at the very end and says "... expected" (an open block, call, array, comment)
 * or is an unterminated template literal, so more lines can finish the cell;
 * invalid: any other syntax error (type errors are not looked at).
 */
export function isComplete(code: string): IsCompleteReply {
  if (/(^|\n)\s*\n\s*$/.test(code)) return { status: "complete" };
  const ts = require("@tslab/typescript-for-tslab") as typeof import("@tslab/typescript-for-tslab");
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX);
  const diags = ((sf as any).parseDiagnostics ?? []) as { start: number; length: number; messageText: unknown }[];
  if (diags.length === 0) return { status: "complete" };
  const end = code.length;
  const continuable = diags.every(
    (d) => d.start >= end && /expected\.$|^Unterminated template literal/.test(String(d.messageText)),
  );
  if (!continuable) return { status: "invalid" };
  const { isCompleteCode } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
  return { status: "incomplete", indent: isCompleteCode(code).indent ?? "" };
}
