/**
 * What a student must see after Run All, as a list of problems (empty when all is well), so one failing lesson
 * reports everything that is wrong with it at once.
 */
import { MIN_UPDATE_INTERVAL_MS } from "../../src/display/liveOutput";
import { LiveOutput, RenderedNotebook, cnnlabKernelName } from "./notebookPage";
import { SavedNotebookSummary } from "./savedNotebook";

/** Long enough for several progress updates: the live output sends at most one per MIN_UPDATE_INTERVAL_MS. */
export const progressWorthMilliseconds = 5 * MIN_UPDATE_INTERVAL_MS;

export interface Expectations {
  /** The notebook trains or otherwise shows progress: some output must change while its cell runs. */
  liveOutput: boolean;
}

/**
 * Notebooks that must show some output changing while its cell runs: the fixtures (a live-output cell made for
 * it), and lessons whose training lasts long enough for a progress update (a progress bar seen for that long).
 */
export function needsLiveOutput(isLesson: boolean, live: LiveOutput[]): boolean {
  return (
    !isLesson ||
    live.some((output) => output.isTrainingProgress && output.visibleMilliseconds >= progressWorthMilliseconds)
  );
}

export function userVisibleProblems(
  saved: SavedNotebookSummary,
  rendered: RenderedNotebook,
  live: LiveOutput[],
  expectations: Expectations,
): string[] {
  const problems: string[] = [];
  for (const error of saved.errors) problems.push(`error output in ${error}`);
  if (saved.executedCodeCells !== saved.codeCells) {
    const notRun = rendered.prompts.map((prompt, index) => (/\[\d+\]/.test(prompt) ? 0 : index + 1)).filter(Boolean);
    problems.push(
      `only ${saved.executedCodeCells} of ${saved.codeCells} code cells ran to the end (not run: ${notRun.join(", ")})`,
    );
  }
  if (rendered.plotlyFigures !== saved.plotlyFigures) {
    problems.push(
      `${saved.plotlyFigures} plotly figure(s) were sent but ${rendered.plotlyFigures} were drawn as SVG by the ` +
        `plotly renderer (is plotly's JupyterLab extension installed in .venv? \`.venv/bin/jupyter labextension list\`)`,
    );
  }
  for (const output of rendered.plotlyNotRenderedByMimeRenderer) {
    problems.push(
      `code cell ${output.codeCell}: a plotly figure is shown through ${output.mimeType ?? "an unknown mime type"} ` +
        `instead of the plotly renderer: ${JSON.stringify(output.text.slice(0, 80))}`,
    );
  }
  // Only meaningful once the figures are drawn; otherwise the count above already says what is wrong.
  const titlesToCheck = rendered.plotlyFigures === saved.plotlyFigures ? saved.plotlyTitles : [];
  for (const title of titlesToCheck) {
    if (!rendered.plotlyText.includes(title)) {
      problems.push(
        `the plotly title ${JSON.stringify(title)} is not shown (plotly.js ≥ 3 ignores string titles: use {title: {text}})`,
      );
    }
  }
  for (const output of rendered.unrenderable) {
    problems.push(`code cell ${output.codeCell}: a renderer failed: ${JSON.stringify(output.text.slice(0, 120))}`);
  }
  const undecoded = rendered.images.filter((image) => image.naturalWidth === 0);
  for (const image of undecoded) problems.push(`code cell ${image.codeCell}: an image did not decode (naturalWidth 0)`);
  const decoded = rendered.images.length - undecoded.length;
  if (decoded < saved.pngImages) {
    problems.push(`${saved.pngImages} PNG image output(s) were sent but only ${decoded} image(s) are shown`);
  }
  for (const image of rendered.images) {
    if (!image.shownWhole) problems.push(`code cell ${image.codeCell}: an image is cut off at the output's right edge`);
  }
  // A tensor as a cell's value says what it is in its picture: a title line (dtype, shape, values) above it.
  for (const codeCell of saved.tensorPictureCells) {
    const pictures = rendered.images.filter((image) => image.codeCell === codeCell);
    if (!pictures.some((image) => image.titleBand)) {
      problems.push(`code cell ${codeCell}: a tensor shown as the cell's value has no title line in its picture`);
    }
  }
  // A table's title is laid out as wide as the output allows, not broken to the width of a narrow table.
  for (const title of rendered.tableTitles) {
    if (title.lines > 1 && title.width < 0.9 * title.outputWidth) {
      problems.push(
        `code cell ${title.codeCell}: the table title ${JSON.stringify(title.text)} takes ${title.lines} lines ` +
          `${Math.round(title.width)} px wide in a ${Math.round(title.outputWidth)} px output`,
      );
    }
  }
  // A training progress bar on screen for several of its update intervals must have moved; with a fast engine a
  // fast-mode lesson's trainings can all end before their first update, and then there is nothing to see.
  for (const output of live) {
    if (
      output.isTrainingProgress &&
      output.visibleMilliseconds >= progressWorthMilliseconds &&
      output.distinctStates < 2
    ) {
      problems.push(
        `code cell ${output.codeCell}: train()'s progress stood still for ${(output.visibleMilliseconds / 1000).toFixed(1)} s while the cell ran`,
      );
    }
  }
  if (expectations.liveOutput && !live.some((output) => output.distinctStates >= 2)) {
    problems.push("no output changed while its cell ran: live progress is not visible");
  }
  if (rendered.kernelStatus !== "idle") problems.push(`the kernel indicator shows ${rendered.kernelStatus}, not idle`);
  if (!rendered.kernelName.includes(cnnlabKernelName)) {
    problems.push(`the toolbar names the kernel "${rendered.kernelName}", not "${cnnlabKernelName}"`);
  }
  return problems;
}
