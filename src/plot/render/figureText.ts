import { PlotlyMimeData } from "../../contract";

function titleText(title: unknown): string | undefined {
  if (typeof title === "string") return title;
  if (title !== null && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return undefined;
}

function pointCount(trace: Record<string, unknown>): number {
  for (const key of ["y", "x", "z", "values"]) {
    const values = trace[key];
    if (Array.isArray(values)) return values.length;
  }
  return 0;
}

/** The text/plain description of a figure: title, axes, and one line per trace (type, name, points). */
export function figureText(figure: PlotlyMimeData): string {
  const layout = figure.layout;
  const title = titleText(layout.title);
  const lines = [
    `Figure${title ? ` "${title}"` : ""}: ${figure.data.length} trace${figure.data.length === 1 ? "" : "s"}`,
  ];
  const axes: string[] = [];
  for (const [key, value] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key) && value !== null && typeof value === "object") {
      const axisTitle = titleText((value as { title?: unknown }).title);
      if (axisTitle) axes.push(`${key[0]}: ${axisTitle}`);
    }
  }
  if (axes.length) lines.push(axes.slice(0, 8).join(", "));
  for (const trace of figure.data.slice(0, 20) as Record<string, unknown>[]) {
    const type = typeof trace.type === "string" ? trace.type : "scatter";
    const name = typeof trace.name === "string" ? ` "${trace.name}"` : "";
    lines.push(`- ${type}${name}: ${pointCount(trace)} point${pointCount(trace) === 1 ? "" : "s"}`);
  }
  if (figure.data.length > 20) lines.push(`- … ${figure.data.length - 20} more`);
  return lines.join("\n");
}
