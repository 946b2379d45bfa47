/**
 * Reads a notebook file that the browser saved after running it, and says what the frontend received: the ground
 * truth the rendered page is checked against (which outputs were plotly figures, which were errors, ...).
 */
import { readFileSync } from "node:fs";

export const plotlyMimeType = "application/vnd.plotly.v1+json";

interface NotebookOutput {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  name?: string;
  text?: string | string[];
}

interface NotebookCell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: NotebookOutput[];
}

export interface SavedNotebookSummary {
  codeCells: number;
  /** Code cells with an execution count, i.e. cells the kernel ran to the end. */
  executedCodeCells: number;
  /** `ename: evalue` of every error output, with the number of the code cell it came from (1-based). */
  errors: string[];
  /** Outputs carrying a plotly figure. */
  plotlyFigures: number;
  /** Titles set in those figures' layouts (plain text), each of which a student should see above its plot. */
  plotlyTitles: string[];
  /** Outputs whose best representation is a PNG: image/png without html or plotly next to it. */
  pngImages: number;
  /** Code cells (1-based) whose value was a tensor shown as a picture (its text/plain starts "Tensor "). */
  tensorPictureCells: number[];
}

function titleText(title: unknown): string | undefined {
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return undefined;
}

/** The text plotly draws for a title: markup such as <b> or <br> removed, whitespace collapsed. */
export function plainTitle(title: string): string {
  return title
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The widget state JupyterLab saves with a notebook (the widget manager's saveState setting). */
const widgetStateMimeType = "application/vnd.jupyter.widget-state+json";

interface SavedWidgetModel {
  model_name: string;
  state: { outputs?: NotebookOutput[] };
}

export function summariseSavedNotebook(path: string): SavedNotebookSummary {
  const notebook = JSON.parse(readFileSync(path, "utf8")) as {
    cells: NotebookCell[];
    metadata?: { widgets?: Record<string, { state?: Record<string, SavedWidgetModel> }> };
  };
  const summary: SavedNotebookSummary = {
    codeCells: 0,
    executedCodeCells: 0,
    errors: [],
    plotlyFigures: 0,
    plotlyTitles: [],
    pngImages: 0,
    tensorPictureCells: [],
  };
  const count = (output: NotebookOutput, where: string): void => {
    if (output.output_type === "error") {
      summary.errors.push(`${where}: ${output.ename}: ${output.evalue}`);
      return;
    }
    const data = output.data ?? {};
    if (plotlyMimeType in data) {
      summary.plotlyFigures += 1;
      const figure = data[plotlyMimeType] as { layout?: { title?: unknown } } | undefined;
      const title = titleText(figure?.layout?.title);
      if (title && plainTitle(title)) summary.plotlyTitles.push(plainTitle(title));
    } else if ("image/png" in data && !("text/html" in data)) {
      summary.pngImages += 1;
    }
  };
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    summary.codeCells += 1;
    if (typeof cell.execution_count === "number") summary.executedCodeCells += 1;
    for (const output of cell.outputs ?? []) {
      count(output, `code cell ${summary.codeCells}`);
      const text = output.data?.["text/plain"];
      const plain = Array.isArray(text) ? text.join("") : text;
      if (output.output_type === "execute_result" && "image/png" in (output.data ?? {}) && /^Tensor /.test(`${plain}`))
        summary.tensorPictureCells.push(summary.codeCells);
    }
  }
  // What the explorers' output areas show is widget state, drawn on the page like cell outputs.
  const models = notebook.metadata?.widgets?.[widgetStateMimeType]?.state ?? {};
  for (const model of Object.values(models)) {
    if (model.model_name !== "OutputModel") continue;
    for (const output of model.state.outputs ?? []) count(output, "an explorer's output area");
  }
  return summary;
}
