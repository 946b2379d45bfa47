// The native kernels cnnlab registers on tfjs's wasm backend. They read and write tensors in place in the wasm
// heap (channels-last, float32), so no tensor is copied between JavaScript, wasm and native code. Convolutions and
// matrix products run in oneDNN (the library PyTorch's CPU convolutions use); pooling, batch norm and ReLU are
// OpenMP loops here. Every function throws std::runtime_error with a message naming the cause.
#pragma once
#include <cstdint>

namespace cnnlab {

/** Geometry of a 2-D convolution or pooling over NHWC tensors, as tfjs's computeConv2DInfo gives it. */
struct Window {
  int64_t batch, inHeight, inWidth, inChannels;
  int64_t outHeight, outWidth, outChannels;
  int64_t filterHeight, filterWidth;
  int64_t strideHeight, strideWidth;
  int64_t dilationHeight, dilationWidth;
  int64_t padTop, padBottom, padLeft, padRight;
  // 1 for a plain convolution; inChannels for a depthwise one, whose filter is tfjs's [kh, kw, ci, multiplier] and
  // whose output channel c · multiplier + m comes from input channel c.
  int64_t groups;
};

// oneDNN fuses none and relu into convolutions and matrix products; the training step applies the others itself.
enum class Activation { none = 0, relu = 1, tanh = 2, sigmoid = 3, softmax = 4 };

void setThreads(int threads);
int threads();
/**
 * Threads for a kernel doing `work` (multiply-adds, or kMemoryWork per element for memory-bound kernels): waking a sleeping
 * worker costs tens of microseconds on a virtual machine, more than small kernels take on one thread, so only
 * kernels above a threshold use the pool.
 */
int threadsFor(double work);
/**
 * Work per element of a memory-bound pass (pooling, batch norm, ReLU), in threadsFor's units: a pass over about
 * 750,000 float32 values (a 64 × 28 × 28 × 16 activation) is worth a second thread.
 */
constexpr double kMemoryWork = 40;
/** Which oneDNN implementation ran the last primitive of each kind (for the engine line and the tests). */
const char* implementationOf(const char* kind);

// y = activation(conv2d(x, filter) + bias); filter is [kh, kw, ci, co] (tfjs's layout) or, with groups > 1,
// [kh, kw, ci, multiplier]; bias may be null.
void conv2d(const Window& w, const float* x, const float* filter, const float* bias, float* y, Activation activation);
// dx = the input gradient of conv2d, from dy and the filter.
void conv2dBackpropInput(const Window& w, const float* dy, const float* filter, float* dx);
// dFilter = the filter gradient of conv2d, from x and dy, written as [kh, kw, ci, co].
void conv2dBackpropFilter(const Window& w, const float* x, const float* dy, float* dFilter);

/** One matrix product per batch entry: c[b] = activation(op(a[b]) · op(b[b]) + bias); a batch of 1 broadcasts. */
struct MatMul {
  int64_t batchA, batchB, m, n, k;
  bool transposeA, transposeB;
};
void matMul(const MatMul& shape, const float* a, const float* b, const float* bias, float* c, Activation activation);

void maxPool(const Window& w, const float* x, float* y);
// Average pooling as tfjs computes it: each output is the mean of the window's pixels inside the input.
void averagePool(const Window& w, const float* x, float* y);
void averagePoolGradient(const Window& w, const float* dy, float* dx);
// dx: zero-filled here; each output's gradient goes to the first maximum of its window (row-major).
void maxPoolGradient(const Window& w, const float* dy, const float* x, float* dx);

// Batch norm over [rows, channels] (rows = batch × height × width): batch statistics, normalised output.
void batchNormTraining(int64_t rows, int64_t channels, const float* x, const float* scale, const float* offset,
                       float epsilon, float* y, float* mean, float* variance);
// The gradient of batchNormTraining with respect to x (through the batch statistics too), scale and offset.
void batchNormTrainingGradient(int64_t rows, int64_t channels, const float* dy, const float* x, const float* scale,
                               const float* mean, const float* variance, float epsilon, float* dx, float* dScale,
                               float* dOffset);
// y = (x - mean) / sqrt(variance + epsilon) * scale + offset with per-channel statistics (inference).
void batchNormInference(int64_t rows, int64_t channels, const float* x, const float* mean, const float* variance,
                        const float* scale, const float* offset, float epsilon, float* y);

void add(int64_t size, const float* a, const float* b, float* y);
// y[r, c] = x[r, c] + bias[c].
void biasAdd(int64_t rows, int64_t channels, const float* x, const float* bias, float* y);
// sums[c] = Σ over r of x[r, c].
void columnSums(int64_t rows, int64_t channels, const float* x, float* sums);

void relu(int64_t size, const float* x, float* y);
// dx = dy where x > 0, else 0.
void reluGradient(int64_t size, const float* dy, const float* x, float* dx);
// y = activation(x) elementwise for none, relu, tanh and sigmoid (x and y may be the same array).
void activate(Activation activation, int64_t size, const float* x, float* y);
// dx = dy · activation'(x), from the activation's output y (x is not needed for these four); dx may be dy.
void activationGradient(Activation activation, int64_t size, const float* dy, const float* y, float* dx);

struct AdamSettings {
  float learningRate, beta1, beta2, epsilon;
  // beta1^t and beta2^t after t steps, for the bias correction.
  float accumulatedBeta1, accumulatedBeta2;
};
// One Adam step of one variable: new moments, then value − lr · m̂ / (√v̂ + ε).
void adamUpdate(int64_t size, const float* value, const float* firstMoment, const float* secondMoment,
                const float* gradient, const AdamSettings& settings, float* newValue, float* newFirstMoment,
                float* newSecondMoment);

}  // namespace cnnlab
