import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { JUPYTER_DISPLAY, type MimeBundle } from "../../src/contract";
import { numericTable, table } from "../../src/display";
import { launchChromium, type ChromiumSession } from "../e2e/chromium";

describe("display: tables as a browser lays them out @slow", function () {
  this.timeout(120_000);
  let session: ChromiumSession;
  let directory: string;
  before(async () => {
    await tf.setBackend("cpu");
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-tables-"));
    session = await launchChromium((url) => url.startsWith("file://"));
  });
  after(async () => {
    await session?.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("a narrow table's long title stays on one line instead of wrapping to the table's width", async () => {
    const title = "window × kernel, element by element";
    const outputs = [numericTable(tf.tensor2d([1, 2, 3, 4], [2, 2]), { title }), table([{ a: 1 }], { title })].map(
      (shown) => (shown[JUPYTER_DISPLAY]() as MimeBundle)["text/html"],
    );
    const file = path.join(directory, "tables.html");
    fs.writeFileSync(
      file,
      `<!DOCTYPE html><html><body style="width:800px">${outputs.map((html) => `<div class="output">${html}</div>`).join("")}</body></html>`,
    );
    const page = await session.context.newPage();
    await page.goto(`file://${file}`);
    const lines = await page.evaluate((text) => {
      return Array.from(document.querySelectorAll(".output")).map((output) => {
        const heading = Array.from(output.querySelectorAll("div")).find((element) => element.textContent === text)!;
        const lineHeight =
          parseFloat(getComputedStyle(heading).lineHeight) || 1.2 * parseFloat(getComputedStyle(heading).fontSize);
        return Math.round(heading.getBoundingClientRect().height / lineHeight);
      });
    }, title);
    assert.deepEqual(lines, [1, 1]);
  });
});
