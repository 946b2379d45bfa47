// The Node-API face of the native kernels. Every kernel takes the wasm heap (an ArrayBuffer) and one Float64Array
// of arguments: byte offsets of its tensors in the heap (-1 for an absent optional tensor) followed by sizes. One
// typed array instead of a dozen JavaScript numbers keeps the per-call cost of crossing into C++ to a few
// microseconds, which matters for the ~300 kernel calls of a LeNet-5 training step.
#include <node_api.h>
#include <omp.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels.h"
#include "onednn.h"

namespace cnnlab {

namespace {
int poolSize = 1;
// Measured on a 2-core virtual machine (LeNet-5 and a small VGG-style net, batch 64): below ~3·10⁷ multiply-adds
// (LeNet-5's convolutions) one thread was faster, since waking the second costs tens of microseconds there; above
// (the VGG net's 16- and 32-channel convolutions) two threads were up to 1.8× faster.
constexpr double parallelThreshold = 3e7;
}  // namespace

void setThreads(int count) {
  poolSize = count < 1 ? 1 : count;
  omp_set_num_threads(poolSize);
}
int threads() { return poolSize; }
int threadsFor(double work) { return work >= parallelThreshold ? poolSize : 1; }

namespace {

struct Call {
  char* heap = nullptr;
  size_t heapBytes = 0;
  const double* args = nullptr;
  size_t count = 0;

  double at(size_t i) const {
    if (i >= count) throw std::runtime_error("too few arguments (" + std::to_string(count) + ")");
    return args[i];
  }
  int64_t integer(size_t i) const { return static_cast<int64_t>(at(i)); }
  float* tensor(size_t i) const {
    const double offset = at(i);
    if (offset < 0) return nullptr;
    if (offset >= static_cast<double>(heapBytes)) throw std::runtime_error("tensor offset outside the wasm heap");
    return reinterpret_cast<float*>(heap + static_cast<size_t>(offset));
  }
  Window window(size_t i) const {
    Window w;
    int64_t* fields[] = {&w.batch,       &w.inHeight,       &w.inWidth,       &w.inChannels,   &w.outHeight,
                         &w.outWidth,    &w.outChannels,    &w.filterHeight,  &w.filterWidth,  &w.strideHeight,
                         &w.strideWidth, &w.dilationHeight, &w.dilationWidth, &w.padTop,       &w.padBottom,
                         &w.padLeft,     &w.padRight,       &w.groups};
    for (auto* field : fields) *field = integer(i++);
    return w;
  }
};

Call readCall(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) throw std::runtime_error("expected (heap, arguments)");
  Call call;
  void* heap = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &heap, &call.heapBytes) != napi_ok) {
    throw std::runtime_error("the first argument must be the wasm heap's ArrayBuffer");
  }
  call.heap = static_cast<char*>(heap);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array) {
    throw std::runtime_error("the second argument must be a Float64Array");
  }
  call.args = static_cast<const double*>(data);
  call.count = length;
  return call;
}

using Body = void (*)(const Call&);

template <Body body>
napi_value kernel(napi_env env, napi_callback_info info) {
  try {
    body(readCall(env, info));
  } catch (const dnnl::error& error) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + error.what()).c_str());
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
  }
  return nullptr;
}

void conv2dCall(const Call& c) {
  conv2d(c.window(5), c.tensor(0), c.tensor(1), c.tensor(2), c.tensor(3), static_cast<Activation>(c.integer(4)));
}
void conv2dBackpropInputCall(const Call& c) { conv2dBackpropInput(c.window(3), c.tensor(0), c.tensor(1), c.tensor(2)); }
void conv2dBackpropFilterCall(const Call& c) {
  conv2dBackpropFilter(c.window(3), c.tensor(0), c.tensor(1), c.tensor(2));
}
void matMulCall(const Call& c) {
  MatMul shape{c.integer(5), c.integer(6), c.integer(7), c.integer(8), c.integer(9), c.at(10) != 0, c.at(11) != 0};
  matMul(shape, c.tensor(0), c.tensor(1), c.tensor(2), c.tensor(3), static_cast<Activation>(c.integer(4)));
}
void maxPoolCall(const Call& c) { maxPool(c.window(2), c.tensor(0), c.tensor(1)); }
void maxPoolGradientCall(const Call& c) { maxPoolGradient(c.window(3), c.tensor(0), c.tensor(1), c.tensor(2)); }
void batchNormTrainingCall(const Call& c) {
  batchNormTraining(c.integer(0), c.integer(1), c.tensor(2), c.tensor(3), c.tensor(4), static_cast<float>(c.at(5)),
                    c.tensor(6), c.tensor(7), c.tensor(8));
}
void batchNormTrainingGradientCall(const Call& c) {
  batchNormTrainingGradient(c.integer(0), c.integer(1), c.tensor(2), c.tensor(3), c.tensor(4), c.tensor(5),
                            c.tensor(6), static_cast<float>(c.at(7)), c.tensor(8), c.tensor(9), c.tensor(10));
}
void batchNormInferenceCall(const Call& c) {
  batchNormInference(c.integer(0), c.integer(1), c.tensor(2), c.tensor(3), c.tensor(4), c.tensor(5), c.tensor(6),
                     static_cast<float>(c.at(7)), c.tensor(8));
}
void adamUpdateCall(const Call& c) {
  // The accumulated betas are scalar tensors in the heap (tfjs keeps them as variables).
  AdamSettings settings{static_cast<float>(c.at(5)), static_cast<float>(c.at(6)), static_cast<float>(c.at(7)),
                        static_cast<float>(c.at(8)), *c.tensor(9), *c.tensor(10)};
  adamUpdate(c.integer(0), c.tensor(1), c.tensor(2), c.tensor(3), c.tensor(4), settings, c.tensor(11), c.tensor(12),
             c.tensor(13));
}
void addCall(const Call& c) { add(c.integer(0), c.tensor(1), c.tensor(2), c.tensor(3)); }
void biasAddCall(const Call& c) { biasAdd(c.integer(0), c.integer(1), c.tensor(2), c.tensor(3), c.tensor(4)); }
void columnSumsCall(const Call& c) { columnSums(c.integer(0), c.integer(1), c.tensor(2), c.tensor(3)); }
void reluCall(const Call& c) { relu(c.integer(0), c.tensor(1), c.tensor(2)); }
void reluGradientCall(const Call& c) { reluGradient(c.integer(0), c.tensor(1), c.tensor(2), c.tensor(3)); }

napi_value setThreadsFunction(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t count = 1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &count) != napi_ok) {
    napi_throw_type_error(env, nullptr, "setThreads(count): count must be a number");
    return nullptr;
  }
  setThreads(count);
  napi_value result;
  napi_create_int32(env, threads(), &result);
  return result;
}

napi_value threadsFunction(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_int32(env, threads(), &result);
  return result;
}

napi_value implementationFunction(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char kind[64] = {0};
  size_t length = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], kind, sizeof kind, &length) != napi_ok) {
    napi_throw_type_error(env, nullptr, "implementation(kind): kind must be a string");
    return nullptr;
  }
  napi_value result;
  napi_create_string_utf8(env, implementationOf(kind), NAPI_AUTO_LENGTH, &result);
  return result;
}

napi_value versionFunction(napi_env env, napi_callback_info) {
  const dnnl_version_t* version = dnnl_version();
  const std::string text = std::to_string(version->major) + "." + std::to_string(version->minor) + "." +
                           std::to_string(version->patch);
  napi_value result;
  napi_create_string_utf8(env, text.c_str(), NAPI_AUTO_LENGTH, &result);
  return result;
}

// Enumerable and replaceable like a JavaScript module's functions (a profiler can wrap them).
constexpr auto kMethod = static_cast<napi_property_attributes>(napi_writable | napi_enumerable | napi_configurable);

napi_value initialise(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"setThreads", nullptr, setThreadsFunction, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"threads", nullptr, threadsFunction, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"implementation", nullptr, implementationFunction, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"onednnVersion", nullptr, versionFunction, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"conv2d", nullptr, kernel<conv2dCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"conv2dBackpropInput", nullptr, kernel<conv2dBackpropInputCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"conv2dBackpropFilter", nullptr, kernel<conv2dBackpropFilterCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"matMul", nullptr, kernel<matMulCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"maxPool", nullptr, kernel<maxPoolCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"maxPoolGradient", nullptr, kernel<maxPoolGradientCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"batchNormTraining", nullptr, kernel<batchNormTrainingCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"batchNormTrainingGradient", nullptr, kernel<batchNormTrainingGradientCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"batchNormInference", nullptr, kernel<batchNormInferenceCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"adamUpdate", nullptr, kernel<adamUpdateCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"add", nullptr, kernel<addCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"biasAdd", nullptr, kernel<biasAddCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"columnSums", nullptr, kernel<columnSumsCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"relu", nullptr, kernel<reluCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"reluGradient", nullptr, kernel<reluGradientCall>, nullptr, nullptr, nullptr, kMethod, nullptr},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

}  // namespace
}  // namespace cnnlab

NAPI_MODULE(NODE_GYP_MODULE_NAME, cnnlab::initialise)
