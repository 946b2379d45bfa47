// ReLU and its gradient as single threaded-parallel passes (tfjs's gradient is Step, Cast and Multiply: three).
#include "kernels.h"

namespace cnnlab {

void relu(int64_t size, const float* x, float* y) {
#pragma omp parallel for simd schedule(static) num_threads(threadsFor(kMemoryWork * size))
  for (int64_t i = 0; i < size; i++) y[i] = x[i] < 0.f ? 0.f : x[i];  // NaN stays NaN, as in tfjs
}

void reluGradient(int64_t size, const float* dy, const float* x, float* dx) {
#pragma omp parallel for simd schedule(static) num_threads(threadsFor(kMemoryWork * size))
  for (int64_t i = 0; i < size; i++) dx[i] = x[i] > 0.f ? dy[i] : 0.f;
}

}  // namespace cnnlab
