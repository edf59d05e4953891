"""Greedy and beam search for marian.MarianMTModel, following Hugging Face generate()
for OPUS-MT configs: decoder start = pad, pad is never generated (bad_words_ids [[pad]]),
EOS forced at the last allowed position (forced_eos_token_id), beam search with
length_penalty 1.0 (finished score = sum log p / generated length, EOS counted, start token
not), early_stopping False (stop a sentence when it has num_beams finished hypotheses and
the best live beam, normalized by the current length, cannot beat the worst of them).

The decoder runs one token a step with cached self-attention keys/values and cross-attention
keys/values computed once per sentence (the cached decoder-step shape); this is the same
arithmetic as re-running the whole prefix, only without recomputing it. `uncached_logits`
re-runs the prefix and is used to check the two agree. Maximum output length: max_len(src) = min(256, 2*|src| + 10)
tokens including EOS, where |src| counts the source ids including its EOS.
"""
import torch
import torch.nn.functional as F

import marian


def max_len_for(src_len):
    return min(256, 2 * src_len + 10)


def _pad_batch(seqs, pad):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    return ids, (ids != pad).long()


def _split(x, a):
    B, T, _ = x.shape
    return x.view(B, T, a.h, a.hd).transpose(1, 2)


def _attend(a, q, k, v, mask):
    w = torch.matmul(q, k.transpose(-1, -2))
    if mask is not None:
        w = w + mask
    o = torch.matmul(F.softmax(w, dim=-1), v)
    B, H, T, hd = o.shape
    return a.out_proj(o.transpose(1, 2).reshape(B, T, H * hd))


class Cache:
    """Per decoder layer: self-attention K/V so far, cross-attention K/V of the encoder output."""

    def __init__(self, model, enc, enc_mask):
        dec = model.model.decoder
        self.model = model
        self.enc_add = marian.expand_mask(enc_mask, enc.dtype, 1)  # [B,1,1,S]
        self.cross = [(_split(l.encoder_attn.k_proj(enc), l.encoder_attn), _split(l.encoder_attn.v_proj(enc), l.encoder_attn))
                      for l in dec.layers]
        self.self_kv = [None] * len(dec.layers)
        self.t = 0

    def reorder(self, idx):
        self.self_kv = [(k[idx], v[idx]) for k, v in self.self_kv]

    def step(self, tok):
        """tok [B] -> logits [B,V] for the next position."""
        m = self.model
        dec = m.model.decoder
        h = dec.embed_tokens(tok[:, None]) * dec.embed_scale + dec.embed_positions.weight[self.t][None, None]
        for i, l in enumerate(dec.layers):
            a = l.self_attn
            q = _split(a.q_proj(h) * a.scaling, a)
            k, v = _split(a.k_proj(h), a), _split(a.v_proj(h), a)
            if self.self_kv[i] is not None:
                k = torch.cat([self.self_kv[i][0], k], 2)
                v = torch.cat([self.self_kv[i][1], v], 2)
            self.self_kv[i] = (k, v)
            h = l.self_attn_layer_norm(h + _attend(a, q, k, v, None))
            c = l.encoder_attn
            q = _split(c.q_proj(h) * c.scaling, c)
            h = l.encoder_attn_layer_norm(h + _attend(c, q, self.cross[i][0], self.cross[i][1], self.enc_add))
            h = l.final_layer_norm(h + l.fc2(l.act(l.fc1(h))))
        self.t += 1
        return (m.lm_head(h[:, 0]) + m.final_logits_bias).float()


@torch.no_grad()
def uncached_logits(model, src_ids, prefix):
    """Logits after `prefix` (list of ids starting with pad) re-running the whole prefix."""
    ids = torch.tensor([src_ids])
    return model.decode_logits(torch.tensor([prefix]), model.encode(ids, torch.ones_like(ids)),
                               torch.ones_like(ids))[0, -1].float()


@torch.no_grad()
def greedy(model, srcs, pad, eos, batch_size=32):
    """srcs: list of id lists (ending in EOS). Returns generated ids (ending in EOS)."""
    model.eval()
    out = [None] * len(srcs)
    order = sorted(range(len(srcs)), key=lambda i: len(srcs[i]))
    for b0 in range(0, len(order), batch_size):
        idx = order[b0:b0 + batch_size]
        ids, mask = _pad_batch([srcs[i] for i in idx], pad)
        enc = model.encode(ids, mask)
        limits = [max_len_for(len(srcs[i])) for i in idx]
        cache = Cache(model, enc, mask)
        nxt = torch.full((len(idx),), pad, dtype=torch.long)
        done = [False] * len(idx)
        res = [[] for _ in idx]
        for t in range(max(limits)):
            logits = cache.step(nxt)
            logits[:, pad] = float('-inf')
            nxt = logits.argmax(-1)
            for j in range(len(idx)):
                if done[j]:
                    nxt[j] = pad
                    continue
                tok = int(nxt[j])
                if len(res[j]) + 1 >= limits[j]:
                    tok = eos
                    nxt[j] = eos
                res[j].append(tok)
                if tok == eos:
                    done[j] = True
            if all(done):
                break
        for j, i in enumerate(idx):
            out[i] = res[j]
    return out


@torch.no_grad()
def beam(model, srcs, pad, eos, num_beams=4, batch_size=16, length_penalty=1.0):
    model.eval()
    k = num_beams
    out = [None] * len(srcs)
    order = sorted(range(len(srcs)), key=lambda i: len(srcs[i]))
    for b0 in range(0, len(order), batch_size):
        idx = order[b0:b0 + batch_size]
        B = len(idx)
        ids, mask = _pad_batch([srcs[i] for i in idx], pad)
        enc = model.encode(ids, mask)
        enc = enc.repeat_interleave(k, 0)
        mask = mask.repeat_interleave(k, 0)
        limits = [max_len_for(len(srcs[i])) for i in idx]
        beam_scores = torch.zeros(B, k)
        beam_scores[:, 1:] = -1e9
        beam_scores = beam_scores.view(-1)
        dec = torch.full((B * k, 1), pad, dtype=torch.long)
        cache = Cache(model, enc, mask)
        finished = [[] for _ in range(B)]   # (score, tokens)
        done = [False] * B
        for t in range(max(limits)):
            cur_gen = t + 1  # length of hypotheses produced at this step (EOS included)
            logits = cache.step(dec[:, -1])
            logits[:, pad] = float('-inf')
            lp = F.log_softmax(logits, -1)
            V = lp.shape[-1]
            for j in range(B):
                if cur_gen >= limits[j]:  # forced EOS at the last position
                    row = lp[j * k:(j + 1) * k]
                    e = row[:, eos].clone()
                    row.fill_(float('-inf'))
                    row[:, eos] = e
            scores = (beam_scores[:, None] + lp).view(B, k * V)
            top_s, top_i = scores.topk(2 * k, dim=1)
            new_tokens, new_src, new_scores = [], [], []
            for j in range(B):
                if done[j]:
                    new_tokens += [pad] * k
                    new_src += [j * k] * k
                    new_scores += [0.0] * k
                    continue
                nb = []
                for rank in range(2 * k):
                    s = float(top_s[j, rank])
                    bi = int(top_i[j, rank]) // V
                    tok = int(top_i[j, rank]) % V
                    if tok == eos:
                        if rank >= k:
                            continue
                        hyp = dec[j * k + bi, 1:].tolist() + [eos]
                        finished[j].append((s / (len(hyp) ** length_penalty), hyp))
                        finished[j].sort(key=lambda x: -x[0])
                        del finished[j][k:]
                    else:
                        nb.append((s, bi, tok))
                    if len(nb) == k:
                        break
                best_live = max(x[0] for x in nb) if nb else float('-inf')
                if len(finished[j]) >= k and (finished[j][-1][0] >= best_live / (cur_gen ** length_penalty)):
                    done[j] = True
                if cur_gen >= limits[j]:
                    done[j] = True
                while len(nb) < k:
                    nb.append((-1e9, 0, pad))
                for s, bi, tok in nb:
                    new_tokens.append(tok)
                    new_src.append(j * k + bi)
                    new_scores.append(s)
            if all(done):
                break
            sel = torch.tensor(new_src)
            dec = torch.cat([dec[sel], torch.tensor(new_tokens)[:, None]], 1)
            cache.reorder(sel)
            beam_scores = torch.tensor(new_scores)
        for j, i in enumerate(idx):
            out[i] = finished[j][0][1] if finished[j] else dec[j * k, 1:].tolist() + [eos]
    return out
