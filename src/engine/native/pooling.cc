// Max pooling over NHWC tensors, forward and backward, in plain loops spread over images with OpenMP: pooling
// reads each input once, so it is bound by memory, and channels-last keeps the inner loop contiguous.
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels.h"

namespace cnnlab {
namespace {

/** The input rows (or columns) a pooling window covers, clipped to the input: padding never wins a maximum. */
struct Span {
  int64_t from, to;
};
Span rowsOf(const Window& w, int64_t oh) {
  const int64_t start = oh * w.strideHeight - w.padTop;
  return {std::max<int64_t>(0, start), std::min(w.inHeight, start + w.filterHeight)};
}
Span columnsOf(const Window& w, int64_t ow) {
  const int64_t start = ow * w.strideWidth - w.padLeft;
  return {std::max<int64_t>(0, start), std::min(w.inWidth, start + w.filterWidth)};
}

}  // namespace

void maxPool(const Window& w, const float* x, float* y) {
  const int64_t c = w.inChannels;
  const int threads = threadsFor(kMemoryWork * w.batch * w.inHeight * w.inWidth * c);
#pragma omp parallel for collapse(2) schedule(static) num_threads(threads)
  for (int64_t b = 0; b < w.batch; b++) {
    for (int64_t oh = 0; oh < w.outHeight; oh++) {
      const Span rows = rowsOf(w, oh);
      for (int64_t ow = 0; ow < w.outWidth; ow++) {
        const Span columns = columnsOf(w, ow);
        float* out = y + ((b * w.outHeight + oh) * w.outWidth + ow) * c;
        std::fill(out, out + c, -std::numeric_limits<float>::infinity());
        for (int64_t ih = rows.from; ih < rows.to; ih++) {
          for (int64_t iw = columns.from; iw < columns.to; iw++) {
            const float* in = x + ((b * w.inHeight + ih) * w.inWidth + iw) * c;
            for (int64_t k = 0; k < c; k++) out[k] = std::max(out[k], in[k]);
          }
        }
      }
    }
  }
}

void maxPoolGradient(const Window& w, const float* dy, const float* x, float* dx) {
  const int64_t c = w.inChannels;
  const int threads = threadsFor(kMemoryWork * w.batch * w.inHeight * w.inWidth * c);
  // Windows of one image can overlap, so threads split the batch: no two threads write the same pixel.
#pragma omp parallel num_threads(threads)
  {
    // The running maximum of every channel of one window, and where it is; the loop over channels is contiguous.
    std::vector<float> best(c);
    std::vector<int64_t> where(c);
#pragma omp for schedule(static)
    for (int64_t b = 0; b < w.batch; b++) {
      std::memset(dx + b * w.inHeight * w.inWidth * c, 0, sizeof(float) * w.inHeight * w.inWidth * c);
      for (int64_t oh = 0; oh < w.outHeight; oh++) {
        const Span rows = rowsOf(w, oh);
        for (int64_t ow = 0; ow < w.outWidth; ow++) {
          const Span columns = columnsOf(w, ow);
          std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
          std::fill(where.begin(), where.end(), -1);
          // Row-major over the window, and a strict comparison: the first maximum wins ties, as in tfjs.
          for (int64_t ih = rows.from; ih < rows.to; ih++) {
            for (int64_t iw = columns.from; iw < columns.to; iw++) {
              const int64_t pixel = ((b * w.inHeight + ih) * w.inWidth + iw) * c;
              const float* in = x + pixel;
              for (int64_t k = 0; k < c; k++) {
                const bool larger = in[k] > best[k];
                best[k] = larger ? in[k] : best[k];
                where[k] = larger ? pixel + k : where[k];
              }
            }
          }
          const float* gradient = dy + ((b * w.outHeight + oh) * w.outWidth + ow) * c;
          for (int64_t k = 0; k < c; k++) {
            if (where[k] >= 0) dx[where[k]] += gradient[k];
          }
        }
      }
    }
  }
}

// tfjs divides by the number of window pixels inside the input, so padding never dilutes an average.
void averagePool(const Window& w, const float* x, float* y) {
  const int64_t c = w.inChannels;
  for (int64_t b = 0; b < w.batch; b++) {
    for (int64_t oh = 0; oh < w.outHeight; oh++) {
      const Span rows = rowsOf(w, oh);
      for (int64_t ow = 0; ow < w.outWidth; ow++) {
        const Span columns = columnsOf(w, ow);
        float* out = y + ((b * w.outHeight + oh) * w.outWidth + ow) * c;
        std::fill(out, out + c, 0.f);
        for (int64_t ih = rows.from; ih < rows.to; ih++) {
          for (int64_t iw = columns.from; iw < columns.to; iw++) {
            const float* in = x + ((b * w.inHeight + ih) * w.inWidth + iw) * c;
            for (int64_t k = 0; k < c; k++) out[k] += in[k];
          }
        }
        const float share = 1.f / static_cast<float>((rows.to - rows.from) * (columns.to - columns.from));
        for (int64_t k = 0; k < c; k++) out[k] *= share;
      }
    }
  }
}

void averagePoolGradient(const Window& w, const float* dy, float* dx) {
  const int64_t c = w.inChannels;
  std::memset(dx, 0, sizeof(float) * w.batch * w.inHeight * w.inWidth * c);
  for (int64_t b = 0; b < w.batch; b++) {
    for (int64_t oh = 0; oh < w.outHeight; oh++) {
      const Span rows = rowsOf(w, oh);
      for (int64_t ow = 0; ow < w.outWidth; ow++) {
        const Span columns = columnsOf(w, ow);
        const float* gradient = dy + ((b * w.outHeight + oh) * w.outWidth + ow) * c;
        const float share = 1.f / static_cast<float>((rows.to - rows.from) * (columns.to - columns.from));
        for (int64_t ih = rows.from; ih < rows.to; ih++) {
          for (int64_t iw = columns.from; iw < columns.to; iw++) {
            float* in = dx + ((b * w.inHeight + ih) * w.inWidth + iw) * c;
            for (int64_t k = 0; k < c; k++) in[k] += gradient[k] * share;
          }
        }
      }
    }
  }
}

}  // namespace cnnlab
