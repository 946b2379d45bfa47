import { escapeHtml } from "./html";
import { formatNumber } from "./statistics";

/** The state of a progress bar. */
export interface ProgressState {
  label?: string;
  done: number;
  total: number;
  /** Seconds since the start. */
  elapsedSeconds: number;
  metrics?: Record<string, number | string>;
  finished: boolean;
}

/** "1:05" or "1:02:03". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function details(state: ProgressState): string[] {
  const { done, total, elapsedSeconds } = state;
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : NaN;
  const parts = [
    `${formatNumber(done)}/${formatNumber(total)}`,
    `${Math.floor((100 * Math.min(done, total)) / total)}%`,
  ];
  if (Number.isFinite(rate)) parts.push(`${formatNumber(rate, 3)}/s`);
  if (state.finished) parts.push(`took ${formatDuration(elapsedSeconds)}`);
  else if (Number.isFinite(rate) && rate > 0) parts.push(`ETA ${formatDuration((total - done) / rate)}`);
  return parts;
}

function metricsText(metrics: Record<string, number | string> | undefined): string {
  if (!metrics) return "";
  return Object.entries(metrics)
    .map(([name, value]) => `${name} ${typeof value === "number" ? formatNumber(value) : value}`)
    .join("  ");
}

const BAR_CHARACTERS = 30;

/** Plain text: `label [#######.......] 45/100 45% 12.3/s ETA 0:04  loss 0.23`. */
export function progressText(state: ProgressState): string {
  const fraction = Math.min(1, Math.max(0, state.done / state.total));
  const filled = Math.round(fraction * BAR_CHARACTERS);
  const bar = `[${"#".repeat(filled)}${".".repeat(BAR_CHARACTERS - filled)}]`;
  const parts = [state.label, bar, ...details(state), metricsText(state.metrics)].filter((p) => p);
  return parts.join(" ");
}

/** HTML: a bar with the same details beside it. */
export function progressHtml(state: ProgressState): string {
  const percent = (100 * Math.min(1, Math.max(0, state.done / state.total))).toFixed(1);
  const color = state.finished ? "#2ca02c" : "#1f77b4";
  const label = state.label ? `<span style="font-weight:bold">${escapeHtml(state.label)}</span>` : "";
  const metrics = metricsText(state.metrics);
  return (
    `<div style="display:flex;align-items:center;gap:8px;font-family:DejaVu Sans Mono,Menlo,Consolas,monospace;font-size:12px">` +
    label +
    `<div style="width:240px;height:12px;border:1px solid #999;border-radius:3px;background:#eee;overflow:hidden" ` +
    `role="progressbar" aria-valuenow="${escapeHtml(String(state.done))}" aria-valuemax="${escapeHtml(String(state.total))}">` +
    `<div style="width:${percent}%;height:100%;background:${color}"></div></div>` +
    `<span>${escapeHtml(details(state).join("  "))}</span>` +
    (metrics ? `<span style="color:#444">${escapeHtml(metrics)}</span>` : "") +
    `</div>`
  );
}
