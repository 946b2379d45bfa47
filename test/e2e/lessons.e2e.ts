/**
 * Issue 8: every lesson, opened in JupyterLab in Chromium and run with Run All, shows what a student must see:
 * no errors, plotly figures drawn by the plotly renderer, decoded images, live progress while training runs, and an
 * idle kernel at the end. Then an executed lesson exported with nbconvert still shows its plots with no network.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { exportToHtml, viewOffline } from "./htmlExport";
import { LabSession, buildDir, fixtureNotebooks, lessonNotebooks, repositoryRoot, stem } from "./labSession";
import { summariseSavedNotebook } from "./savedNotebook";
import { needsLiveOutput, userVisibleProblems } from "./userVisibleChecks";

/** Generous: a fast-mode lesson takes well under this; a hang should still end the suite in time. */
const runAllLimitMilliseconds = 6 * 60_000;

interface ExecutedNotebook {
  notebookPath: string;
  isLesson: boolean;
  plotlyFigures: number;
  runAllSeconds: number;
  /** Opening, kernel start, Run All, saving, checking and the screenshot together. */
  totalSeconds: number;
}

describe("lessons in JupyterLab in Chromium (issue 8)", function () {
  let session: LabSession;
  const executed: ExecutedNotebook[] = [];

  before(async function () {
    this.timeout(120_000);
    mkdirSync(buildDir, { recursive: true });
    session = await LabSession.start("lessons");
  });

  after(async function () {
    this.timeout(60_000);
    if (executed.length > 0) {
      console.log("\n    Run All in the browser, seconds (and the whole test: open, run, save, check, screenshot):");
      for (const notebook of executed) {
        const { notebookPath, runAllSeconds, totalSeconds } = notebook;
        console.log(`      ${notebookPath}: ${runAllSeconds.toFixed(1)} (${totalSeconds.toFixed(1)})`);
      }
    }
    await session?.stop();
  });

  const notebooks = [
    ...fixtureNotebooks()
      .filter((name) => name !== "interrupt.ipynb" && name !== "kill.ipynb")
      .map((name) => ({ notebookPath: `fixtures/${name}`, isLesson: false })),
    ...lessonNotebooks().map((name) => ({ notebookPath: `lessons/${name}`, isLesson: true })),
  ];

  for (const { notebookPath, isLesson } of notebooks) {
    it(`${notebookPath}: Run All shows plots, images and live progress with no error`, async function () {
      this.timeout(runAllLimitMilliseconds + 180_000);
      const started = Date.now();
      const notebook = await session.notebookPage(notebookPath);
      try {
        const phases: string[] = [];
        let phaseStarted = Date.now();
        const phaseDone = (name: string) => {
          phases.push(`${name} ${((Date.now() - phaseStarted) / 1000).toFixed(1)} s`);
          phaseStarted = Date.now();
        };
        await notebook.open();
        phaseDone("open and start the kernel");
        const runAllSeconds = await notebook.runAll(runAllLimitMilliseconds);
        phaseDone("run all");
        await notebook.save();
        phaseDone("save");
        const saved = summariseSavedNotebook(join(session.rootDir, notebookPath));
        const rendered = await notebook.inspect();
        const live = await notebook.liveOutputs();
        phaseDone("check");
        await notebook.screenshotWholeNotebook(join(buildDir, `${stem(notebookPath)}.png`));
        phaseDone("screenshot");
        console.log(`      ${phases.join(", ")}`);
        const totalSeconds = (Date.now() - started) / 1000;
        executed.push({ notebookPath, isLesson, plotlyFigures: saved.plotlyFigures, runAllSeconds, totalSeconds });

        const liveOutput = needsLiveOutput(isLesson, live);
        if (isLesson && !liveOutput)
          console.log("      (no training ran long enough to show a progress update: live progress not checked)");
        const problems = userVisibleProblems(saved, rendered, live, { liveOutput });
        // Everything a lesson shows must come from the local server: a student may well be offline.
        for (const url of session.chromium.blockedRequests.splice(0))
          problems.push(`the page asked the network for ${url}`);
        if (problems.length > 0) {
          assert.fail(`${notebookPath} after Run All (${runAllSeconds.toFixed(1)} s):\n  ${problems.join("\n  ")}`);
        }
        if (!isLesson) {
          // The fixture shows one of each; a check that finds none of them proves nothing.
          assert.ok(
            saved.plotlyFigures >= 1 && saved.pngImages >= 1,
            "the fixture should send a plotly figure and a PNG",
          );
        }
      } finally {
        await notebook.page.close();
        await session.shutDownKernels();
      }
    });
  }

  describe("an executed lesson exported with nbconvert --to html, opened offline", function () {
    /** The first lesson that sent plotly figures, executed and saved by the browser above. */
    function exportedLesson(): ExecutedNotebook | undefined {
      return executed.find((notebook) => notebook.isLesson && notebook.plotlyFigures > 0);
    }

    it("shows every plotly figure with no network at all", async function () {
      this.timeout(180_000);
      const lesson = exportedLesson();
      if (!lesson) return this.skip();
      const html = exportToHtml(repositoryRoot, join(session.rootDir, lesson.notebookPath), join(buildDir, "export"));
      const view = await viewOffline(html, join(buildDir, "export", `${stem(lesson.notebookPath)}-offline.png`));
      assert.equal(
        view.plotlyFigures,
        lesson.plotlyFigures,
        `${html}: ${lesson.plotlyFigures} plotly figure(s) in the notebook, ${view.plotlyFigures} drawn offline; ` +
          `page errors: ${JSON.stringify(view.pageErrors)}; refused requests: ${JSON.stringify(view.blockedRequests)}`,
      );
    });

    it("still shows them when the template's require.js loads (a reader who is online)", async function () {
      this.timeout(180_000);
      const lesson = exportedLesson();
      if (!lesson) return this.skip();
      const html = exportToHtml(repositoryRoot, join(session.rootDir, lesson.notebookPath), join(buildDir, "export"));
      const view = await viewOffline(
        html,
        join(buildDir, "export", `${stem(lesson.notebookPath)}-requirejs.png`),
        true,
      );
      assert.equal(
        view.plotlyFigures,
        lesson.plotlyFigures,
        `${html} with an AMD define() present: ${view.plotlyFigures} of ${lesson.plotlyFigures} plotly figure(s) drawn ` +
          `(plotly.js registers as an AMD module instead of window.Plotly when define.amd exists); ` +
          `page errors: ${JSON.stringify(view.pageErrors)}`,
      );
    });
  });
});
