import { strict as assert } from "assert";
import { readdirSync, readFileSync, statSync } from "fs";
import { builtinModules } from "module";
import { join } from "path";

const root = join(__dirname, "..", "..");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

/** "@scope/name/sub" → "@scope/name", "name/sub" → "name"; relative paths and Node's own modules → undefined. */
function packageOf(specifier: string): string | undefined {
  // npm's package-name grammar; anything else (a path, a template in a message string) is no package.
  const name = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*(?=\/|$)/.exec(specifier)?.[0];
  if (name === undefined || specifier.startsWith("node:") || builtinModules.includes(name)) return undefined;
  return name;
}

describe("package.json declares every package the code imports", () => {
  it("src, kernel, bench, scripts and test import only declared packages (a transitive one can vanish on any update)", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.devDependencies ?? {}),
    ]);
    // import … from, import(…), require(…), bare import; a type-only package may come from its @types package.
    const pattern = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)["']([^"']+)["']/gm;
    const undeclared: string[] = [];
    for (const folder of ["src", "kernel", "bench", "scripts", "test"]) {
      for (const file of sourceFiles(join(root, folder))) {
        for (const match of readFileSync(file, "utf8").matchAll(pattern)) {
          const name = packageOf(match[1]);
          const typesOnly = `@types/${name?.replace(/^@(.*)\//, "$1__")}`;
          if (name !== undefined && name !== "cnnlab" && !declared.has(name) && !declared.has(typesOnly))
            undeclared.push(`${name} (${file.slice(root.length + 1)})`);
        }
      }
    }
    assert.deepEqual([...new Set(undeclared)], []);
  });
});
