"""A MarianMTModel in plain PyTorch with Hugging Face's module and tensor names.

Same computation as transformers' modeling_marian.py for the OPUS-MT configuration:
post-LayerNorm blocks, static sinusoidal positions (sin in the first half, cos in the
second half), embeddings scaled by sqrt(d_model), one embedding matrix shared by encoder,
decoder and the output projection, final_logits_bias, swish, additive masks with the
dtype's minimum. No transformers package is needed (or available) here.
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ACT = {'swish': F.silu, 'silu': F.silu, 'gelu': F.gelu, 'relu': F.relu}


def default_config(vocab_size, pad_id, eos_id=0):
    return {
        'activation_dropout': 0.0,
        'activation_function': 'swish',
        'add_bias_logits': False,
        'add_final_layer_norm': False,
        'architectures': ['MarianMTModel'],
        'attention_dropout': 0.0,
        'bad_words_ids': [[pad_id]],
        'bos_token_id': 0,
        'classif_dropout': 0.0,
        'classifier_dropout': 0.0,
        'd_model': 256,
        'decoder_attention_heads': 4,
        'decoder_ffn_dim': 1024,
        'decoder_layerdrop': 0.0,
        'decoder_layers': 3,
        'decoder_start_token_id': pad_id,
        'decoder_vocab_size': vocab_size,
        'dropout': 0.1,
        'encoder_attention_heads': 4,
        'encoder_ffn_dim': 1024,
        'encoder_layerdrop': 0.0,
        'encoder_layers': 3,
        'eos_token_id': eos_id,
        'forced_eos_token_id': eos_id,
        'init_std': 0.02,
        'is_encoder_decoder': True,
        'max_length': 512,
        'max_position_embeddings': 512,
        'model_type': 'marian',
        'normalize_before': False,
        'normalize_embedding': False,
        'num_beams': 4,
        'num_hidden_layers': 3,
        'pad_token_id': pad_id,
        'scale_embedding': True,
        'share_encoder_decoder_embeddings': True,
        'static_position_embeddings': True,
        'torch_dtype': 'float32',
        'use_cache': True,
        'vocab_size': vocab_size,
    }


def sinusoidal_table(n_pos, dim):
    """transformers' MarianSinusoidalPositionalEmbedding._init_weight."""
    position_enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.zeros(n_pos, dim)
    sentinel = dim // 2 if dim % 2 == 0 else (dim // 2) + 1
    out[:, 0:sentinel] = torch.FloatTensor(np.sin(position_enc[:, 0::2]))
    out[:, sentinel:] = torch.FloatTensor(np.cos(position_enc[:, 1::2]))
    return out


class SinusoidalPositionalEmbedding(nn.Embedding):
    def __init__(self, n_pos, dim):
        super().__init__(n_pos, dim)
        self.weight.requires_grad = False
        with torch.no_grad():
            self.weight.copy_(sinusoidal_table(n_pos, dim))

    def forward(self, seq_len, past=0):
        pos = torch.arange(past, past + seq_len, dtype=torch.long, device=self.weight.device)
        return super().forward(pos)


class Attention(nn.Module):
    def __init__(self, d, heads, dropout):
        super().__init__()
        self.h, self.hd = heads, d // heads
        self.scaling = self.hd ** -0.5
        self.dropout = dropout
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.q_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x, kv, mask):
        # x [B,T,D], kv [B,S,D], mask additive [B,1,T,S]
        B, T, D = x.shape
        S = kv.shape[1]
        q = (self.q_proj(x) * self.scaling).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(kv).view(B, S, self.h, self.hd).transpose(1, 2)
        v = self.v_proj(kv).view(B, S, self.h, self.hd).transpose(1, 2)
        w = torch.matmul(q, k.transpose(-1, -2))
        if mask is not None:
            w = w + mask
        w = F.softmax(w, dim=-1)
        w = F.dropout(w, p=self.dropout, training=self.training)
        o = torch.matmul(w, v).transpose(1, 2).reshape(B, T, D)
        return self.out_proj(o)


class EncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c['d_model']
        self.self_attn = Attention(d, c['encoder_attention_heads'], c['attention_dropout'])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, c['encoder_ffn_dim'])
        self.fc2 = nn.Linear(c['encoder_ffn_dim'], d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.act = ACT[c['activation_function']]
        self.dropout, self.act_dropout = c['dropout'], c['activation_dropout']

    def forward(self, h, mask):
        r = h
        h = F.dropout(self.self_attn(h, h, mask), self.dropout, self.training)
        h = self.self_attn_layer_norm(r + h)
        r = h
        h = F.dropout(self.act(self.fc1(h)), self.act_dropout, self.training)
        h = F.dropout(self.fc2(h), self.dropout, self.training)
        return self.final_layer_norm(r + h)


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c['d_model']
        self.self_attn = Attention(d, c['decoder_attention_heads'], c['attention_dropout'])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.encoder_attn = Attention(d, c['decoder_attention_heads'], c['attention_dropout'])
        self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, c['decoder_ffn_dim'])
        self.fc2 = nn.Linear(c['decoder_ffn_dim'], d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.act = ACT[c['activation_function']]
        self.dropout, self.act_dropout = c['dropout'], c['activation_dropout']

    def forward(self, h, self_mask, enc, enc_mask):
        r = h
        h = F.dropout(self.self_attn(h, h, self_mask), self.dropout, self.training)
        h = self.self_attn_layer_norm(r + h)
        r = h
        h = F.dropout(self.encoder_attn(h, enc, enc_mask), self.dropout, self.training)
        h = self.encoder_attn_layer_norm(r + h)
        r = h
        h = F.dropout(self.act(self.fc1(h)), self.act_dropout, self.training)
        h = F.dropout(self.fc2(h), self.dropout, self.training)
        return self.final_layer_norm(r + h)


class Encoder(nn.Module):
    def __init__(self, c, shared):
        super().__init__()
        self.embed_tokens = shared
        self.embed_scale = math.sqrt(c['d_model']) if c['scale_embedding'] else 1.0
        self.embed_positions = SinusoidalPositionalEmbedding(c['max_position_embeddings'], c['d_model'])
        self.layers = nn.ModuleList([EncoderLayer(c) for _ in range(c['encoder_layers'])])
        self.dropout = c['dropout']

    def forward(self, ids, attention_mask):
        h = self.embed_tokens(ids) * self.embed_scale + self.embed_positions(ids.shape[1])
        h = F.dropout(h, self.dropout, self.training)
        mask = expand_mask(attention_mask, h.dtype, ids.shape[1])
        for layer in self.layers:
            h = layer(h, mask)
        return h


class Decoder(nn.Module):
    def __init__(self, c, shared):
        super().__init__()
        self.embed_tokens = shared
        self.embed_scale = math.sqrt(c['d_model']) if c['scale_embedding'] else 1.0
        self.embed_positions = SinusoidalPositionalEmbedding(c['max_position_embeddings'], c['d_model'])
        self.layers = nn.ModuleList([DecoderLayer(c) for _ in range(c['decoder_layers'])])
        self.dropout = c['dropout']

    def forward(self, ids, enc, enc_attention_mask, dec_attention_mask=None):
        B, T = ids.shape
        h = self.embed_tokens(ids) * self.embed_scale + self.embed_positions(T)
        h = F.dropout(h, self.dropout, self.training)
        minv = torch.finfo(h.dtype).min
        causal = torch.full((T, T), minv, dtype=h.dtype, device=h.device).triu(1)[None, None]
        if dec_attention_mask is not None:
            causal = causal + expand_mask(dec_attention_mask, h.dtype, T)
            causal = causal.clamp(min=minv)
        enc_mask = expand_mask(enc_attention_mask, h.dtype, T)
        for layer in self.layers:
            h = layer(h, causal, enc, enc_mask)
        return h


def expand_mask(mask, dtype, tgt_len):
    """[B,S] of 1/0 -> additive [B,1,T,S] with 0 / dtype min (transformers' _expand_mask)."""
    B, S = mask.shape
    m = mask[:, None, None, :].expand(B, 1, tgt_len, S).to(dtype)
    return (1.0 - m).masked_fill((1.0 - m).bool(), torch.finfo(dtype).min)


class MarianModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.shared = nn.Embedding(c['vocab_size'], c['d_model'], padding_idx=c['pad_token_id'])
        self.encoder = Encoder(c, self.shared)
        self.decoder = Decoder(c, self.shared)


class MarianMTModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.model = MarianModel(c)
        self.register_buffer('final_logits_bias', torch.zeros(1, c['vocab_size']))
        self.lm_head = nn.Linear(c['d_model'], c['vocab_size'], bias=False)
        self.lm_head.weight = self.model.shared.weight  # tied
        self._init(c['init_std'])

    def _init(self, std):
        for m in self.modules():
            if isinstance(m, nn.Linear):
                m.weight.data.normal_(0.0, std)
                if m.bias is not None:
                    m.bias.data.zero_()
        self.model.shared.weight.data.normal_(0.0, std)
        self.model.shared.weight.data[self.config['pad_token_id']].zero_()

    def encode(self, ids, mask):
        return self.model.encoder(ids, mask)

    def decode_logits(self, dec_ids, enc, enc_mask, dec_mask=None):
        h = self.model.decoder(dec_ids, enc, enc_mask, dec_mask)
        return self.lm_head(h) + self.final_logits_bias

    def forward(self, ids, mask, dec_ids):
        return self.decode_logits(dec_ids, self.encode(ids, mask), mask)


# ---------------------------------------------------------------- saving and loading

def hf_state_dict(model):
    """The tensors HF writes to model.safetensors for MarianMTModel: tied aliases
    (model.encoder.embed_tokens.weight, model.decoder.embed_tokens.weight, lm_head.weight)
    are dropped, model.shared.weight stays, as safetensors' shared-tensor handling does."""
    sd = model.state_dict()
    out = {}
    for k, v in sd.items():
        if k in ('model.encoder.embed_tokens.weight', 'model.decoder.embed_tokens.weight', 'lm_head.weight'):
            continue
        out[k] = v.detach().cpu().contiguous()
    return out


_DT = {torch.float32: ('F32', np.float32), torch.float16: ('F16', np.float16),
       torch.int64: ('I64', np.int64), torch.int32: ('I32', np.int32)}
_DT_BACK = {'F32': np.float32, 'F16': np.float16, 'I64': np.int64, 'I32': np.int32, 'BF16': None}


def save_safetensors(path, tensors, metadata=None):
    """safetensors: u64 little-endian header size, JSON header, raw little-endian data."""
    header = {}
    blobs = []
    off = 0
    for name in sorted(tensors):
        t = tensors[name]
        code, npdt = _DT[t.dtype]
        b = t.numpy().astype(np.dtype(npdt).newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': code, 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if metadata:
        header['__metadata__'] = metadata
    hb = json.dumps(header, separators=(',', ':')).encode('utf-8')
    hb += b' ' * ((8 - len(hb) % 8) % 8)  # align data to 8 bytes, as the reference writer does
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


def load_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        a, b = info['data_offsets']
        raw = data[base + a: base + b]
        if info['dtype'] == 'BF16':
            u = np.frombuffer(raw, dtype='<u2').astype(np.uint32) << 16
            arr = u.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=np.dtype(_DT_BACK[info['dtype']]).newbyteorder('<'))
        out[name] = torch.from_numpy(arr.copy().reshape(info['shape']))
    return out


def load_folder(folder):
    """Load a saved OPUS-MT-style folder into float32 PyTorch."""
    import os
    c = json.load(open(os.path.join(folder, 'config.json')))
    m = MarianMTModel(c)
    sd = load_safetensors(os.path.join(folder, 'model.safetensors'))
    sd = {k: v.float() if v.is_floating_point() else v for k, v in sd.items()}
    missing, unexpected = m.load_state_dict(sd, strict=False)
    allowed_missing = {'model.encoder.embed_tokens.weight', 'model.decoder.embed_tokens.weight', 'lm_head.weight'}
    assert set(missing) <= allowed_missing, missing
    assert not unexpected, unexpected
    m.eval()
    return m, c
