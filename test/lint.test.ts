import { strict as assert } from "assert";
import { join } from "path";
import { ESLint } from "eslint";

const root = join(__dirname, "..", "..");

/** The messages our own lint rules give for `code` placed at `file` (relative to the repo). */
async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, "scripts", "eslint.config.mjs") });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.filter((message) => message.ruleId?.startsWith("cnnlab/")).map((message) => message.message);
}

describe("lint: the layering rules fire", function () {
  this.timeout(60_000);

  it("an area importing another area's file instead of its index, and the kernel importing the library", async () => {
    assert.match(
      (
        await lintAs("src/train/probe.ts", 'import { ImageGrid } from "../display/imageGrid";\nexport { ImageGrid };\n')
      )[0],
      /imports \.\.\/display\/imageGrid from inside another area; import it from "\.\.\/display"/,
    );
    assert.deepEqual(
      await lintAs("src/train/probe.ts", 'import { ImageGrid } from "../display";\nexport { ImageGrid };\n'),
      [],
    );
    assert.match(
      (await lintAs("kernel/probe.ts", 'import { train } from "../src/train";\nexport { train };\n'))[0],
      /the kernel may import only src\/contract\.ts/,
    );
    assert.deepEqual(
      await lintAs("kernel/probe.ts", 'import { KERNEL_HOST } from "../src/contract";\nexport { KERNEL_HOST };\n'),
      [],
    );
  });

  it("markup outside the render folders, and none inside them", async () => {
    const code = "export const cell = (value: number) => `<td>${value}</td>`;\n";
    assert.match((await lintAs("src/train/probe.ts", code))[0], /markup is drawing code/);
    assert.deepEqual(await lintAs("src/display/render/probe.ts", code), []);
  });
});
