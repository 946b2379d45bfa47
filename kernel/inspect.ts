/** inspect_request: the TypeScript type and TSDoc at the cursor. */
import type { Executor } from "./execute";
import { codePointToUtf16 } from "./cursor";

export interface InspectReply {
  status: "ok";
  found: boolean;
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

export async function inspectAt(
  executor: Executor,
  code: string,
  cursorPos: number | undefined,
): Promise<InspectReply> {
  const pos = codePointToUtf16(code, cursorPos ?? code.length);
  // Jupyter frontends send the cursor after the name (e.g. `Math.floor|`): look one character back too.
  const info = (await executor.inspect(code, pos)) ?? (pos > 0 ? await executor.inspect(code, pos - 1) : undefined);
  if (!info) return { status: "ok", found: false, data: {}, metadata: {} };
  const signature = (info.displayParts ?? []).map((p) => p.text).join("");
  const docs = (info.documentation ?? []).map((d) => d.text).join("");
  const tags = (info.tags ?? []).map((t) => `@${t.name}${t.text ? " " + t.text.map((x) => x.text).join("") : ""}`);
  const plain = [signature, docs, ...tags].filter((s) => s).join("\n\n");
  const markdown = ["```typescript\n" + signature + "\n```", docs, ...tags.map((t) => `*${t}*`)]
    .filter((s) => s)
    .join("\n\n");
  return { status: "ok", found: true, data: { "text/plain": plain, "text/markdown": markdown }, metadata: {} };
}
