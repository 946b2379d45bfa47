// ReLU and its gradient as single threaded-parallel passes (tfjs's gradient is Step, Cast and Multiply: three), and
// the activations the training step applies after a convolution or dense layer.
#include <algorithm>
#include <cmath>
#include <stdexcept>

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

void activate(Activation activation, int64_t size, const float* x, float* y) {
  switch (activation) {
    case Activation::none:
      if (x != y) std::copy(x, x + size, y);
      return;
    case Activation::relu:
      return relu(size, x, y);
    case Activation::tanh:
      for (int64_t i = 0; i < size; i++) y[i] = std::tanh(x[i]);
      return;
    case Activation::sigmoid:
      for (int64_t i = 0; i < size; i++) y[i] = 1.f / (1.f + std::exp(-x[i]));
      return;
    case Activation::softmax:
      break;
  }
  throw std::runtime_error("activate: softmax is applied by the loss, not elementwise");
}

void activationGradient(Activation activation, int64_t size, const float* dy, const float* y, float* dx) {
  switch (activation) {
    case Activation::none:
      if (dx != dy) std::copy(dy, dy + size, dx);
      return;
    case Activation::relu:
      // relu(x) > 0 exactly where x > 0, so the output decides as well as the input.
      return reluGradient(size, dy, y, dx);
    case Activation::tanh:
      for (int64_t i = 0; i < size; i++) dx[i] = dy[i] * (1.f - y[i] * y[i]);
      return;
    case Activation::sigmoid:
      for (int64_t i = 0; i < size; i++) dx[i] = dy[i] * y[i] * (1.f - y[i]);
      return;
    case Activation::softmax:
      break;
  }
  throw std::runtime_error("activationGradient: softmax's gradient is folded into the loss's");
}

}  // namespace cnnlab
