// The linter's configuration (`npm test` runs `eslint --config scripts/eslint.config.mjs`): typescript-eslint's
// recommended rules, and two rules of our own that keep the layering the README describes.
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const AREAS = ["engine", "display", "plot", "data", "models", "train", "inspect", "widgets", "check"];
// Markup a renderer writes: HTML elements and SVG. Outside the render folders a string holding one is drawing code.
const MARKUP =
  /<\/?(div|span|table|thead|tbody|tr|td|th|caption|svg|g|path|rect|line|text|polyline|circle|img|style|canvas|b|p|pre|details|summary|h[1-6])[\s>/]/;

/** "src/display/imageGrid.ts" → { top: "src", area: "display", rest: ["imageGrid.ts"] } */
function placeOf(file) {
  const parts = relative(root, file).split(sep);
  return { top: parts[0], area: parts[0] === "src" && AREAS.includes(parts[1]) ? parts[1] : undefined, parts };
}

const areaImports = {
  meta: {
    type: "problem",
    messages: {
      deep: '{{from}} imports {{what}} from inside another area; import it from "{{index}}" (the area\'s index.ts), exporting it there if needed',
      kernel:
        "the kernel may import only src/contract.ts from the library (it must stay free of tfjs and the library); {{what}} is not it",
    },
  },
  create(context) {
    const file = context.filename;
    const here = placeOf(file);
    const check = (node, specifier) => {
      if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
      const target = placeOf(resolve(dirname(file), specifier));
      if (here.top === "kernel" && target.top === "src" && target.parts.join("/") !== "src/contract") {
        context.report({ node, messageId: "kernel", data: { what: specifier } });
      }
      if (here.top !== "src" || target.top !== "src" || target.area === undefined || target.area === here.area) return;
      if (target.parts.length > 2) {
        const index = relative(dirname(file), join(root, "src", target.area))
          .split(sep)
          .join("/");
        context.report({
          node,
          messageId: "deep",
          data: { from: relative(root, file), what: specifier, index: index.startsWith(".") ? index : `./${index}` },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
    };
  },
};

const drawingInRender = {
  meta: {
    type: "problem",
    messages: {
      markup:
        "markup is drawing code: build it in a pure renderer in src/display/render/ (or src/plot/render/) and call that",
    },
  },
  create(context) {
    const { parts } = placeOf(context.filename);
    const inRender = parts[0] === "src" && parts[2] === "render";
    if (parts[0] !== "src" || inRender) return {};
    const check = (node, text) => {
      if (MARKUP.test(text)) context.report({ node, messageId: "markup" });
    };
    return {
      Literal: (node) => typeof node.value === "string" && check(node, node.value),
      TemplateElement: (node) => check(node, node.value.raw),
    };
  },
};

export default tseslint.config(
  { ignores: ["dist/**", "build/**", "node_modules/**", ".venv/**", ".venv-bench/**", "notebooks/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { cnnlab: { rules: { "area-imports": areaImports, "drawing-in-render": drawingInRender } } },
    rules: {
      "cnnlab/area-imports": "error",
      "cnnlab/drawing-in-render": "error",
      // tsc's noUnusedLocals/noUnusedParameters already report these, with the compiler's own exceptions.
      "@typescript-eslint/no-unused-vars": "off",
      // package.json and native addons are loaded with require() on purpose (synchronously, at the point of use).
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The kernel talks to tslab's and zeromq's untyped internals and the wire protocol's free-form JSON.
    files: ["kernel/**", "test/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        structuredClone: "readonly",
      },
    },
  },
);
