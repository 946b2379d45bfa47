/**
 * Interrupt checks in cell loops: every `while`, `do`, `for`, `for…in` and `for…of` body in a cell (also inside the
 * functions and classes it declares) starts with
 *
 *     if (__cnnlab_interrupt__.requests[0] !== __cnnlab_interrupt__.requests[1]) __cnnlab_interrupt__.raise();
 *
 * so an endless loop throws KeyboardInterrupt when the frontend interrupts, even after an `await` or in a timer
 * callback, where nothing else can stop it (see interrupt.ts). The check is plain loads from shared memory: 0.4–0.9 ns
 * an iteration (10⁸ iterations of `s += i & 7`: 60 ms, checked 100–150 ms), where `Atomics.load` costs 10 ns. V8
 * does not hoist the loads out of the loop, so the io worker's write is seen.
 */
import type * as tsTypes from "@tslab/typescript-for-tslab";
import { LOOP_CHECK_GLOBAL } from "./interrupt";

export function loopChecks(ts: typeof tsTypes): tsTypes.TransformerFactory<tsTypes.SourceFile> {
  return (context) => (sourceFile) => {
    const { factory } = context;
    const requests = (index: number) =>
      factory.createElementAccessExpression(
        factory.createPropertyAccessExpression(factory.createIdentifier(LOOP_CHECK_GLOBAL), "requests"),
        factory.createNumericLiteral(index),
      );
    const check = () =>
      factory.createIfStatement(
        factory.createStrictInequality(requests(0), requests(1)),
        factory.createExpressionStatement(
          factory.createCallExpression(
            factory.createPropertyAccessExpression(factory.createIdentifier(LOOP_CHECK_GLOBAL), "raise"),
            undefined,
            [],
          ),
        ),
      );
    const checkedBody = (body: tsTypes.Statement): tsTypes.Statement => {
      const visited = ts.visitNode(body, visit) as tsTypes.Statement;
      const statements = ts.isBlock(visited) ? visited.statements : [visited];
      return factory.createBlock([check(), ...statements], true);
    };
    const visit = (node: tsTypes.Node): tsTypes.Node => {
      if (ts.isWhileStatement(node))
        return factory.updateWhileStatement(
          node,
          ts.visitNode(node.expression, visit) as tsTypes.Expression,
          checkedBody(node.statement),
        );
      if (ts.isDoStatement(node))
        return factory.updateDoStatement(
          node,
          checkedBody(node.statement),
          ts.visitNode(node.expression, visit) as tsTypes.Expression,
        );
      if (ts.isForStatement(node)) {
        return factory.updateForStatement(
          node,
          ts.visitNode(node.initializer, visit) as tsTypes.ForInitializer | undefined,
          ts.visitNode(node.condition, visit) as tsTypes.Expression | undefined,
          ts.visitNode(node.incrementor, visit) as tsTypes.Expression | undefined,
          checkedBody(node.statement),
        );
      }
      if (ts.isForInStatement(node)) {
        return factory.updateForInStatement(
          node,
          ts.visitNode(node.initializer, visit) as tsTypes.ForInitializer,
          ts.visitNode(node.expression, visit) as tsTypes.Expression,
          checkedBody(node.statement),
        );
      }
      if (ts.isForOfStatement(node)) {
        return factory.updateForOfStatement(
          node,
          node.awaitModifier,
          ts.visitNode(node.initializer, visit) as tsTypes.ForInitializer,
          ts.visitNode(node.expression, visit) as tsTypes.Expression,
          checkedBody(node.statement),
        );
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}
