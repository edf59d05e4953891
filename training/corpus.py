#!/usr/bin/python3
"""Build the English->German corpus from Debian gettext catalogs.

Reads every German .mo file unpacked under CACHE/x/<package>/ (see fetch_catalogs.sh),
cleans the pairs and writes OUT/{train,dev,test}.{en,de} with no string (source or target)
shared between splits.

usage: corpus.py CACHE OUT
"""
import glob
import hashlib
import json
import os
import random
import re
import struct
import sys
import unicodedata

SEED = 1234
MAX_WORDS = 64          # whitespace tokens per side, before SentencePiece
MAX_CHARS = 400
N_TEST = 1500
N_DEV = 1000


def read_mo(path):
    """Yield (msgctxt, msgid, msgstr) from a GNU .mo file (both byte orders)."""
    data = open(path, 'rb').read()
    if len(data) < 28:
        return
    magic = struct.unpack('<I', data[:4])[0]
    if magic == 0x950412de:
        e = '<'
    elif magic == 0xde120495:
        e = '>'
    else:
        return
    _rev, n, o_orig, o_trans = struct.unpack(e + '4I', data[4:20])
    charset = 'utf-8'
    entries = []
    for i in range(n):
        ol, oo = struct.unpack(e + '2I', data[o_orig + 8 * i:o_orig + 8 * i + 8])
        tl, to = struct.unpack(e + '2I', data[o_trans + 8 * i:o_trans + 8 * i + 8])
        entries.append((data[oo:oo + ol], data[to:to + tl]))
    for k, v in entries:
        if k == b'':
            m = re.search(rb'charset=([-\w]+)', v)
            if m:
                charset = m.group(1).decode('ascii')
    for k, v in entries:
        if k == b'':
            continue
        try:
            ks = k.decode(charset)
            vs = v.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
        ctxt = None
        if '\x04' in ks:
            ctxt, ks = ks.split('\x04', 1)
        # plurals: msgid\0msgid_plural and msgstr[0]\0msgstr[1]...: keep the singular pair
        ks = ks.split('\x00')[0]
        vs = vs.split('\x00')[0]
        yield ctxt, ks, vs


ACCEL_RE = re.compile(r'(?<![\w&_~])[_&~](?=\w)')
FMT_RE = re.compile(r'%(\d+\$)?[-+ #0]*(\d+|\*)?(\.(\d+|\*))?(hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcsSpn%@]'
                    r'|%\d+|\$\{?\w+\}?|\{\w*(:[^}]*)?\}|%\(\w+\)[sdif]|<[^>]+>|&\w+;')
WORD_RE = re.compile(r'[^\W\d_]{2,}')
URL_RE = re.compile(r'https?://|www\.|\w+@\w+\.\w+|/usr/|/etc/|\.(c|h|cc|py|so|xml|html)\b')


def clean_side(s):
    s = unicodedata.normalize('NFC', s)
    s = s.replace('\r', ' ').replace('\n', ' ').replace('\t', ' ')
    s = s.replace('\u00a0', ' ').replace('\u200b', '')
    # accelerators: _File, &File, ~File (LibreOffice), and "(_F)" style suffixes
    s = re.sub(r'\s*\((?:_|&)\w\)', '', s)
    s = ACCEL_RE.sub('', s)
    s = re.sub(r' {2,}', ' ', s).strip()
    return s


def keep(en, de):
    if not en or not de or en == de:
        return False
    for s in (en, de):
        if len(s) > MAX_CHARS or len(s.split()) > MAX_WORDS:
            return False
        if any(unicodedata.category(c) in ('Cc', 'Co', 'Cs') for c in s):
            return False
    # placeholder-only or markup-heavy entries
    stripped = FMT_RE.sub(' ', en)
    words = WORD_RE.findall(stripped)
    if not words:
        return False
    n_markup = len(re.findall(r'<[^>]+>|&\w+;', en))
    if n_markup > 2 or ('<' in en and n_markup * 8 > len(en.split())):
        return False
    if URL_RE.search(en) and len(words) < 4:
        return False
    # identifiers / code: snake_case, CamelCase tokens, option lists
    if re.fullmatch(r'[\w.\-:/=]+', en) and ('_' in en or re.search(r'[a-z][A-Z]', en) or '.' in en):
        return False
    if en.startswith('-') or en.startswith('--'):
        return False
    # non-Latin target (mis-filed catalogs) or untranslated-looking target
    letters = [c for c in de if c.isalpha()]
    if letters and sum(1 for c in letters if ord(c) < 0x250) < 0.9 * len(letters):
        return False
    # wildly different lengths usually mean a wrong or partial translation
    le, ld = len(en), len(de)
    if min(le, ld) >= 10 and max(le, ld) > 3 * min(le, ld):
        return False
    # placeholders must agree
    if sorted(re.findall(r'%\d*\$?[sdlu]|\{\w+\}', en)) != sorted(re.findall(r'%\d*\$?[sdlu]|\{\w+\}', de)):
        # reordered %1$s etc. still match as multisets; a mismatch is a translation defect
        return False
    return True


def main():
    cache, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    pkg_counts = {}
    pairs = {}
    raw = 0
    for pkgdir in sorted(glob.glob(os.path.join(cache, 'x', '*'))):
        pkg = os.path.basename(pkgdir)
        mos = sorted(glob.glob(os.path.join(pkgdir, '**', '*.mo'), recursive=True))
        kept = 0
        for mo in mos:
            for _ctxt, en, de in read_mo(mo):
                raw += 1
                en, de = clean_side(en), clean_side(de)
                if not keep(en, de):
                    continue
                key = (en, de)
                if key not in pairs:
                    pairs[key] = 0
                    kept += 1
                pairs[key] += 1
        pkg_counts[pkg] = kept
    # one translation per source string keeps targets consistent: take the most common
    by_src = {}
    for (en, de), count in pairs.items():
        by_src.setdefault(en, []).append((-count, de))
    uniq = sorted((en, sorted(des)[0][1]) for en, des in by_src.items())
    print(f'raw entries {raw}, distinct cleaned pairs {len(pairs)}, distinct sources {len(uniq)}')

    # Split with no shared string: connected components over (source, target) strings
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for en, de in uniq:
        a, b = find(('en', en)), find(('de', de))
        if a != b:
            parent[a] = b
    comps = {}
    for en, de in uniq:
        comps.setdefault(find(('en', en)), []).append((en, de))
    groups = sorted(comps.values(), key=lambda g: g[0])
    rng = random.Random(SEED)
    rng.shuffle(groups)
    test, dev, train = [], [], []
    for g in groups:
        # held-out sets take only single-pair components of moderate length so they are
        # sentences/phrases, not one-word labels dominating the score
        if len(g) == 1 and 3 <= len(g[0][0].split()) <= 40:
            if len(test) < N_TEST:
                test += g
                continue
            if len(dev) < N_DEV:
                dev += g
                continue
        train += g
    rng.shuffle(train)
    # near-duplicates (same words up to case and punctuation, "Delete file" / "Delete file:")
    # are not exact-string shared, but they would leak: drop them from the held-out sets
    norm = lambda x: re.sub(r'[\W_]+', ' ', x.lower()).strip()  # noqa: E731
    seen_en = set(norm(e) for e, _ in train)
    seen_de = set(norm(d) for _, d in train)
    held = {}
    for name, data in (('test', test), ('dev', dev)):
        kept = [(e, d) for e, d in data if norm(e) not in seen_en and norm(d) not in seen_de]
        held[name] = len(data) - len(kept)
        seen_en.update(norm(e) for e, _ in kept)
        seen_de.update(norm(d) for _, d in kept)
        data[:] = kept
    print('held-out near-duplicates dropped:', held)
    for name, data in (('train', train), ('dev', dev), ('test', test)):
        with open(os.path.join(out, name + '.en'), 'w') as fe, open(os.path.join(out, name + '.de'), 'w') as fd:
            for en, de in data:
                fe.write(en + '\n')
                fd.write(de + '\n')
    # verify disjointness
    sets = {n: (set(e for e, _ in d), set(t for _, t in d)) for n, d in (('train', train), ('dev', dev), ('test', test))}
    for a in sets:
        for b in sets:
            if a < b:
                assert not (sets[a][0] & sets[b][0]) and not (sets[a][1] & sets[b][1]), (a, b)
    stats = {'raw_entries': raw, 'distinct_pairs': len(pairs), 'train': len(train), 'dev': len(dev),
             'test': len(test), 'near_duplicates_dropped': held, 'pairs_kept_per_package': pkg_counts}
    json.dump(stats, open(os.path.join(out, 'corpus_stats.json'), 'w'), indent=1, sort_keys=True)
    print(json.dumps({k: v for k, v in stats.items() if k != 'pairs_kept_per_package'}))


if __name__ == '__main__':
    main()
