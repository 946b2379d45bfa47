/**
 * Issue 13: the Korean student edition in JupyterLab. Its prose is drawn in Korean glyphs (fonts-noto-cjk), not as
 * empty boxes, and a check cell run on a blank answer says what to do in Korean.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import { LabSession, buildDir, lessonsDir } from "./labSession";
import { NotebookPage } from "./notebookPage";

const lesson = "02-convolution.ipynb";

describe("the Korean student edition in JupyterLab in Chromium (issue 13)", function () {
  let session: LabSession;
  let notebook: NotebookPage;

  before(async function () {
    this.timeout(180_000);
    mkdirSync(buildDir, { recursive: true });
    session = await LabSession.start("korean");
    // Under ko/, as in notebooks/: the checks answer in the language of the folder the kernel starts in.
    mkdirSync(join(session.rootDir, "ko", "student"), { recursive: true });
    cpSync(join(lessonsDir, "ko", "student", lesson), join(session.rootDir, "ko", "student", lesson));
    notebook = await session.notebookPage(`ko/student/${lesson}`);
    await notebook.open();
  });

  after(async function () {
    this.timeout(60_000);
    await notebook?.page.close().catch(() => undefined);
    await session?.stop();
  });

  it("draws its Korean headings in real glyphs: two syllables look different", async function () {
    this.timeout(60_000);
    const heading = notebook.page.locator(".jp-RenderedMarkdown h1").first();
    await heading.waitFor({ timeout: 30_000 });
    const text = await heading.innerText();
    assert.match(text, /[\uac00-\ud7a3]/, `the first heading is not Korean: ${text}`);
    // Missing glyphs are drawn as identical boxes (or nothing): compare two different syllables, drawn alone in the
    // heading's own font.
    const pictures: Buffer[] = [];
    for (const syllable of ["합", "곱"]) {
      const probe = await heading.evaluateHandle((node, character) => {
        const span = document.createElement("span");
        span.textContent = character;
        span.style.cssText = "position:fixed;left:0;top:0;background:#fff;color:#000;padding:4px;z-index:100000";
        span.style.font = getComputedStyle(node).font;
        document.body.appendChild(span);
        return span;
      }, syllable);
      pictures.push(await probe.asElement()!.screenshot());
      await probe.evaluate((node) => (node as Element).remove());
    }
    assert.notDeepEqual(pictures[0], pictures[1], "two different Korean syllables look the same: no Korean font");
    await notebook.screenshotWholeNotebook(join(buildDir, "korean-02-convolution.png"));
  });

  it("answers a blank exercise in Korean when its check cell runs", async function () {
    this.timeout(300_000);
    await notebook.runAll(240_000);
    const checks = await notebook.page
      .locator(".jp-CodeCell")
      .evaluateAll((cells) =>
        cells
          .filter((cell) => (cell.querySelector(".jp-InputArea")?.textContent ?? "").includes("check.exercise("))
          .map((cell) => (cell.querySelector(".jp-OutputArea") as HTMLElement | null)?.innerText ?? ""),
      );
    assert.ok(checks.length >= 2, `found ${checks.length} check cells`);
    assert.match(checks[0], /연습 02-1: 아직 답이 없습니다/, `the first check cell shows: ${checks[0]}`);
  });
});
