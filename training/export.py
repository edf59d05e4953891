#!/usr/bin/python3
"""Write a trained checkpoint as an OPUS-MT-style folder (as Hugging Face ships Marian models).

usage: export.py CHECKPOINT.pt SPM_DIR OUT_FOLDER

Weights go to model.safetensors as float16, except the two static sinusoidal position tables
(float32, so they equal the formula exactly). Tied aliases (encoder/decoder embed_tokens,
lm_head) are not stored, as with HF's safetensors files: model.shared.weight is the one copy.
"""
import json
import os
import shutil
import sys

import sentencepiece as spm
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import marian  # noqa: E402

ckpt, spm_dir, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
ck = torch.load(ckpt, map_location='cpu')
cfg = dict(ck['config'])
model = marian.MarianMTModel(cfg)
model.load_state_dict(ck['model'])

F32_KEEP = {'model.encoder.embed_positions.weight', 'model.decoder.embed_positions.weight'}
tensors = {}
for k, v in marian.hf_state_dict(model).items():
    tensors[k] = v.float() if k in F32_KEEP else v.half()
cfg['torch_dtype'] = 'float16'
cfg['_name_or_path'] = 'opus-mt-en-de-octet'
st = ck['state']
marian.save_safetensors(os.path.join(out, 'model.safetensors'), tensors, metadata={'format': 'pt'})
with open(os.path.join(out, 'config.json'), 'w') as f:
    json.dump(cfg, f, indent=2, sort_keys=True)
    f.write('\n')

# tokenizer files
sp = spm.SentencePieceProcessor(model_file=os.path.join(spm_dir, 'joint.model'))
N = sp.get_piece_size()
assert cfg['vocab_size'] == N + 1 and cfg['pad_token_id'] == N
vocab = {sp.id_to_piece(i): i for i in range(N)}
assert vocab['</s>'] == 0 and vocab['<unk>'] == 1 and len(vocab) == N
vocab['<pad>'] = N
with open(os.path.join(out, 'vocab.json'), 'w') as f:
    json.dump(vocab, f, ensure_ascii=False, indent=2)
    f.write('\n')
shutil.copyfile(os.path.join(spm_dir, 'joint.model'), os.path.join(out, 'source.spm'))
shutil.copyfile(os.path.join(spm_dir, 'joint.model'), os.path.join(out, 'target.spm'))
with open(os.path.join(out, 'tokenizer_config.json'), 'w') as f:
    json.dump({'eos_token': '</s>', 'model_max_length': 512, 'pad_token': '<pad>', 'separate_vocabs': False,
               'source_lang': 'en', 'sp_model_kwargs': {}, 'special_tokens_map_file': None,
               'target_lang': 'de', 'tokenizer_class': 'MarianTokenizer', 'unk_token': '<unk>'}, f, indent=2)
    f.write('\n')
with open(os.path.join(out, 'special_tokens_map.json'), 'w') as f:
    json.dump({'eos_token': '</s>', 'pad_token': '<pad>', 'unk_token': '<unk>'}, f, indent=2)
    f.write('\n')
with open(os.path.join(out, 'generation_config.json'), 'w') as f:
    json.dump({'bad_words_ids': [[N]], 'bos_token_id': 0, 'decoder_start_token_id': N, 'eos_token_id': 0,
               'forced_eos_token_id': 0, 'max_length': 512, 'num_beams': 4, 'pad_token_id': N}, f, indent=2)
    f.write('\n')
with open(os.path.join(out, 'training_state.json'), 'w') as f:
    json.dump({'checkpoint': os.path.basename(ckpt), 'step': st['step'], 'epoch': st['epoch'],
               'train_minutes': round(st['train_seconds'] / 60, 1), 'history': st['history']}, f, indent=1)
    f.write('\n')
print('exported step', st['step'], 'to', out)
