import assert from "assert";
import { declarationsAfterStop, takeDeclaredNames } from "../../kernel/partial-declarations";

const ts = require("@tslab/typescript-for-tslab") as typeof import("@tslab/typescript-for-tslab");

describe("kernel: declarations kept after a cell stops part-way", () => {
  it("reads the cell's names from TypeScript's void 0 lines and removes those lines", () => {
    const { code, names } = takeDeclaredNames(
      'Object.defineProperty(exports, "__esModule", { value: true });\nexports.b = exports.a = void 0;\nexports.c = void 0;\nconst a = 1;\nexports.a = a;\n',
    );
    assert.deepStrictEqual([...names], ["b", "a", "c"]);
    assert.strictEqual(
      code,
      'Object.defineProperty(exports, "__esModule", { value: true });\nconst a = 1;\nexports.a = a;\n',
    );
  });

  it("keeps what was assigned, drops what was not, and brings back an earlier cell's declaration of a dropped name", () => {
    const previous = 'declare const word: string;\nimport * as path from "path";';
    const merged =
      'import * as path from "path";\nimport * as os from "os";\ndeclare const keep = 41;\ndeclare function two(): number;\n' +
      "declare class Three {\n    value: number;\n}\ninterface Shape {\n    sides: number;\n}\ndeclare const word = 5;\ndeclare let unreached: number;";
    const names = new Set(["os", "keep", "two", "Three", "word", "unreached"]);
    const assigned = new Set(["os", "keep", "two", "Three"]);
    const kept = declarationsAfterStop(ts, previous, merged, names, assigned);
    assert.strictEqual(
      kept,
      'declare const word: string;\nimport * as path from "path";\nimport * as os from "os";\ndeclare const keep = 41;\n' +
        "declare function two(): number;\ndeclare class Three {\n    value: number;\n}\ninterface Shape {\n    sides: number;\n}",
    );
  });

  it("is the converter's declarations unchanged when every name was assigned", () => {
    const merged = "declare const a = 1;";
    assert.strictEqual(declarationsAfterStop(ts, "", merged, new Set(["a"]), new Set(["a"])), merged);
  });
});
