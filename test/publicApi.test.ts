import { strict as assert } from "assert";
import { join } from "path";
import * as ts from "typescript";

const root = join(__dirname, "..", "..");

// The public API, `import { ... } from "cnnlab"`, by area. Adding, removing or renaming a name means editing this
// list in the same change (and the lessons and README that use it); plumbing belongs in "cnnlab/internal".
const PUBLIC_API: Record<string, { values: string[]; types?: string[] }> = {
  "engine and settings": { values: ["useBestBackend", "fastMode", "version"] },
  display: {
    values: ["display", "show", "showImages", "showFilters", "showFeatureMaps", "table", "numericTable", "progress"],
    types: ["Displayable"],
  },
  data: { values: ["mnist", "fashionMnist", "syntheticShapes", "ImageDataset", "SeededRandom"] },
  models: {
    values: [
      "lenet5",
      "cnn",
      "summary",
      "layerGeometry",
      "groupNormalization",
      "instanceNormalization",
      "saveModel",
      "loadModel",
    ],
    types: ["CnnOptions"],
  },
  plot: {
    values: [
      "linePlot",
      "scatterPlot",
      "barPlot",
      "histogramPlot",
      "heatmapPlot",
      "confusionMatrixPlot",
      "subplots",
      "liveFigure",
      "Figure",
    ],
  },
  inspect: { values: ["activations", "gradientNorms", "receptiveField"] },
  train: {
    values: ["train", "evaluate", "sweep"],
    types: ["TrainOptions", "TrainingHistory", "Evaluation", "SweepRow"],
  },
  check: { values: ["check"] },
  widgets: {
    values: [
      "interact",
      "IntSlider",
      "FloatSlider",
      "Dropdown",
      "ToggleButtons",
      "Checkbox",
      "Text",
      "HTML",
      "HBox",
      "VBox",
      "Output",
    ],
  },
};

/** The names src/index.ts exports, as the type checker sees them: values and type-only names. */
function exportedNames(): { values: string[]; types: string[]; undocumented: string[] } {
  const entry = join(root, "src", "index.ts");
  const program = ts.createProgram([entry], {
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const values: string[] = [];
  const types: string[] = [];
  const undocumented: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const typeOnly =
      symbol.declarations?.some((declaration) => ts.isTypeOnlyImportOrExportDeclaration(declaration)) ||
      !(target.flags & ts.SymbolFlags.Value);
    (typeOnly ? types : values).push(symbol.name);
    if (ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === "") undocumented.push(symbol.name);
  }
  return { values: values.sort(), types: types.sort(), undocumented };
}

describe("the public API", function () {
  this.timeout(60_000);

  it("is the listed names, about fifty, each documented with TSDoc", () => {
    const listed = Object.values(PUBLIC_API);
    const expected = {
      values: listed.flatMap((area) => area.values).sort(),
      types: listed.flatMap((area) => area.types ?? []).sort(),
    };
    const { undocumented, ...exported } = exportedNames();
    assert.deepEqual(exported, expected);
    assert.deepEqual(undocumented, [], "public names without TSDoc");
    assert.ok(expected.values.length + expected.types.length <= 57, "the public API grew past about fifty names");
    const runtime = Object.keys(require(join(root, "dist", "src", "index.js"))).sort();
    assert.deepEqual(runtime, expected.values, 'what require("cnnlab") gives at run time');
  });

  it('"cnnlab/internal" still reaches the plumbing the public entry leaves out', () => {
    const internal = require(join(root, "dist", "src", "internal.js"));
    for (const name of [
      "JUPYTER_DISPLAY",
      "kernelHost",
      "registerModelDisplay",
      "downloadVerified",
      "NativeTrainingStep",
      "configKey",
    ]) {
      assert.ok(name in internal, `${name} missing from cnnlab/internal`);
    }
  });
});
