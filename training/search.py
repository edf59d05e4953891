"""Greedy and beam search for marian.MarianMTModel, following Hugging Face generate()
for OPUS-MT configs: decoder start = pad, pad is never generated (bad_words_ids [[pad]]),
EOS forced at the last allowed position (forced_eos_token_id), beam search with
length_penalty 1.0 (finished score = sum log p / generated length, EOS counted, start token
not), early_stopping False (stop a sentence when it has num_beams finished hypotheses and
the best live beam, normalized by the current length, cannot beat the worst of them).

The decoder is re-run on the whole prefix each step (no cache): the uncached decoder-step
shape that octet also exports. Maximum output length: max_len(src) = min(256, 2*|src| + 10)
tokens including EOS, where |src| counts the source ids including its EOS.
"""
import torch
import torch.nn.functional as F


def max_len_for(src_len):
    return min(256, 2 * src_len + 10)


def _pad_batch(seqs, pad):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    return ids, (ids != pad).long()


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
        dec = torch.full((len(idx), 1), pad, dtype=torch.long)
        done = [False] * len(idx)
        res = [[] for _ in idx]
        for t in range(max(limits)):
            logits = model.decode_logits(dec, enc, mask)[:, -1, :].float()
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
            dec = torch.cat([dec, nxt[:, None]], 1)
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
        finished = [[] for _ in range(B)]   # (score, tokens)
        done = [False] * B
        for t in range(max(limits)):
            cur_gen = t + 1  # length of hypotheses produced at this step (EOS included)
            logits = model.decode_logits(dec, enc, mask)[:, -1, :].float()
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
            beam_scores = torch.tensor(new_scores)
        for j, i in enumerate(idx):
            out[i] = finished[j][0][1] if finished[j] else dec[j * k, 1:].tolist() + [eos]
    return out
