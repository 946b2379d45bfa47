/**
 * What a student must see after Run All, as a list of problems (empty when all is well), so one failing lesson
 * reports everything that is wrong with it at once.
 */
import { LiveOutput, RenderedNotebook, cnnlabKernelName } from "./notebookPage";
import { SavedNotebookSummary } from "./savedNotebook";

export interface Expectations {
  /** The notebook trains or otherwise shows progress: some output must change while its cell runs. */
  liveOutput: boolean;
}

/** Lessons that call the library's `train(...)` or tfjs's `fit(...)` show live progress while they run. */
export function showsTrainingProgress(code: string): boolean {
  return /\btrain\s*\(|\.fit\s*\(/.test(code);
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
    const notRun = rendered.prompts
      .map((prompt, index) => (/\[\d+\]/.test(prompt) ? 0 : index + 1))
      .filter(Boolean);
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
      problems.push(`the plotly title ${JSON.stringify(title)} is not shown (plotly.js ≥ 3 ignores string titles: use {title: {text}})`);
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
  if (expectations.liveOutput && !live.some((output) => output.distinctStates >= 2)) {
    problems.push("no output changed while its cell ran: live progress is not visible");
  }
  if (rendered.kernelStatus !== "idle") problems.push(`the kernel indicator shows ${rendered.kernelStatus}, not idle`);
  if (!rendered.kernelName.includes(cnnlabKernelName)) {
    problems.push(`the toolbar names the kernel "${rendered.kernelName}", not "${cnnlabKernelName}"`);
  }
  return problems;
}
