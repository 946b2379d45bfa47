// Convolutions over NHWC activations and [kh, kw, ci, co] filters (tfjs's layouts) in oneDNN. Activations stay in
// the caller's layout; filters, being small, are reordered into whatever layout oneDNN's fastest implementation
// wants on every call, so the tensors tfjs owns never change layout.
#include <sstream>

#include "kernels.h"
#include "onednn.h"

namespace cnnlab {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
constexpr auto f32 = memory::data_type::f32;

double multiplyAdds(const Window& w) {
  return static_cast<double>(w.batch) * w.outHeight * w.outWidth * w.outChannels * w.filterHeight * w.filterWidth *
         w.inChannels;
}

std::string keyOf(const char* kind, const Window& w, int extra, int threads) {
  std::ostringstream key;
  key << kind << ' ' << threads << ' ' << w.batch << ' ' << w.inHeight << ' ' << w.inWidth << ' ' << w.inChannels << ' ' << w.outHeight
      << ' ' << w.outWidth << ' ' << w.outChannels << ' ' << w.filterHeight << ' ' << w.filterWidth << ' '
      << w.strideHeight << ' ' << w.strideWidth << ' ' << w.dilationHeight << ' ' << w.dilationWidth << ' ' << w.padTop
      << ' ' << w.padBottom << ' ' << w.padLeft << ' ' << w.padRight << ' ' << w.groups << ' ' << extra;
  return key.str();
}

struct Descriptors {
  memory::desc input, output, filterAny, filterUser, bias;
  memory::dims strides, dilations, padBefore, padAfter;
};

Descriptors describe(const Window& w) {
  Descriptors d;
  d.input = memory::desc({w.batch, w.inChannels, w.inHeight, w.inWidth}, f32, tag::nhwc);
  d.output = memory::desc({w.batch, w.outChannels, w.outHeight, w.outWidth}, f32, tag::nhwc);
  if (w.groups == 1) {
    d.filterAny = memory::desc({w.outChannels, w.inChannels, w.filterHeight, w.filterWidth}, f32, tag::any);
    d.filterUser = memory::desc({w.outChannels, w.inChannels, w.filterHeight, w.filterWidth}, f32, tag::hwio);
  } else {
    // Grouped weights are [groups, out per group, in per group, kh, kw]; tfjs's depthwise filter is
    // [kh, kw, channel (= group), multiplier (= output within the group)], described here by its strides.
    const int64_t perGroupOut = w.outChannels / w.groups;
    const int64_t perGroupIn = w.inChannels / w.groups;
    const memory::dims dims{w.groups, perGroupOut, perGroupIn, w.filterHeight, w.filterWidth};
    const int64_t pixel = w.inChannels * perGroupOut;
    d.filterAny = memory::desc(dims, f32, tag::any);
    d.filterUser = memory::desc(dims, f32, memory::dims{perGroupOut, 1, pixel, w.filterWidth * pixel, pixel});
  }
  d.bias = memory::desc({w.outChannels}, f32, tag::x);
  d.strides = {w.strideHeight, w.strideWidth};
  // oneDNN counts dilation from 0 (no gaps), tfjs from 1.
  d.dilations = {w.dilationHeight - 1, w.dilationWidth - 1};
  d.padBefore = {w.padTop, w.padLeft};
  d.padAfter = {w.padBottom, w.padRight};
  return d;
}

dnnl::convolution_forward::primitive_desc forwardDescription(const Descriptors& d, bool withBias,
                                                             Activation activation) {
  using dnnl::convolution_forward;
  auto description =
      withBias ? convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                           d.input, d.filterAny, d.bias, d.output, d.strides, d.dilations,
                                           d.padBefore, d.padAfter)
               : convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                           d.input, d.filterAny, d.output, d.strides, d.dilations, d.padBefore,
                                           d.padAfter);
  dnnl::primitive_attr attributes;
  if (activation == Activation::relu) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
    attributes.set_post_ops(ops);
  }
  return convolution_forward::primitive_desc(description, attributes, cpuEngine());
}

struct Forward {
  dnnl::convolution_forward primitive;
  Operand input, filter, bias, output;
  bool withBias;
};

struct BackwardData {
  dnnl::convolution_backward_data primitive;
  Operand outputGradient, filter, inputGradient;
};

struct BackwardFilter {
  dnnl::convolution_backward_weights primitive;
  Operand input, outputGradient, filterGradient;
};

}  // namespace

void conv2d(const Window& w, const float* x, const float* filter, const float* bias, float* y, Activation activation) {
  thread_local PrimitiveCache<Forward> cache;
  const bool withBias = bias != nullptr;
  const int threads = threadsFor(multiplyAdds(w));
  ThreadScope scope(threads);
  auto& entry = cache.get(keyOf("forward", w, (withBias ? 2 : 0) + static_cast<int>(activation) * 4, threads), [&] {
    auto d = describe(w);
    auto description = forwardDescription(d, withBias, activation);
    noteImplementation("conv2d", description.impl_info_str());
    auto entry = std::make_unique<Forward>();
    entry->primitive = dnnl::convolution_forward(description);
    entry->input = Operand(d.input, description.src_desc(), true);
    entry->filter = Operand(d.filterUser, description.weights_desc(), true);
    if (withBias) entry->bias = Operand(d.bias, description.bias_desc(), true);
    entry->output = Operand(d.output, description.dst_desc(), false);
    entry->withBias = withBias;
    return entry;
  });
  std::unordered_map<int, memory> arguments{{DNNL_ARG_SRC, entry.input.in(x)},
                                            {DNNL_ARG_WEIGHTS, entry.filter.in(filter)},
                                            {DNNL_ARG_DST, entry.output.target(y)}};
  if (entry.withBias) arguments[DNNL_ARG_BIAS] = entry.bias.in(bias);
  entry.primitive.execute(cpuStream(), arguments);
  entry.output.out(y);
  cpuStream().wait();
}

void conv2dBackpropInput(const Window& w, const float* dy, const float* filter, float* dx) {
  thread_local PrimitiveCache<BackwardData> cache;
  const int threads = threadsFor(multiplyAdds(w));
  ThreadScope scope(threads);
  auto& entry = cache.get(keyOf("data", w, 0, threads), [&] {
    auto d = describe(w);
    auto hint = forwardDescription(d, false, Activation::none);
    dnnl::convolution_backward_data::desc description(dnnl::algorithm::convolution_direct, d.input, d.filterAny,
                                                      d.output, d.strides, d.dilations, d.padBefore, d.padAfter);
    dnnl::convolution_backward_data::primitive_desc prepared(description, cpuEngine(), hint);
    noteImplementation("conv2dBackpropInput", prepared.impl_info_str());
    auto entry = std::make_unique<BackwardData>();
    entry->primitive = dnnl::convolution_backward_data(prepared);
    entry->outputGradient = Operand(d.output, prepared.diff_dst_desc(), true);
    entry->filter = Operand(d.filterUser, prepared.weights_desc(), true);
    entry->inputGradient = Operand(d.input, prepared.diff_src_desc(), false);
    return entry;
  });
  entry.primitive.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, entry.outputGradient.in(dy)},
                                        {DNNL_ARG_WEIGHTS, entry.filter.in(filter)},
                                        {DNNL_ARG_DIFF_SRC, entry.inputGradient.target(dx)}});
  entry.inputGradient.out(dx);
  cpuStream().wait();
}

void conv2dBackpropFilter(const Window& w, const float* x, const float* dy, float* dFilter) {
  thread_local PrimitiveCache<BackwardFilter> cache;
  const int threads = threadsFor(multiplyAdds(w));
  ThreadScope scope(threads);
  auto& entry = cache.get(keyOf("filter", w, 0, threads), [&] {
    auto d = describe(w);
    auto hint = forwardDescription(d, false, Activation::none);
    dnnl::convolution_backward_weights::desc description(dnnl::algorithm::convolution_direct, d.input, d.filterAny,
                                                         d.output, d.strides, d.dilations, d.padBefore, d.padAfter);
    dnnl::convolution_backward_weights::primitive_desc prepared(description, cpuEngine(), hint);
    noteImplementation("conv2dBackpropFilter", prepared.impl_info_str());
    auto entry = std::make_unique<BackwardFilter>();
    entry->primitive = dnnl::convolution_backward_weights(prepared);
    entry->input = Operand(d.input, prepared.src_desc(), true);
    entry->outputGradient = Operand(d.output, prepared.diff_dst_desc(), true);
    entry->filterGradient = Operand(d.filterUser, prepared.diff_weights_desc(), false);
    return entry;
  });
  entry.primitive.execute(cpuStream(), {{DNNL_ARG_SRC, entry.input.in(x)},
                                        {DNNL_ARG_DIFF_DST, entry.outputGradient.in(dy)},
                                        {DNNL_ARG_DIFF_WEIGHTS, entry.filterGradient.target(dFilter)}});
  entry.filterGradient.out(dFilter);
  cpuStream().wait();
}

}  // namespace cnnlab
