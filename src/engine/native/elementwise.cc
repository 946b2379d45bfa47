// The additions and sums a dense or convolution layer's bias needs: y = x + bias over channels-last rows, its
// gradient Σ over rows, and same-shape addition (gradients of a tensor used twice are added). tfjs's wasm kernels
// do these on one thread with general broadcasting; for the bias of LeNet-5's first convolution they were a
// quarter of a training step's kernel time.
#include <omp.h>

#include <algorithm>
#include <cstddef>

#include <vector>

#include "kernels.h"

namespace cnnlab {

void add(int64_t size, const float* a, const float* b, float* y) {
#pragma omp parallel for simd schedule(static) num_threads(threadsFor(kMemoryWork * size))
  for (int64_t i = 0; i < size; i++) y[i] = a[i] + b[i];
}

void biasAdd(int64_t rows, int64_t channels, const float* x, const float* bias, float* y) {
#pragma omp parallel for schedule(static) num_threads(threadsFor(kMemoryWork * rows * channels))
  for (int64_t r = 0; r < rows; r++) {
    const float* in = x + r * channels;
    float* out = y + r * channels;
    for (int64_t c = 0; c < channels; c++) out[c] = in[c] + bias[c];
  }
}

void columnSums(int64_t rows, int64_t channels, const float* x, float* sums) {
  const int threadCount = threadsFor(kMemoryWork * rows * channels);
  std::vector<double> partial(static_cast<size_t>(threadCount) * channels, 0.0);
  constexpr int64_t block = 64;
#pragma omp parallel num_threads(threadCount)
  {
    const int thread = omp_get_thread_num();
    const int used = omp_get_num_threads();
    const int64_t from = rows * thread / used;
    const int64_t to = rows * (thread + 1) / used;
    double* mine = partial.data() + static_cast<size_t>(thread) * channels;
    std::vector<float> blockSums(channels);
    // Float sums over blocks of rows (vectorised over channels), added up in double.
    for (int64_t start = from; start < to; start += block) {
      std::fill(blockSums.begin(), blockSums.end(), 0.f);
      const int64_t end = std::min(to, start + block);
      for (int64_t r = start; r < end; r++) {
        const float* in = x + r * channels;
        for (int64_t c = 0; c < channels; c++) blockSums[c] += in[c];
      }
      for (int64_t c = 0; c < channels; c++) mine[c] += blockSums[c];
    }
  }
  for (int64_t c = 0; c < channels; c++) {
    double total = 0;
    for (int t = 0; t < threadCount; t++) total += partial[static_cast<size_t>(t) * channels + c];
    sums[c] = static_cast<float>(total);
  }
}

}  // namespace cnnlab
