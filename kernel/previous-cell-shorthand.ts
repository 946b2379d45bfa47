/**
 * Object shorthand `{ x }` for a variable that an earlier cell declared.
 *
 * tslab emits every cell as a module whose top-level declarations live on `exports`; its "after" transformer
 * rewrites each identifier whose symbol is declared in the previous cells' declaration file to `exports.x`. For the
 * name of a shorthand property the checker's `getSymbolAtLocation` answers with the *property* symbol (declared in
 * the cell itself), so `{ x }` stayed `{ x }` and failed at run time with "ReferenceError: x is not defined"; even
 * when found, an identifier cannot be swapped for `exports.x` in shorthand position. This transformer runs just
 * before tslab's and expands such shorthands to `{ x: exports.x }` (`{ x = d }` in a destructuring assignment to
 * `{ x: exports.x = d }`), asking the checker for the shorthand's value symbol instead.
 */
import type * as tsTypes from "@tslab/typescript-for-tslab";

type CustomTransformers = { after?: tsTypes.TransformerFactory<tsTypes.SourceFile>[] } & Record<string, unknown>;

/** Returns tslab's transformers with the shorthand expansion placed first among the "after" ones. */
export function withPreviousCellShorthand(
  ts: typeof tsTypes,
  checker: tsTypes.TypeChecker,
  declsFile: tsTypes.SourceFile,
  transformers: CustomTransformers,
): CustomTransformers {
  return { ...transformers, after: [previousCellShorthand(ts, checker, declsFile), ...(transformers.after ?? [])] };
}

function previousCellShorthand(
  ts: typeof tsTypes,
  checker: tsTypes.TypeChecker,
  declsFile: tsTypes.SourceFile,
): tsTypes.TransformerFactory<tsTypes.SourceFile> {
  const declaredInEarlierCell = (node: tsTypes.ShorthandPropertyAssignment): boolean => {
    // The checker answers for parse-tree nodes only; a shorthand synthesized by an earlier transform has none.
    const original = ts.getParseTreeNode(node, ts.isShorthandPropertyAssignment);
    const symbol = original && checker.getShorthandAssignmentValueSymbol(original);
    return !!symbol?.declarations?.some((decl) => decl.getSourceFile() === declsFile);
  };
  return (context) => (sourceFile) => {
    const { factory } = context;
    const visit = (node: tsTypes.Node): tsTypes.Node => {
      if (ts.isShorthandPropertyAssignment(node) && declaredInEarlierCell(node)) {
        // Fresh identifiers: tslab's rewrite must not resolve the property name and wrap it a second time.
        const name = ts.idText(node.name);
        const previous = factory.createPropertyAccessExpression(factory.createIdentifier("exports"), name);
        const initializer = node.objectAssignmentInitializer;
        const value = initializer
          ? factory.createAssignment(previous, ts.visitNode(initializer, visit) as tsTypes.Expression)
          : previous;
        return ts.setTextRange(factory.createPropertyAssignment(name, value), node);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}
