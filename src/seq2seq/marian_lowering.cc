#include "seq2seq/marian_lowering.h"

#include <cmath>
#include <limits>

#include "octet/builder.h"
#include "octet/error.h"

namespace octet::seq2seq {

namespace {

// The additive mask value: −1e9, as TensorFlow's Marian and most exported
// attention graphs write it. HF's PyTorch model uses float32's lowest; every
// position the model's outputs read gets the same float result from either
// (exp of a masked score underflows to 0), but a quantized ADD of scores and a
// lowest-valued mask cannot run in LiteRT at all (2^20 · output scale
// overflows float and its Prepare aborts), while −1e9 gives the file users
// report: it loads, runs and ignores the scores.
constexpr float kMaskValue = -1e9f;

using Shape = std::vector<int32_t>;

// One graph under construction, with the lowering's building blocks.
class Lowering {
 public:
  Lowering(Model& model, const MarianWeights& w) : b_(model), w_(w) {}

  GraphBuilder& builder() { return b_; }

  int32_t tensor(const std::string& name, Shape shape) { return b_.add_tensor(name, DType::Float32, std::move(shape)); }
  int32_t scalar(const std::string& name, float v) { return b_.add_constant<float>(name, {}, std::vector<float>{v}); }
  int32_t ints(const std::string& name, const std::vector<int32_t>& v) {
    return b_.add_constant<int32_t>(name, {static_cast<int32_t>(v.size())}, v);
  }
  // A checkpoint tensor as a float32 constant of the given shape.
  int32_t weight(const std::string& name, const std::string& key, const Shape& shape) {
    std::vector<int64_t> s(shape.begin(), shape.end());
    return b_.add_constant<float>(name, shape, w_.read(key, s));
  }

  int32_t binary(BuiltinOp op, const std::string& name, int32_t a, int32_t c, Shape out_shape) {
    const int32_t out = tensor(name, std::move(out_shape));
    b_.add_op(op, {a, c}, {out});
    return out;
  }
  int32_t unary(BuiltinOp op, const std::string& name, int32_t a, Shape out_shape) {
    const int32_t out = tensor(name, std::move(out_shape));
    b_.add_op(op, {a}, {out});
    return out;
  }
  int32_t reshape(const std::string& name, int32_t x, const Shape& shape) {
    const int32_t out = tensor(name, shape);
    b_.add_op(BuiltinOp::Reshape, {x, ints(name + "/shape", shape)}, {out},
              opt::Reshape{.new_shape = shape, .has_new_shape = true});
    return out;
  }
  int32_t transpose(const std::string& name, int32_t x, const Shape& perm, Shape out_shape) {
    const int32_t out = tensor(name, std::move(out_shape));
    b_.add_op(BuiltinOp::Transpose, {x, ints(name + "/perm", perm)}, {out});
    return out;
  }

  // nn.Linear on [1,L,in] → [1,L,out]: FULLY_CONNECTED with the weights
  // [out,in] as stored, keep_num_dims so the sequence axis survives.
  int32_t linear(const std::string& name, const std::string& key, int32_t x, int L, int in, int out_dim) {
    const int32_t wt = weight(name + "/weight", key + ".weight", {out_dim, in});
    const int32_t bias = weight(name + "/bias", key + ".bias", {out_dim});
    const int32_t out = tensor(name, {1, L, out_dim});
    b_.add_op(BuiltinOp::FullyConnected, {x, wt, bias}, {out}, opt::FullyConnected{.keep_num_dims = true});
    return out;
  }

  // nn.LayerNorm over the last axis, as TF lowers Keras' LayerNormalization.
  int32_t layer_norm(const std::string& name, const std::string& key, int32_t x, int L) {
    const int D = w_.config.d_model;
    const int32_t axis = ints(name + "/axis", {-1});
    const int32_t mean = tensor(name + "/mean", {1, L, 1});
    b_.add_op(BuiltinOp::Mean, {x, axis}, {mean}, opt::Reducer{.keep_dims = true});
    const int32_t sq = binary(BuiltinOp::SquaredDifference, name + "/squared_difference", x, mean, {1, L, D});
    const int32_t var = tensor(name + "/variance", {1, L, 1});
    b_.add_op(BuiltinOp::Mean, {sq, axis}, {var}, opt::Reducer{.keep_dims = true});
    const int32_t var_eps =
        binary(BuiltinOp::Add, name + "/variance_eps", var, scalar(name + "/eps", w_.config.layer_norm_eps), {1, L, 1});
    const int32_t rstd = unary(BuiltinOp::Rsqrt, name + "/rsqrt", var_eps, {1, L, 1});
    const int32_t centered = binary(BuiltinOp::Sub, name + "/centered", x, mean, {1, L, D});
    const int32_t normed = binary(BuiltinOp::Mul, name + "/normalized", centered, rstd, {1, L, D});
    const int32_t scaled = binary(BuiltinOp::Mul, name + "/scaled", normed, weight(name + "/gamma", key + ".weight", {D}), {1, L, D});
    return binary(BuiltinOp::Add, name + "/out", scaled, weight(name + "/beta", key + ".bias", {D}), {1, L, D});
  }

  int32_t activation(const std::string& name, int32_t x, int L, int F) {
    switch (w_.config.activation) {
      case MarianActivation::Swish: {
        const int32_t sig = unary(BuiltinOp::Logistic, name + "/sigmoid", x, {1, L, F});
        return binary(BuiltinOp::Mul, name, x, sig, {1, L, F});
      }
      case MarianActivation::Gelu: {
        const int32_t out = tensor(name, {1, L, F});
        b_.add_op(BuiltinOp::Gelu, {x}, {out}, opt::Gelu{.approximate = false});
        return out;
      }
      case MarianActivation::Relu:
        return unary(BuiltinOp::Relu, name, x, {1, L, F});
    }
    fail("unreachable activation");
  }

  // [1,L,D] → heads [1,H,L,hd].
  int32_t split_heads(const std::string& name, int32_t x, int L, int H) {
    const int hd = w_.config.d_model / H;
    const int32_t r = reshape(name + "/heads", x, {1, L, H, hd});
    return transpose(name + "/heads_t", r, {0, 2, 1, 3}, {1, H, L, hd});
  }

  // HF's MarianAttention: x [1,T,D] queries, kv [1,S,D] keys/values,
  // mask additive, broadcastable to [1,H,T,S].
  int32_t attention(const std::string& name, const std::string& key, int32_t x, int T, int32_t kv, int S, int H,
                    int32_t mask) {
    const int D = w_.config.d_model, hd = D / H;
    int32_t q = linear(name + "/q_proj", key + ".q_proj", x, T, D, D);
    q = binary(BuiltinOp::Mul, name + "/q_scaled", q, scalar(name + "/scaling", std::pow(float(hd), -0.5f)), {1, T, D});
    const int32_t qh = split_heads(name + "/q", q, T, H);
    const int32_t kh = split_heads(name + "/k", linear(name + "/k_proj", key + ".k_proj", kv, S, D, D), S, H);
    const int32_t vh = split_heads(name + "/v", linear(name + "/v_proj", key + ".v_proj", kv, S, D, D), S, H);
    const int32_t scores = tensor(name + "/scores", {1, H, T, S});
    b_.add_op(BuiltinOp::BatchMatmul, {qh, kh}, {scores}, opt::BatchMatMul{.adj_y = true});
    const int32_t masked = binary(BuiltinOp::Add, name + "/scores_masked", scores, mask, {1, H, T, S});
    const int32_t probs = tensor(name + "/probs", {1, H, T, S});
    b_.add_op(BuiltinOp::Softmax, {masked}, {probs}, opt::Softmax{.beta = 1.f});
    const int32_t ctx = tensor(name + "/context", {1, H, T, hd});
    b_.add_op(BuiltinOp::BatchMatmul, {probs, vh}, {ctx}, opt::BatchMatMul{});
    const int32_t ctx_t = transpose(name + "/context_t", ctx, {0, 2, 1, 3}, {1, T, H, hd});
    const int32_t merged = reshape(name + "/context_merged", ctx_t, {1, T, D});
    return linear(name + "/out_proj", key + ".out_proj", merged, T, D, D);
  }

  int32_t ffn(const std::string& name, const std::string& key, int32_t x, int L, int F) {
    const int D = w_.config.d_model;
    const int32_t h = linear(name + "/fc1", key + ".fc1", x, L, D, F);
    const int32_t a = activation(name + "/activation", h, L, F);
    return linear(name + "/fc2", key + ".fc2", a, L, F, D);
  }

  // [1,L] int32 1/0 mask → additive [1,1,1,L]: (1 − m) · mask value.
  int32_t additive_mask(const std::string& name, int32_t mask_i32, int L) {
    const int32_t m = tensor(name + "/float", {1, L});
    b_.add_op(BuiltinOp::Cast, {mask_i32}, {m}, opt::Cast{.in_type = DType::Int32, .out_type = DType::Float32});
    const int32_t inv = binary(BuiltinOp::Sub, name + "/inverted", scalar(name + "/one", 1.f), m, {1, L});
    const int32_t add = binary(BuiltinOp::Mul, name + "/additive", inv, scalar(name + "/mask_value", kMaskValue), {1, L});
    return reshape(name + "/additive_4d", add, {1, 1, 1, L});
  }
  int32_t broadcast_to(const std::string& name, int32_t x, const Shape& shape) {
    const int32_t out = tensor(name, shape);
    // Version 1 of BROADCAST_TO was a custom op; LiteRT resolves the builtin from 2.
    b_.add_op(BuiltinOp::BroadcastTo, {x, ints(name + "/shape", shape)}, {out}).code.version = 2;
    return out;
  }

  // Embedding lookup, scaled, plus the static positions of the first L slots.
  int32_t embed(const std::string& name, int32_t table, int32_t ids, const std::string& pos_key, int L) {
    const MarianConfig& c = w_.config;
    const int D = c.d_model;
    const int32_t e = tensor(name + "/embed_tokens", {1, L, D});
    b_.add_op(BuiltinOp::Gather, {table, ids}, {e}, opt::Gather{.axis = 0});
    int32_t h = e;
    if (c.scale_embedding)
      h = binary(BuiltinOp::Mul, name + "/embed_scaled", e, scalar(name + "/embed_scale", std::sqrt(float(D))), {1, L, D});
    const int32_t pos = b_.add_constant<float>(name + "/embed_positions", {1, L, D}, positions(pos_key, L));
    return binary(BuiltinOp::Add, name + "/embedded", h, pos, {1, L, D});
  }

  int32_t embedding_table(const std::string& name) {
    const MarianConfig& c = w_.config;
    return weight(name, w_.embedding_key, {c.vocab_size, c.d_model});
  }
  // A second tensor over the same bytes (the tied lm_head), so each use keeps
  // its own name for the quantizer.
  int32_t alias(const std::string& name, int32_t of) {
    const Tensor src = b_.graph().tensors[of];
    const int32_t t = b_.add_tensor(name, src.dtype, src.shape);
    b_.graph().tensors[t].buffer = src.buffer;
    return t;
  }

 private:
  // The first L rows of the sinusoidal table: from the checkpoint when it
  // stores it (HF does), otherwise computed as HF's _init_weight does.
  std::vector<float> positions(const std::string& key, int L) {
    const MarianConfig& c = w_.config;
    const int D = c.d_model;
    if (L > c.max_position_embeddings)
      fail("sequence length {} exceeds max_position_embeddings {} of config.json", L, c.max_position_embeddings);
    std::vector<float> out(size_t(L) * D);
    if (w_.file.contains(key)) {
      const std::vector<float> all = w_.read(key, {c.max_position_embeddings, D});
      std::copy(all.begin(), all.begin() + out.size(), out.begin());
      return out;
    }
    const int half = (D + 1) / 2;
    for (int p = 0; p < L; ++p)
      for (int j = 0; j < D; ++j) {
        const double angle = p / std::pow(10000.0, 2.0 * (j / 2) / D);
        // sin of the even columns in the first half, cos of the odd ones after.
        if (j % 2 == 0) out[size_t(p) * D + j / 2] = float(std::sin(angle));
        else out[size_t(p) * D + half + j / 2] = float(std::cos(angle));
      }
    return out;
  }

  GraphBuilder b_;
  const MarianWeights& w_;
};

void add_signature(Model& m, const std::vector<std::string>& inputs, const std::string& output) {
  Signature s;
  s.key = "serving_default";
  const Graph& g = m.main();
  for (size_t i = 0; i < inputs.size(); ++i) s.inputs.push_back({inputs[i], g.inputs[i]});
  s.outputs.push_back({output, g.outputs[0]});
  m.signatures.push_back(std::move(s));
}

}  // namespace

Model lower_marian_encoder(const MarianWeights& w, int S) {
  const MarianConfig& c = w.config;
  const int D = c.d_model, H = c.encoder_heads;
  Model model;
  model.description = "octet import-marian: encoder";
  Lowering L(model, w);
  GraphBuilder& b = L.builder();
  b.graph().name = "encoder";
  const int32_t ids = b.add_input("input_ids", DType::Int32, {1, S});
  const int32_t mask_in = b.add_input("attention_mask", DType::Int32, {1, S});

  const int32_t table = L.embedding_table("encoder/embed_tokens/weight");
  int32_t h = L.embed("encoder", table, ids, "model.encoder.embed_positions.weight", S);
  const int32_t mask1 = L.additive_mask("encoder/attention_mask", mask_in, S);
  const int32_t mask = L.broadcast_to("encoder/attention_mask/expanded", mask1, {1, 1, S, S});

  for (int l = 0; l < c.encoder_layers; ++l) {
    const std::string name = fmt::format("encoder/layers.{}", l), key = fmt::format("model.encoder.layers.{}", l);
    const int32_t a = L.attention(name + "/self_attn", key + ".self_attn", h, S, h, S, H, mask);
    h = L.binary(BuiltinOp::Add, name + "/self_attn/residual", h, a, {1, S, D});
    h = L.layer_norm(name + "/self_attn_layer_norm", key + ".self_attn_layer_norm", h, S);
    const int32_t f = L.ffn(name, key, h, S, c.encoder_ffn_dim);
    h = L.binary(BuiltinOp::Add, name + "/ffn/residual", h, f, {1, S, D});
    h = L.layer_norm(name + "/final_layer_norm", key + ".final_layer_norm", h, S);
  }
  // The graph output gets its contract name.
  b.graph().tensors[h].name = "encoder_hidden_states";
  b.mark_output(h);
  add_signature(model, {"input_ids", "attention_mask"}, "encoder_hidden_states");
  return model;
}

Model lower_marian_decoder_step(const MarianWeights& w, int S, int T) {
  const MarianConfig& c = w.config;
  const int D = c.d_model, H = c.decoder_heads;
  Model model;
  model.description = "octet import-marian: decoder step";
  Lowering L(model, w);
  GraphBuilder& b = L.builder();
  b.graph().name = "decoder_step";
  const int32_t ids = b.add_input("decoder_input_ids", DType::Int32, {1, T});
  const int32_t dmask_in = b.add_input("decoder_attention_mask", DType::Int32, {1, T});
  const int32_t enc = b.add_input("encoder_hidden_states", DType::Float32, {1, S, D});
  const int32_t emask_in = b.add_input("encoder_attention_mask", DType::Int32, {1, S});
  const int32_t step = b.add_input("step", DType::Int32, {1});

  const int32_t table = L.embedding_table("decoder/embed_tokens/weight");
  int32_t h = L.embed("decoder", table, ids, "model.decoder.embed_positions.weight", T);

  // Self-attention mask: HF's causal table (the mask value above the diagonal)
  // combined with the padding mask. MINIMUM gives what HF's sum-then-clamp
  // gives (one mask value, never twice it).
  std::vector<float> causal(size_t(T) * T, 0.f);
  for (int i = 0; i < T; ++i)
    for (int j = i + 1; j < T; ++j) causal[size_t(i) * T + j] = kMaskValue;
  const int32_t causal_t = b.add_constant<float>("decoder/causal_mask", {1, 1, T, T}, causal);
  const int32_t dpad = L.additive_mask("decoder/attention_mask", dmask_in, T);
  const int32_t dpad_x = L.broadcast_to("decoder/attention_mask/expanded", dpad, {1, 1, T, T});
  const int32_t combined = L.binary(BuiltinOp::Minimum, "decoder/self_attn_mask", causal_t, dpad_x, {1, 1, T, T});
  const int32_t self_mask = L.tensor("decoder/self_attn_mask/tiled", {1, H, T, T});
  b.add_op(BuiltinOp::Tile, {combined, L.ints("decoder/self_attn_mask/multiples", {1, H, 1, 1})}, {self_mask});

  const int32_t emask1 = L.additive_mask("decoder/encoder_attention_mask", emask_in, S);
  const int32_t cross_mask = L.broadcast_to("decoder/encoder_attention_mask/expanded", emask1, {1, 1, T, S});

  for (int l = 0; l < c.decoder_layers; ++l) {
    const std::string name = fmt::format("decoder/layers.{}", l), key = fmt::format("model.decoder.layers.{}", l);
    const int32_t a = L.attention(name + "/self_attn", key + ".self_attn", h, T, h, T, H, self_mask);
    h = L.binary(BuiltinOp::Add, name + "/self_attn/residual", h, a, {1, T, D});
    h = L.layer_norm(name + "/self_attn_layer_norm", key + ".self_attn_layer_norm", h, T);
    const int32_t x = L.attention(name + "/encoder_attn", key + ".encoder_attn", h, T, enc, S, H, cross_mask);
    h = L.binary(BuiltinOp::Add, name + "/encoder_attn/residual", h, x, {1, T, D});
    h = L.layer_norm(name + "/encoder_attn_layer_norm", key + ".encoder_attn_layer_norm", h, T);
    const int32_t f = L.ffn(name, key, h, T, c.decoder_ffn_dim);
    h = L.binary(BuiltinOp::Add, name + "/ffn/residual", h, f, {1, T, D});
    h = L.layer_norm(name + "/final_layer_norm", key + ".final_layer_norm", h, T);
  }

  // Only row `step` reaches the vocabulary projection: [1,1,D] → FC → [1,V].
  const int32_t row = L.tensor("decoder/last_hidden_state/step_row", {1, 1, D});
  b.add_op(BuiltinOp::Gather, {h, step}, {row}, opt::Gather{.axis = 1});
  const int32_t lm_w = L.alias("lm_head/weight", table);
  const std::vector<float> bias = w.read("final_logits_bias", {1, c.vocab_size});
  const int32_t lm_b = b.add_constant<float>("final_logits_bias", {c.vocab_size}, bias);
  const int32_t logits = L.tensor("logits", {1, c.vocab_size});
  b.add_op(BuiltinOp::FullyConnected, {row, lm_w, lm_b}, {logits}, opt::FullyConnected{});
  b.mark_output(logits);
  add_signature(model, {"decoder_input_ids", "decoder_attention_mask", "encoder_hidden_states",
                        "encoder_attention_mask", "step"},
                "logits");
  return model;
}

}  // namespace octet::seq2seq
