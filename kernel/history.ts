/**
 * In-memory input/output history of this kernel session, answering history_request (tail, range, search).
 * Pure, unit-tested.
 */

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  /** text/plain of the execute_result, if any. */
  output: string | null;
}

export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type: "tail" | "range" | "search";
  session?: number;
  start?: number;
  stop?: number;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

export type HistoryItem = [number, number, string | [string, string | null]];

/** Converts a sqlite-GLOB-like pattern (`*`, `?`, `[...]`) matched against the whole input, as IPython does. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith("!")) cls = "^" + cls.slice(1);
        re += "[" + cls.replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

export class History {
  private readonly entries: HistoryEntry[] = [];

  /** `session` is this kernel session's number (history of earlier sessions is not kept). */
  constructor(readonly session = 1) {}

  add(line: number, input: string): HistoryEntry {
    const entry: HistoryEntry = { session: this.session, line, input, output: null };
    this.entries.push(entry);
    return entry;
  }

  get length(): number {
    return this.entries.length;
  }

  query(req: HistoryRequest): HistoryItem[] {
    let selected: HistoryEntry[];
    switch (req.hist_access_type) {
      case "tail": {
        const n = req.n ?? 10;
        selected = n > 0 ? this.entries.slice(-n) : [];
        break;
      }
      case "range": {
        // session 0 (or a non-positive relative number 0) is the current session; others are not kept.
        const session = req.session ?? 0;
        if (session !== 0 && session !== this.session) return [];
        const start = req.start ?? 0;
        const stop = req.stop ?? null;
        selected = this.entries.filter((e) => e.line >= start && (stop == null || stop <= 0 || e.line < stop));
        break;
      }
      case "search": {
        const re = globToRegExp(req.pattern ?? "*");
        let matches = this.entries.filter((e) => re.test(e.input));
        if (req.unique) {
          const seen = new Set<string>();
          const kept: HistoryEntry[] = [];
          for (let i = matches.length - 1; i >= 0; i--) {
            if (seen.has(matches[i].input)) continue;
            seen.add(matches[i].input);
            kept.unshift(matches[i]);
          }
          matches = kept;
        }
        const n = req.n ?? null;
        selected = n != null && n > 0 ? matches.slice(-n) : matches;
        break;
      }
      default:
        return [];
    }
    return selected.map((e) => [e.session, e.line, req.output ? [e.input, e.output] : e.input]);
  }
}
