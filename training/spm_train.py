#!/usr/bin/python3
"""Train one joint SentencePiece unigram model on the training split (both sides).

Ids follow OPUS-MT's vocab.json convention: </s>=0, <unk>=1, pieces 2..N-1; <pad>=N is
appended by export (vocab_size = N+1). source.spm and target.spm are the same model.
usage: spm_train.py DATA OUTDIR [pieces]
"""
import os, sys
import sentencepiece as spm
if hasattr(spm, 'set_random_generator_seed'):
    spm.set_random_generator_seed(1234)
data, out = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 7999
os.makedirs(out, exist_ok=True)
spm.SentencePieceTrainer.train(
    input=[os.path.join(data, 'train.en'), os.path.join(data, 'train.de')],
    model_prefix=os.path.join(out, 'joint'), model_type='unigram', vocab_size=n,
    character_coverage=0.9999, eos_id=0, unk_id=1, bos_id=-1, pad_id=-1,
    input_sentence_size=1000000, shuffle_input_sentence=True, seed_sentencepiece_size=1000000,
    num_threads=2, max_sentence_length=4096)
