import { LessonExercises } from "../exercise";
import { expectNumber } from "../expect";
import { fail } from "../failure";

/** The hand-made network of the backpropagation section with the exercise's second hidden unit. */
const network = { x: 1.5, t: 2, w1: 0.8, b1: 0.1, w2: -0.5, b2: 0.3, w3: -0.6, b3: 1.2, w4: 0.7 };

/** ∂L/∂w₃ and the pieces a wrong answer tends to miss. */
function secondUnitGradient(): { dW3: number; dYHat: number } {
  const { x, t, w1, b1, w2, b2, w3, b3, w4 } = network;
  const z2 = w3 * x + b3;
  const yHat = w2 * Math.max(0, w1 * x + b1) + w4 * Math.max(0, z2) + b2;
  const dYHat = 2 * (yHat - t);
  return { dW3: dYHat * w4 * (z2 > 0 ? 1 : 0) * x, dYHat };
}

/** The epoch after which early stopping (patience 3 on the validation loss, as `train()` does) stops. */
function earlyStop(validationLosses: number[]): number {
  let best = Infinity;
  let stale = 0;
  for (let i = 0; i < validationLosses.length; i++) {
    if (validationLosses[i] < best) {
      best = validationLosses[i];
      stale = 0;
    } else if (++stale >= 3) {
      return i + 1;
    }
  }
  return validationLosses.length;
}

/** Lesson 1 (how a network learns): the largest stable learning rate, a gradient by hand, early stopping. */
export const lesson01: LessonExercises = {
  "01-1": (answer) => {
    const rate = expectNumber(answer, "largestRate");
    const limit = 2 / 3.75;
    if (Math.abs(rate - limit) > 1e-3) {
      const factor = 1 - 3.75 * rate;
      const hint =
        Math.abs(rate - 1 / 3.75) < 1e-3
          ? {
              en: "that is where the factor is 0, the fastest rate, not the largest one that converges.",
              ko: "그 값은 인수가 0이 되는 가장 빠른 학습률이지, 수렴하는 가장 큰 학습률이 아닙니다.",
            }
          : {
              en: `at η = ${rate} the factor 1 − 3.75 · η is ${factor.toFixed(3)}.`,
              ko: `η = ${rate}이면 인수 1 − 3.75 · η가 ${factor.toFixed(3)}입니다.`,
            };
      fail({
        en: `${rate} is not the largest learning rate that converges: ${hint.en} Gradient descent converges while |1 − 3.75 · η| < 1; solve 1 − 3.75 · η = −1 for η.`,
        ko: `${rate}은(는) 수렴하는 가장 큰 학습률이 아닙니다. ${hint.ko} 경사 하강법은 |1 − 3.75 · η| < 1인 동안 수렴합니다. 1 − 3.75 · η = −1을 η에 대해 푸세요.`,
      });
    }
    return {
      en: `|1 − 3.75 · η| < 1 holds up to η = 2 / 3.75 ≈ ${limit.toFixed(3)}; above it every step overshoots further.`,
      ko: `|1 − 3.75 · η| < 1은 η = 2 / 3.75 ≈ ${limit.toFixed(3)}까지 성립합니다. 그보다 크면 매 단계 더 멀리 지나칩니다.`,
    };
  },

  "01-2": (answer) => {
    const gradient = expectNumber(answer, "dW3");
    const { dW3, dYHat } = secondUnitGradient();
    if (Math.abs(gradient - dW3) > 1e-3) {
      const { x, w4 } = network;
      const near = (value: number) => Math.abs(gradient - value) < 1e-3;
      const hint = near(-dW3)
        ? {
            en: "the sign is wrong: ∂L/∂ŷ = 2(ŷ − t), not 2(t − ŷ).",
            ko: "부호가 틀렸습니다. ∂L/∂ŷ = 2(t − ŷ)가 아니라 2(ŷ − t)입니다.",
          }
        : near(dW3 / x)
          ? { en: "the last factor, x (∂z₂/∂w₃), is missing.", ko: "마지막 인수 x(∂z₂/∂w₃)가 빠졌습니다." }
          : near(dW3 / w4)
            ? {
                en: "the path to w₃ goes through h₂, so multiply by w₄.",
                ko: "w₃로 가는 경로는 h₂를 거치므로 w₄를 곱해야 합니다.",
              }
            : near(dW3 / 2)
              ? { en: "the factor 2 of ∂L/∂ŷ = 2(ŷ − t) is missing.", ko: "∂L/∂ŷ = 2(ŷ − t)의 인수 2가 빠졌습니다." }
              : {
                  en: "recompute ŷ with both hidden units first (ŷ = w₂ · h + w₄ · h₂ + b₂), then ∂L/∂ŷ.",
                  ko: "먼저 두 은닉 유닛으로 ŷ를 다시 계산한 다음(ŷ = w₂ · h + w₄ · h₂ + b₂) ∂L/∂ŷ를 구하세요.",
                };
      fail({
        en: `${gradient} is not ∂L/∂w₃: ${hint.en} Follow the chain ∂L/∂w₃ = ∂L/∂ŷ · w₄ · [z₂ > 0] · x.`,
        ko: `${gradient}은(는) ∂L/∂w₃가 아닙니다. ${hint.ko} 연쇄 법칙 ∂L/∂w₃ = ∂L/∂ŷ · w₄ · [z₂ > 0] · x를 따라가세요.`,
      });
    }
    return {
      en: `∂L/∂ŷ = ${dYHat.toFixed(3)}, z₂ > 0, so ∂L/∂w₃ = ${dYHat.toFixed(3)} · w₄ · x = ${dW3.toFixed(4)}.`,
      ko: `∂L/∂ŷ = ${dYHat.toFixed(3)}이고 z₂ > 0이므로 ∂L/∂w₃ = ${dYHat.toFixed(3)} · w₄ · x = ${dW3.toFixed(4)}입니다.`,
    };
  },

  "01-3": (answer, context) => {
    const epochs = expectNumber(answer, "stoppedAfter");
    const losses = context.validationLosses;
    if (!Array.isArray(losses) || losses.length === 0 || !losses.every((loss) => typeof loss === "number")) {
      fail({
        en: "the check needs the lesson's `validationLosses`; run the training, validation and test section first.",
        ko: "확인에 강의의 `validationLosses`가 필요합니다. 먼저 훈련, 검증, 테스트 절을 실행하세요.",
      });
    }
    const expected = earlyStop(losses as number[]);
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > losses.length) {
      fail({
        en: `\`stoppedAfter\` is ${epochs}; it should be the number of epochs the network trained, a whole number from 1 to ${losses.length}: \`stoppedHistory.epochs.length\`.`,
        ko: `\`stoppedAfter\`가 ${epochs}입니다. 신경망이 학습한 에폭 수, 곧 1부터 ${losses.length}까지의 정수(\`stoppedHistory.epochs.length\`)여야 합니다.`,
      });
    }
    // The stopped run repeats the 30-epoch run's first epochs (same seeds); allow one epoch for a tie in float32.
    if (Math.abs(epochs - expected) > 1) {
      const hint =
        epochs === losses.length
          ? {
              en: "that is the whole run: pass `earlyStopping: true` and `validation: 0.2` to `train()`.",
              ko: "전체 실행의 길이입니다. `train()`에 `earlyStopping: true`와 `validation: 0.2`를 넘기세요.",
            }
          : {
              en: "train with the 30-epoch run's settings (`seed: 22`, `fast: false`) plus `earlyStopping: true`, and store `stoppedHistory.epochs.length`.",
              ko: "30 에폭 실행과 같은 설정(`seed: 22`, `fast: false`)에 `earlyStopping: true`를 더해 학습시키고 `stoppedHistory.epochs.length`를 저장하세요.",
            };
      fail({
        en: `with patience 3 on the validation loss, the network stops after epoch ${expected}, but \`stoppedAfter\` is ${epochs}: ${hint.en}`,
        ko: `검증 손실에 인내(patience) 3을 적용하면 신경망은 ${expected}번째 에폭 뒤에 멈추는데 \`stoppedAfter\`는 ${epochs}입니다. ${hint.ko}`,
      });
    }
    const trained = (losses as number[]).slice(0, epochs);
    const best = trained.indexOf(Math.min(...trained)) + 1;
    if (epochs === losses.length) {
      return {
        en: `it trained all ${epochs} epochs: the validation loss never went 3 epochs without improving.`,
        ko: `${epochs} 에폭을 모두 학습했습니다. 검증 손실이 3 에폭 연속으로 나아지지 않은 적이 없었습니다.`,
      };
    }
    return {
      en: `it stopped after epoch ${epochs}: the validation loss was lowest after epoch ${best} and did not improve for 3 epochs.`,
      ko: `${epochs}번째 에폭 뒤에 멈췄습니다. 검증 손실은 ${best}번째 에폭에서 가장 낮았고 이후 3 에폭 동안 나아지지 않았습니다.`,
    };
  },
};
