import { LessonExercises } from "../exercise";
import { EvaluationLike, expectEvaluation, expectNumber, expectRecord } from "../expect";
import { fail } from "../failure";

/** The evaluation passed by the check cell, or a failure saying which cell to run. */
function evaluationOf(context: Record<string, unknown>): EvaluationLike {
  return expectEvaluation(
    context,
    {
      en: "the check needs the lesson's `evaluation`: run the cell that evaluates the trained model on the test set, then this one.",
      ko: "확인에 수업의 `evaluation`이 필요합니다. 학습된 모델을 테스트 세트에서 평가하는 셀을 실행한 뒤 이 셀을 다시 실행하세요.",
    },
    { confusion: true },
  );
}

/** Lesson 7 (LeNet-5 on MNIST): C3's connection table, the most confused pair, the most confident mistake. */
export const lesson07: LessonExercises = {
  "07-1": (answer) => {
    const saved = expectNumber(answer, "savedParameters");
    const withTable = 60 * 25 + 16;
    const full = 6 * 16 * 25 + 16;
    if (saved === withTable || saved === full) {
      fail({
        en: `${saved} is the parameter count of C3 ${saved === full ? "without" : "with"} the table; the answer is the difference between the two.`,
        ko: `${saved}은(는) 연결표가 ${saved === full ? "없는" : "있는"} C3의 파라미터 수입니다. 답은 두 값의 차이입니다.`,
      });
    }
    if (saved !== full - withTable) {
      fail({
        en: `${saved} is not what the table saves. Subtract \`classicSummary.layer("C3").parameters\` from the same count of \`lenet5({ variant: "classic", connectionTable: false })\`.`,
        ko: `${saved}은(는) 연결표가 줄이는 개수가 아닙니다. \`lenet5({ variant: "classic", connectionTable: false })\`의 C3 파라미터 수에서 \`classicSummary.layer("C3").parameters\`를 빼세요.`,
      });
    }
    return {
      en: `(96 − 60) kernels × 25 weights = ${saved} parameters saved (${full} → ${withTable}).`,
      ko: `커널 (96 − 60)개 × 가중치 25개 = 파라미터 ${saved}개를 줄입니다(${full} → ${withTable}).`,
    };
  },

  "07-2": (answer, context) => {
    const pair = expectRecord(answer, "bestPair", ["a", "b", "count"]);
    const a = expectNumber(pair.a, "bestPair.a");
    const b = expectNumber(pair.b, "bestPair.b");
    const count = expectNumber(pair.count, "bestPair.count");
    const { confusion } = evaluationOf(context);
    const classes = confusion.length;
    let most = -1;
    for (let i = 0; i < classes; i++)
      for (let j = i + 1; j < classes; j++) most = Math.max(most, confusion[i][j] + confusion[j][i]);
    const valid = (d: number) => Number.isInteger(d) && d >= 0 && d < classes;
    if (!valid(a) || !valid(b) || a === b) {
      fail({
        en: `\`bestPair.a\` and \`bestPair.b\` must be two different digits 0–${classes - 1}; they are ${a} and ${b}.`,
        ko: `\`bestPair.a\`와 \`bestPair.b\`는 0–${classes - 1} 사이의 서로 다른 두 숫자여야 하는데 ${a}와 ${b}입니다.`,
      });
    }
    const both = confusion[a][b] + confusion[b][a];
    if (both !== most) {
      fail({
        en: `${a} ↔ ${b} is confused ${both} times in both directions (${a}→${b}: ${confusion[a][b]}, ${b}→${a}: ${confusion[b][a]}), but some pair is confused ${most} times. Add \`evaluation.confusion[a][b]\` and \`[b][a]\` for every pair a < b and keep the largest.`,
        ko: `${a} ↔ ${b}는 양방향으로 ${both}번 혼동되지만(${a}→${b}: ${confusion[a][b]}, ${b}→${a}: ${confusion[b][a]}), ${most}번 혼동되는 쌍이 있습니다. 모든 쌍 a < b에 대해 \`evaluation.confusion[a][b]\`와 \`[b][a]\`를 더하고 가장 큰 것을 고르세요.`,
      });
    }
    if (count !== both) {
      fail({
        en: `${a} ↔ ${b} is the right pair, but \`bestPair.count\` is ${count}; it should be ${both} (${a}→${b} plus ${b}→${a}).`,
        ko: `${a} ↔ ${b}는 맞는 쌍이지만 \`bestPair.count\`가 ${count}입니다. ${both}(${a}→${b}와 ${b}→${a}의 합)이어야 합니다.`,
      });
    }
    return {
      en: `${a} ↔ ${b}: ${both} mistakes in both directions, more than any other pair.`,
      ko: `${a} ↔ ${b}: 양방향으로 ${both}번 틀려 다른 어느 쌍보다 많습니다.`,
    };
  },

  "07-3": (answer, context) => {
    const index = expectNumber(answer, "worstIndex");
    const { probabilities, labels } = evaluationOf(context);
    const count = labels.length;
    const classes = probabilities.length / count;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      fail({
        en: `\`worstIndex\` must be a test image index 0–${count - 1}; it is ${index}.`,
        ko: `\`worstIndex\`는 0–${count - 1} 사이의 테스트 이미지 번호여야 하는데 ${index}입니다.`,
      });
    }
    /** The top probability of example i if it is misclassified, else −1. */
    const wrongConfidence = (i: number) => {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      const top = Math.max(...row);
      return row.indexOf(top) === labels[i] ? -1 : top;
    };
    let most = -1;
    for (let i = 0; i < count; i++) most = Math.max(most, wrongConfidence(i));
    const yours = wrongConfidence(index);
    if (yours < 0) {
      fail({
        en: `test digit ${index} is classified correctly. Take the first of \`evaluation.misclassifiedIndices()\` (sorted most confident first).`,
        ko: `테스트 숫자 ${index}는 올바르게 분류되었습니다. 확신이 큰 순서로 정렬된 \`evaluation.misclassifiedIndices()\`의 첫 번째를 쓰세요.`,
      });
    }
    if (yours < most) {
      fail({
        en: `test digit ${index} is misclassified with probability ${yours.toFixed(4)}, but another mistake has ${most.toFixed(4)}. Take the first of \`evaluation.misclassifiedIndices()\`.`,
        ko: `테스트 숫자 ${index}는 확률 ${yours.toFixed(4)}로 잘못 분류되었지만, 확률 ${most.toFixed(4)}인 실수가 있습니다. \`evaluation.misclassifiedIndices()\`의 첫 번째를 쓰세요.`,
      });
    }
    return {
      en: `test digit ${index} is the most confident mistake: ${yours.toFixed(4)} on the wrong class.`,
      ko: `테스트 숫자 ${index}가 가장 확신에 찬 실수입니다. 틀린 클래스에 ${yours.toFixed(4)}를 주었습니다.`,
    };
  },
};
