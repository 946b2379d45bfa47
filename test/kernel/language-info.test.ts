import assert from "assert";
import fs from "fs";
import path from "path";
import { languageInfo } from "../../kernel/language-info";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("kernel language_info and the committed notebooks", () => {
  const notebooks = ["notebooks", path.join("test", "e2e", "fixtures")].flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((name) => name.endsWith(".ipynb"))
      .map((name) => path.join(dir, name)),
  );

  it("finds the lessons", () => assert.ok(notebooks.length >= 8, notebooks.join(", ")));

  it("every notebook commits the language_info the kernel sends (JupyterLab would mark it modified on open)", () => {
    const expected = languageInfo();
    for (const file of notebooks) {
      const metadata = JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")).metadata;
      assert.deepStrictEqual(
        metadata.language_info,
        expected,
        `${file}: set metadata.language_info to ${JSON.stringify(expected)}`,
      );
    }
  });

  it("uses the string form of codemirror_mode", () =>
    assert.strictEqual(typeof languageInfo().codemirror_mode, "string"));
});
