"""Reference logits for octet's Marian importer tests with other activations.

The shipped model uses swish; the importer also lowers gelu (TFLite GELU, exact) and relu,
and reads BF16 checkpoints (the last case: every tensor rounded to bfloat16).
This runs training/marian.py's model with the shipped weights but activation_function
switched, for two test sentences, and stores a subset of the first-step logits (every 16th id
and the top 5) in tests/seq2seq/data/marian_activations.json. The C++ test imports the same
folder with the same config change and compares. Run from the repo root:
  /usr/bin/python3 training/make_importer_references.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import marian  # noqa: E402

FOLDER = 'models/opus-mt-en-de-octet'
OUT = 'tests/seq2seq/data/marian_activations.json'


def main():
    torch.set_num_threads(2)
    ref = json.load(open(os.path.join(FOLDER, 'reference_pytorch.json')))
    items = ref['splits']['test']['first_step_logits']['items'][:2]
    out = {'what': __doc__.strip().splitlines()[0], 'folder': FOLDER, 'cases': []}
    for act, bf16 in (('gelu', False), ('relu', False), ('swish', True)):
        m, c = marian.load_folder(FOLDER)
        for layer in list(m.model.encoder.layers) + list(m.model.decoder.layers):
            layer.act = marian.ACT[act]
        if bf16:
            # Every stored tensor (position tables and final_logits_bias included) rounded to
            # bfloat16 (round to nearest even), as a BF16 safetensors file holds them.
            with torch.no_grad():
                for t in list(m.parameters()) + list(m.buffers()):
                    t.copy_(t.to(torch.bfloat16).float())
        for it in items:
            ids = torch.tensor([it['input_ids']])
            mask = torch.ones_like(ids)
            dec = torch.tensor([[c['decoder_start_token_id']]])
            with torch.no_grad():
                logits = m.decode_logits(dec, m.encode(ids, mask), mask)[0, -1]
            top = torch.topk(logits, 5).indices.tolist()
            idx = sorted(set(range(0, logits.shape[0], 16)) | set(top))
            out['cases'].append({'activation_function': act, 'bf16': bf16, 'input_ids': it['input_ids'],
                                 'ids': idx, 'logits': [float(logits[i]) for i in idx], 'argmax': top[0]})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f)


if __name__ == '__main__':
    main()
