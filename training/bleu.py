"""Corpus BLEU as sacreBLEU computes it by default: tokenizer 13a, exp smoothing,
max n-gram order 4, effective order off, brevity penalty over the corpus.
(Debian has no sacrebleu package; this follows sacrebleu 2.x's BLEU and
Tokenizer13a/TokenizerRegexp.)"""
import math
import re
from collections import Counter

_REGEXES = (
    (re.compile(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])'), r' \1 '),  # tokenize punctuation
    (re.compile(r'([^0-9])([\.,])'), r'\1 \2 '),                 # period/comma unless preceded by digit
    (re.compile(r'([\.,])([^0-9])'), r' \1 \2'),                 # period/comma unless followed by digit
    (re.compile(r'(\d)(-)'), r'\1 \2 '),                      # dash preceded by digit
)


def tokenize_13a(line):
    line = line.replace('<skipped>', '')
    line = line.replace('-\n', '')
    line = line.replace('\n', ' ')
    if '&' in line:
        line = line.replace('&quot;', '"').replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>')
    line = ' {} '.format(line)
    for r, s in _REGEXES:
        line = r.sub(s, line)
    return ' '.join(line.split())


def _ngrams(words, n_max=4):
    c = Counter()
    for n in range(1, n_max + 1):
        for i in range(len(words) - n + 1):
            c[tuple(words[i:i + n])] += 1
    return c


def corpus_bleu(hyps, refs_list, max_order=4):
    """hyps: list of str; refs_list: list of reference streams (each a list of str)."""
    correct = [0] * max_order
    total = [0] * max_order
    sys_len = ref_len = 0
    for i, h in enumerate(hyps):
        hw = tokenize_13a(h.strip()).split()
        refs = [tokenize_13a(r[i].strip()).split() for r in refs_list]
        sys_len += len(hw)
        # closest reference length (ties -> shorter), as sacrebleu
        best = None
        for r in refs:
            d = abs(len(r) - len(hw))
            if best is None or d < best[0] or (d == best[0] and len(r) < best[1]):
                best = (d, len(r))
        ref_len += best[1]
        ref_counts = Counter()
        for r in refs:
            for k, v in _ngrams(r, max_order).items():
                ref_counts[k] = max(ref_counts[k], v)
        hc = _ngrams(hw, max_order)
        for k, v in hc.items():
            n = len(k)
            correct[n - 1] += min(v, ref_counts.get(k, 0))
        for n in range(1, max_order + 1):
            total[n - 1] += max(0, len(hw) - n + 1)
    # exp smoothing (sacrebleu 'exp'): for zero matches, precision = 100 / (2^k * total), k increments
    precisions = [0.0] * max_order
    smooth_mteval = 1.0
    for n in range(max_order):
        if total[n] == 0:
            break
        if correct[n] == 0:
            smooth_mteval *= 2
            precisions[n] = 100.0 / (smooth_mteval * total[n])
        else:
            precisions[n] = 100.0 * correct[n] / total[n]
    if sys_len == 0:
        bp = 0.0
    elif sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len)
    else:
        bp = 1.0
    if min(precisions) <= 0:
        score = 0.0
    else:
        score = bp * math.exp(sum(math.log(p) for p in precisions) / max_order)
    return {'score': score, 'precisions': precisions, 'bp': bp, 'sys_len': sys_len, 'ref_len': ref_len,
            'counts': correct, 'totals': total}
