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
#include "training_step.h"

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
// Inside a training step's team every thread already has its own rows: kernels there run on the calling thread.
int threadsFor(double work) { return !omp_in_parallel() && work >= parallelThreshold ? poolSize : 1; }

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

/** A Float64Array argument's numbers. */
std::pair<double*, size_t> numbersOf(napi_env env, napi_value value, const char* which) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array) {
    throw std::runtime_error(std::string("the ") + which + " argument must be a Float64Array");
  }
  return {static_cast<double*>(data), length};
}

/** (heap, arguments) from argv[first] and argv[first + 1]. */
Call readCall(napi_env env, napi_value* argv) {
  Call call;
  void* heap = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &heap, &call.heapBytes) != napi_ok) {
    throw std::runtime_error("the heap argument must be the wasm heap's ArrayBuffer");
  }
  call.heap = static_cast<char*>(heap);
  auto numbers = numbersOf(env, argv[1], "arguments");
  call.args = numbers.first;
  call.count = numbers.second;
  return call;
}

Call readCall(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) throw std::runtime_error("expected (heap, arguments)");
  return readCall(env, argv);
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

// createTrainingStep(spec: Float64Array) → an opaque handle. spec: classes, layer count, then per layer kind,
// activation, bias, rate, epsilon, momentum, input size, output size and the 18 numbers of a Window.
constexpr size_t kLayerNumbers = 26;

napi_value createTrainingStepFunction(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 1;
    napi_value argv[1];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc < 1) throw std::runtime_error("createTrainingStep(spec): spec is missing");
    auto [numbers, count] = numbersOf(env, argv[0], "spec");
    if (count < 2) throw std::runtime_error("createTrainingStep(spec): spec is too short");
    const auto layerCount = static_cast<size_t>(numbers[1]);
    if (count != 2 + layerCount * kLayerNumbers) throw std::runtime_error("createTrainingStep(spec): spec has the wrong length");
    std::vector<LayerSpec> layers;
    for (size_t l = 0; l < layerCount; l++) {
      const double* n = numbers + 2 + l * kLayerNumbers;
      LayerSpec layer;
      layer.kind = static_cast<LayerKind>(static_cast<int>(n[0]));
      layer.activation = static_cast<Activation>(static_cast<int>(n[1]));
      layer.bias = n[2] != 0;
      layer.rate = static_cast<float>(n[3]);
      layer.epsilon = static_cast<float>(n[4]);
      layer.momentum = static_cast<float>(n[5]);
      layer.inputSize = static_cast<int64_t>(n[6]);
      layer.outputSize = static_cast<int64_t>(n[7]);
      int64_t* fields[] = {&layer.window.batch, &layer.window.inHeight, &layer.window.inWidth, &layer.window.inChannels,
                           &layer.window.outHeight, &layer.window.outWidth, &layer.window.outChannels,
                           &layer.window.filterHeight, &layer.window.filterWidth, &layer.window.strideHeight,
                           &layer.window.strideWidth, &layer.window.dilationHeight, &layer.window.dilationWidth,
                           &layer.window.padTop, &layer.window.padBottom, &layer.window.padLeft,
                           &layer.window.padRight, &layer.window.groups};
      for (size_t f = 0; f < 18; f++) *fields[f] = static_cast<int64_t>(n[8 + f]);
      layers.push_back(layer);
    }
    auto* step = new TrainingStep(std::move(layers), static_cast<int64_t>(numbers[0]));
    napi_value handle;
    napi_create_external(
        env, step, [](napi_env, void* data, void*) { delete static_cast<TrainingStep*>(data); }, nullptr, &handle);
    return handle;
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
    return nullptr;
  }
}

// runTrainingStep(step, heap, arguments, result): arguments are batch, images, labels, optimizer (0 SGD, 1 Adam),
// learning rate, β1, β2, ε, accumulated β1 and β2 (heap offsets; -1 for SGD), the statistics momentum (-1 for a
// training step; see StepInputs), parameter count, then per parameter
// its value, first and second moment (offsets, -1 when absent), size and whether it is trained. result receives
// the batch's mean loss and accuracy.
napi_value runTrainingStepFunction(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 4;
    napi_value argv[4];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc < 4) throw std::runtime_error("runTrainingStep(step, heap, arguments, result): too few arguments");
    void* handle = nullptr;
    if (napi_get_value_external(env, argv[0], &handle) != napi_ok || handle == nullptr) {
      throw std::runtime_error("runTrainingStep: the first argument must come from createTrainingStep");
    }
    const Call c = readCall(env, argv + 1);
    auto [result, resultLength] = numbersOf(env, argv[3], "result");
    if (resultLength < 2) throw std::runtime_error("runTrainingStep: result must hold 2 numbers");
    StepInputs inputs;
    inputs.batch = c.integer(0);
    inputs.images = c.tensor(1);
    inputs.labels = c.tensor(2);
    inputs.optimizer = c.integer(3) == 0 ? OptimizerKind::sgd : OptimizerKind::adam;
    inputs.learningRate = static_cast<float>(c.at(4));
    inputs.beta1 = static_cast<float>(c.at(5));
    inputs.beta2 = static_cast<float>(c.at(6));
    inputs.epsilon = static_cast<float>(c.at(7));
    inputs.accumulatedBeta1 = c.tensor(8);
    inputs.accumulatedBeta2 = c.tensor(9);
    if (inputs.optimizer == OptimizerKind::adam && c.at(10) < 0 && (!inputs.accumulatedBeta1 || !inputs.accumulatedBeta2)) {
      throw std::runtime_error("runTrainingStep: Adam needs its accumulated betas");
    }
    inputs.statisticsMomentum = static_cast<float>(c.at(10));
    const bool training = inputs.statisticsMomentum < 0;
    if (training && inputs.labels == nullptr) throw std::runtime_error("runTrainingStep: a training step needs labels");
    const int64_t parameters = c.integer(11);
    for (int64_t p = 0; p < parameters; p++) {
      const size_t at = 12 + static_cast<size_t>(p) * 5;
      Parameter parameter;
      parameter.value = c.tensor(at);
      parameter.firstMoment = c.tensor(at + 1);
      parameter.secondMoment = c.tensor(at + 2);
      parameter.size = c.integer(at + 3);
      parameter.trained = c.at(at + 4) != 0;
      if (parameter.value == nullptr) throw std::runtime_error("runTrainingStep: a parameter has no value");
      if (training && parameter.trained && inputs.optimizer == OptimizerKind::adam &&
          (parameter.firstMoment == nullptr || parameter.secondMoment == nullptr)) {
        throw std::runtime_error("runTrainingStep: a trained parameter has no Adam moments");
      }
      inputs.parameters.push_back(parameter);
    }
    const StepResult outcome = static_cast<TrainingStep*>(handle)->run(inputs);
    result[0] = outcome.loss;
    result[1] = outcome.accuracy;
  } catch (const dnnl::error& error) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + error.what()).c_str());
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
  }
  return nullptr;
}

// trainingStepProfile(step) → Float64Array: TrainingStep::takeProfile's numbers.
napi_value trainingStepProfileFunction(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  void* handle = nullptr;
  if (argc < 1 || napi_get_value_external(env, argv[0], &handle) != napi_ok || handle == nullptr) {
    napi_throw_type_error(env, nullptr, "trainingStepProfile(step): step must come from createTrainingStep");
    return nullptr;
  }
  const std::vector<double> numbers = static_cast<TrainingStep*>(handle)->takeProfile();
  void* data = nullptr;
  napi_value buffer, array;
  napi_create_arraybuffer(env, numbers.size() * sizeof(double), &data, &buffer);
  std::memcpy(data, numbers.data(), numbers.size() * sizeof(double));
  napi_create_typedarray(env, napi_float64_array, numbers.size(), buffer, 0, &array);
  return array;
}

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
      {"createTrainingStep", nullptr, createTrainingStepFunction, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"runTrainingStep", nullptr, runTrainingStepFunction, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"trainingStepProfile", nullptr, trainingStepProfileFunction, nullptr, nullptr, nullptr, kMethod, nullptr},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

}  // namespace
}  // namespace cnnlab

NAPI_MODULE(NODE_GYP_MODULE_NAME, cnnlab::initialise)
