// Batched matrix products in oneDNN. Transposed operands are described by their strides, so a dense layer's
// gradients (x^T · dy and dy · W^T) run without materialising a transposed copy.
#include <sstream>

#include "kernels.h"
#include "onednn.h"

namespace cnnlab {
namespace {

using dnnl::memory;
constexpr auto f32 = memory::data_type::f32;

struct Prepared {
  dnnl::matmul primitive;
  memory a, b, bias, c;
  bool withBias;
};

// A [batch, rows, columns] operand stored row-major, or stored as [batch, columns, rows] when transposed.
memory::desc operand(int64_t batch, int64_t rows, int64_t columns, bool transposed) {
  memory::dims strides = transposed ? memory::dims{rows * columns, 1, rows} : memory::dims{rows * columns, columns, 1};
  return memory::desc({batch, rows, columns}, f32, strides);
}

}  // namespace

void matMul(const MatMul& s, const float* a, const float* b, const float* bias, float* c, Activation activation) {
  thread_local PrimitiveCache<Prepared> cache;
  const bool withBias = bias != nullptr;
  const int threads = threadsFor(static_cast<double>(std::max(s.batchA, s.batchB)) * s.m * s.n * s.k);
  ThreadScope scope(threads);
  std::ostringstream key;
  key << threads << ' ' << s.batchA << ' ' << s.batchB << ' ' << s.m << ' ' << s.n << ' ' << s.k << ' ' << s.transposeA << ' '
      << s.transposeB << ' ' << withBias << ' ' << static_cast<int>(activation);
  auto& entry = cache.get(key.str(), [&] {
    const int64_t batch = std::max(s.batchA, s.batchB);
    auto aDesc = operand(s.batchA, s.m, s.k, s.transposeA);
    auto bDesc = operand(s.batchB, s.k, s.n, s.transposeB);
    auto cDesc = memory::desc({batch, s.m, s.n}, f32, memory::format_tag::abc);
    auto biasDesc = memory::desc({1, 1, s.n}, f32, memory::format_tag::abc);
    auto description = withBias ? dnnl::matmul::desc(aDesc, bDesc, biasDesc, cDesc) : dnnl::matmul::desc(aDesc, bDesc, cDesc);
    dnnl::primitive_attr attributes;
    if (activation == Activation::relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      attributes.set_post_ops(ops);
    }
    dnnl::matmul::primitive_desc prepared(description, attributes, cpuEngine());
    noteImplementation("matMul", prepared.impl_info_str());
    auto entry = std::make_unique<Prepared>();
    entry->primitive = dnnl::matmul(prepared);
    entry->a = memory(aDesc, cpuEngine(), DNNL_MEMORY_NONE);
    entry->b = memory(bDesc, cpuEngine(), DNNL_MEMORY_NONE);
    entry->c = memory(cDesc, cpuEngine(), DNNL_MEMORY_NONE);
    if (withBias) entry->bias = memory(biasDesc, cpuEngine(), DNNL_MEMORY_NONE);
    entry->withBias = withBias;
    return entry;
  });
  entry.a.set_data_handle(const_cast<float*>(a));
  entry.b.set_data_handle(const_cast<float*>(b));
  entry.c.set_data_handle(c);
  std::unordered_map<int, memory> arguments{{DNNL_ARG_SRC, entry.a}, {DNNL_ARG_WEIGHTS, entry.b}, {DNNL_ARG_DST, entry.c}};
  if (entry.withBias) {
    entry.bias.set_data_handle(const_cast<float*>(bias));
    arguments[DNNL_ARG_BIAS] = entry.bias;
  }
  entry.primitive.execute(cpuStream(), arguments);
  cpuStream().wait();
}

}  // namespace cnnlab
