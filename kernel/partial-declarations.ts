/**
 * What a cell that stopped part-way leaves declared, as IPython does: `import * as os from "os"; const keep = 41;
 * throw new Error()` keeps `os` and `keep` for the next cell.
 *
 * tslab's converter hands back the declarations of all cells so far with the cell's own merged in (a .d.ts text).
 * At run time each top-level declaration of the cell is an assignment to the cells' shared `exports`, so the
 * executor knows which of the cell's names were assigned before it stopped. The declarations of the names that were
 * not are taken out again, and where an earlier cell declared the same name, its declaration (which still describes
 * the value: nothing overwrote it) comes back.
 */
import type * as tsTypes from "@tslab/typescript-for-tslab";

/**
 * @param previous the declarations before the cell.
 * @param merged the declarations after the cell (tslab's declOutput).
 * @param cellNames the run-time names the cell declares.
 * @param assigned those of them the cell assigned before it stopped.
 */
export function declarationsAfterStop(
  ts: typeof tsTypes,
  previous: string,
  merged: string,
  cellNames: ReadonlySet<string>,
  assigned: ReadonlySet<string>,
): string {
  const missing = new Set([...cellNames].filter((name) => !assigned.has(name)));
  if (missing.size === 0) return merged;
  const declaresMissing = (names: string[]) => names.some((name) => missing.has(name));
  const kept = statements(ts, merged).filter((s) => !declaresMissing(s.names));
  const restored = statements(ts, previous).filter((s) => declaresMissing(s.names));
  return [...restored, ...kept].map((s) => s.text).join("\n");
}

interface DeclarationStatement {
  text: string;
  /** Run-time names it declares (none for types). */
  names: string[];
}

function statements(ts: typeof tsTypes, declarations: string): DeclarationStatement[] {
  const file = ts.createSourceFile("declarations.d.ts", declarations, ts.ScriptTarget.Latest, true);
  return file.statements.map((statement) => ({
    text: statement.getFullText(file).replace(/^\n+/, ""),
    names: runtimeNames(ts, statement),
  }));
}

function runtimeNames(ts: typeof tsTypes, statement: tsTypes.Statement): string[] {
  const name = (n: tsTypes.Node | undefined): string[] => (n && ts.isIdentifier(n) ? [ts.idText(n)] : []);
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.flatMap((d) => name(d.name));
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement))
    return name(statement.name);
  if (ts.isModuleDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) return name(statement.name);
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) return [];
    const bindings = clause.namedBindings;
    const named = !bindings
      ? []
      : ts.isNamespaceImport(bindings)
        ? name(bindings.name)
        : bindings.elements.filter((e) => !e.isTypeOnly).flatMap((e) => name(e.name));
    return [...name(clause.name), ...named];
  }
  return [];
}

/**
 * The names a converted cell declares, read from the line TypeScript emits to create them all first
 * (`exports.a = exports.b = void 0;`, in chunks), and the code without those lines: a name is then assigned only
 * when its declaration runs, and an earlier cell's value survives a cell that stops before redeclaring it.
 */
export function takeDeclaredNames(output: string): { code: string; names: Set<string> } {
  const names = new Set<string>();
  const code = output.replace(/^exports\.[\w$]+(?: = exports\.[\w$]+)* = void 0;\n/gm, (line) => {
    for (const m of line.matchAll(/exports\.([\w$]+)/g)) names.add(m[1]);
    return "";
  });
  return { code, names };
}
