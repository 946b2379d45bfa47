// Adam's update of one variable in one pass over its values; tfjs runs it as about thirteen kernels per variable
// (a quarter of a LeNet-5 training step's kernel calls), each allocating a tensor.
#include <cmath>

#include "kernels.h"

namespace cnnlab {

void adamUpdate(int64_t size, const float* value, const float* firstMoment, const float* secondMoment,
                const float* gradient, const AdamSettings& s, float* newValue, float* newFirstMoment,
                float* newSecondMoment) {
  const float correction1 = 1.f - s.accumulatedBeta1;
  const float correction2 = 1.f - s.accumulatedBeta2;
#pragma omp parallel for simd schedule(static) num_threads(threadsFor(kMemoryWork * size))
  for (int64_t i = 0; i < size; i++) {
    const float g = gradient[i];
    const float m = s.beta1 * firstMoment[i] + (1.f - s.beta1) * g;
    const float v = s.beta2 * secondMoment[i] + (1.f - s.beta2) * g * g;
    newFirstMoment[i] = m;
    newSecondMoment[i] = v;
    newValue[i] = value[i] - s.learningRate * (m / correction1) / (std::sqrt(v / correction2) + s.epsilon);
  }
}

}  // namespace cnnlab
