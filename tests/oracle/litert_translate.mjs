#!/usr/bin/env node
// Greedy translation with the real LiteRT runtime: the oracle for octet's seq2seq host loop.
//
//   node litert_translate.mjs --encoder encoder.tflite --decoder decoder_step.tflite \
//        --input sources.json --output outputs.json [--eos 0] [--pad 7999] [--start 7999]
//
// sources.json: a list of source id lists (each ending in </s>). outputs.json: {"ids": [[...], ...],
// "steps": total decoder runs}. Both models are loaded and compiled once. The host loop is the one
// octet's Translator runs (training/search.py's greedy for one sentence): the encoder once on ids
// padded with <pad> to its S (mask 1 for tokens, 0 for padding; a source longer than S is cut to
// S-1 ids + </s>), then the decoder step on the prefix (start token + tokens so far, padded to its T,
// step = prefix length - 1), argmax over the logits with <pad> skipped and the lowest index winning
// ties, until </s> or the limit min(256, 2·|source| + 10, T) generated tokens, where </s> is forced.
// Inputs are found by name (encoder: input_ids, attention_mask; decoder: decoder_input_ids,
// decoder_attention_mask, encoder_hidden_states, encoder_attention_mask, step). The encoder output
// goes to the decoder as it is: both must have the same element type (a quantized boundary with
// different parameters needs the bridge, which this oracle does not have).

import fs from 'node:fs';

import { OracleError, fail, loadRuntime, openModel, freeBuffers, typeName, writeFileAtomic } from './litert_lib.mjs';

function usage() {
  return 'usage: node litert_translate.mjs --encoder E.tflite --decoder D.tflite --input sources.json ' +
         '--output outputs.json [--eos 0] [--pad 7999] [--start 7999]';
}

function parseArgs(argv) {
  const args = { eos: 0, pad: 7999, start: undefined };
  const int = (flag, text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) fail(`${flag}: expected a whole number >= 0, found '${text}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${flag} needs a value\n${usage()}`);
      return argv[++i];
    };
    switch (flag) {
      case '--encoder': args.encoder = value(); break;
      case '--decoder': args.decoder = value(); break;
      case '--input': args.input = value(); break;
      case '--output': args.output = value(); break;
      case '--eos': args.eos = int(flag, value()); break;
      case '--pad': args.pad = int(flag, value()); break;
      case '--start': args.start = int(flag, value()); break;
      case '-h': case '--help': process.stdout.write(usage() + '\n'); process.exit(0); break;
      default: fail(`unknown argument '${flag}'\n${usage()}`);
    }
  }
  if (!args.encoder || !args.decoder || !args.input || !args.output) fail(`missing arguments\n${usage()}`);
  if (args.start === undefined) args.start = args.pad;
  return args;
}

function readSources(file) {
  let sources;
  try {
    sources = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`${file}: cannot read: ${e.message}`);
  }
  if (!Array.isArray(sources)) fail(`${file}: expected a list of id lists`);
  sources.forEach((s, i) => {
    if (!Array.isArray(s) || s.length === 0 || !s.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 31)) {
      fail(`${file}: sentence ${i}: expected a non-empty list of non-negative integer ids`);
    }
  });
  return sources;
}

const INT32 = 2;

// Named int32 and other inputs of an opened model, each with one buffer made once.
function bindInputs(m, names) {
  const bound = {};
  const buffers = [];
  for (let i = 0; i < m.inputNames.length; i++) {
    const { elementType, type, shape } = m.inputType(i);
    if (!type) fail(`${m.file}: input ${i} '${m.inputNames[i]}' has ${typeName(elementType)}`);
    if (shape.some((d) => d < 0)) fail(`${m.file}: input '${m.inputNames[i]}' has a dynamic shape [${shape}]`);
    const count = shape.reduce((a, b) => a * b, 1);
    const buffer = m.makeInput(i, elementType, shape, count * type.size, `${m.file}: input '${m.inputNames[i]}'`);
    buffers.push(buffer);
    bound[m.inputNames[i]] = { index: i, buffer, elementType, shape, count };
  }
  for (const name of names) {
    if (!bound[name]) fail(`${m.file}: no input named '${name}' (its inputs: ${m.inputNames.join(', ')})`);
  }
  return { bound, buffers };
}

function int32Bytes(values) { return Buffer.from(Int32Array.from(values).buffer); }

// Index of the largest logit, skipping `banned`; the first of equal values wins.
function argmax(out, banned) {
  const d = out.data;
  const n = out.shape.reduce((a, b) => a * b, 1);
  const view = out.type.name === 'float32' ? new Float32Array(d.buffer, d.byteOffset, n)
    : out.type.name === 'int8' ? new Int8Array(d.buffer, d.byteOffset, n)
    : out.type.name === 'int16' ? new Int16Array(d.buffer, d.byteOffset, n)
    : fail(`logits are ${out.type.name}; expected float32, int8 or int16`);
  let best = -1;
  for (let i = 0; i < n; i++) {
    if (i === banned || Number.isNaN(view[i])) continue;
    if (best < 0 || view[i] > view[best]) best = i;
  }
  return best < 0 ? 0 : best;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const sources = readSources(args.input);
  const liteRt = await loadRuntime();
  const enc = await openModel(liteRt, args.encoder);
  const dec = await openModel(liteRt, args.decoder);
  try {
    const e = bindInputs(enc, ['input_ids', 'attention_mask']);
    const d = bindInputs(dec, ['decoder_input_ids', 'decoder_attention_mask', 'encoder_hidden_states',
                               'encoder_attention_mask', 'step']);
    for (const [m, b, names] of [[enc, e, ['input_ids', 'attention_mask']],
                                 [dec, d, ['decoder_input_ids', 'decoder_attention_mask', 'encoder_attention_mask', 'step']]]) {
      for (const name of names) {
        if (b.bound[name].elementType !== INT32) fail(`${m.file}: input '${name}' is ${typeName(b.bound[name].elementType)}, expected int32`);
      }
    }
    const S = e.bound.input_ids.shape[1];
    const T = d.bound.decoder_input_ids.shape[1];
    const hiddenIndex = enc.outputNames.indexOf('encoder_hidden_states') >= 0 ? enc.outputNames.indexOf('encoder_hidden_states') : 0;
    const logitsIndex = dec.outputNames.indexOf('logits') >= 0 ? dec.outputNames.indexOf('logits') : 0;

    const results = [];
    let steps = 0;
    for (let s = 0; s < sources.length; s++) {
      let src = sources[s].slice();
      if (src[src.length - 1] !== args.eos) src.push(args.eos);
      if (src.length > S) { src = src.slice(0, S); src[S - 1] = args.eos; }
      const ids = new Array(S).fill(args.pad);
      const mask = new Array(S).fill(0);
      src.forEach((x, i) => { ids[i] = x; mask[i] = 1; });
      enc.write(e.bound.input_ids.buffer, int32Bytes(ids));
      enc.write(e.bound.attention_mask.buffer, int32Bytes(mask));
      const encOut = await enc.run(e.buffers);
      try {
        const hidden = enc.read(encOut[hiddenIndex], hiddenIndex);
        const h = d.bound.encoder_hidden_states;
        if (hidden.elementType !== h.elementType || hidden.data.length !== h.count * hidden.type.size) {
          fail(`encoder output ${typeName(hidden.elementType)} [${hidden.shape}] does not fit decoder input ` +
               `encoder_hidden_states ${typeName(h.elementType)} [${h.shape}]`);
        }
        dec.write(h.buffer, hidden.data);
      } finally {
        freeBuffers(encOut);
      }
      dec.write(d.bound.encoder_attention_mask.buffer, int32Bytes(mask));

      const limit = Math.min(256, 2 * src.length + 10, T);
      const prefix = [args.start];
      const out = [];
      for (;;) {
        let token;
        if (out.length + 1 >= limit) {
          token = args.eos;
        } else {
          const decIds = new Array(T).fill(args.pad);
          const decMask = new Array(T).fill(0);
          prefix.forEach((x, i) => { decIds[i] = x; decMask[i] = 1; });
          dec.write(d.bound.decoder_input_ids.buffer, int32Bytes(decIds));
          dec.write(d.bound.decoder_attention_mask.buffer, int32Bytes(decMask));
          dec.write(d.bound.step.buffer, int32Bytes([prefix.length - 1]));
          const decOut = await dec.run(d.buffers);
          steps++;
          try {
            token = argmax(dec.read(decOut[logitsIndex], logitsIndex), args.pad);
          } finally {
            freeBuffers(decOut);
          }
        }
        out.push(token);
        prefix.push(token);
        if (token === args.eos) break;
      }
      results.push(out);
    }
    writeFileAtomic(args.output, JSON.stringify({ ids: results, steps }) + '\n');
  } finally {
    dec.free();
    enc.free();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`litert_translate: ${e instanceof OracleError ? e.message : (e?.stack ?? e)}\n`);
    process.exit(1);
  });
