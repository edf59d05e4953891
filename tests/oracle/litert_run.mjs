#!/usr/bin/env node
// Runs a .tflite model in the real LiteRT runtime (npm @litertjs/core, the wasm build that the
// browser uses) and writes its outputs as .npy files. octet's tests use it as the oracle.
//
//   node litert_run.mjs --model M.tflite --input a.npy [--input b.npy ...] --output-dir DIR [--repeat N]
//   node litert_run.mjs --batch JOBS.json [--repeat N]
//
// Inputs are positional, in the order of the first subgraph's inputs; outputs go to
// DIR/output_<i>.npy in the order of its outputs, described by DIR/outputs.json:
// [{index, name, dtype, shape, file}]. (Measured: LiteRT's default signature keeps the subgraph's
// input and output order even when the file's SignatureDef lists them in another order; it only
// takes the names from the SignatureDef. Without one, the names are the tensors'.) With --repeat N the
// model runs once more as a warm-up and then N timed times; one line
// `latency_ms median=<x> min=<y> runs=<N>` goes to stdout (in batch mode followed by ` model=<path>`).
//
// JOBS.json is a list of {model, inputs: [paths], output_dir[, repeat]}; relative paths are taken
// from the folder JOBS.json is in. Every job runs even when an earlier one fails; a failed job
// leaves DIR/error.txt instead of outputs.json, and the exit status is non-zero.
//
// The whole run fails (exit 1, message on stderr) on any error, including a LiteRT log line that
// starts with ERROR: LiteRT reports some problems (an unresolved custom op, for one) only in its
// log and then "succeeds" with garbage outputs.
//
// LiteRT.js's public Tensor class handles float32, int32 and uint8 only, and its CompiledModel
// wrapper refuses to describe a model with other I/O types. This script therefore drives the wasm
// bindings under it directly (loadModel, compileModel, managed host-memory tensor buffers, run),
// which take any element type LiteRT knows, int8 and int16 included.


import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import {
  OracleError, fail, readNpy, npyBytes, writeFileAtomic, loadRuntime, setVerbose, openModel, freeBuffers, typeName,
} from './litert_lib.mjs';

// ---------------------------------------------------------------- command line

function usage() {
  return 'usage: node litert_run.mjs --model M.tflite --input a.npy [--input b.npy ...] --output-dir DIR [--repeat N]\n' +
         '       node litert_run.mjs --batch JOBS.json [--repeat N]   (JOBS.json: [{model, inputs, output_dir, repeat?}])\n' +
         '       add --verbose to see LiteRT\'s own log on stderr';
}

function parseArgs(argv) {
  const args = { inputs: [], repeat: 0, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${flag} needs a value\n${usage()}`);
      return argv[++i];
    };
    switch (flag) {
      case '--model': args.model = value(); break;
      case '--input': args.inputs.push(value()); break;
      case '--output-dir': args.outputDir = value(); break;
      case '--batch': args.batch = value(); break;
      case '--repeat': args.repeat = parseRepeat(value(), '--repeat'); break;
      case '--verbose': args.verbose = true; break;
      case '-h': case '--help': process.stdout.write(usage() + '\n'); process.exit(0); break;
      default: fail(`unknown argument '${flag}'\n${usage()}`);
    }
  }
  if (args.batch) {
    if (args.model || args.outputDir || args.inputs.length) {
      fail(`--batch cannot be combined with --model, --input or --output-dir\n${usage()}`);
    }
  } else if (!args.model || !args.outputDir) {
    fail(`--model and --output-dir are required\n${usage()}`);
  }
  return args;
}

function parseRepeat(text, where) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`${where}: expected a whole number >= 0, found '${text}'`);
  return n;
}

function readJobs(file, defaultRepeat) {
  let jobs;
  try {
    jobs = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`${file}: cannot read the job list: ${e.message}`);
  }
  if (!Array.isArray(jobs)) fail(`${file}: expected a JSON list of jobs`);
  const base = path.dirname(path.resolve(file));
  return jobs.map((job, i) => {
    const where = `${file}: job ${i}`;
    if (job === null || typeof job !== 'object') fail(`${where}: expected an object`);
    if (typeof job.model !== 'string') fail(`${where}: 'model' must be a path`);
    if (typeof job.output_dir !== 'string') fail(`${where}: 'output_dir' must be a path`);
    const inputs = job.inputs ?? [];
    if (!Array.isArray(inputs) || inputs.some((p) => typeof p !== 'string')) {
      fail(`${where}: 'inputs' must be a list of paths`);
    }
    return {
      model: path.resolve(base, job.model),
      inputs: inputs.map((p) => path.resolve(base, p)),
      outputDir: path.resolve(base, job.output_dir),
      repeat: job.repeat === undefined ? defaultRepeat : parseRepeat(String(job.repeat), `${where}: 'repeat'`),
    };
  });
}


async function runJob(liteRt, job) {
  const inputs = job.inputs.map(readNpy);
  const m = await openModel(liteRt, job.model);
  try {
    if (inputs.length !== m.inputNames.length) {
      fail(`${job.model}: the model has ${m.inputNames.length} input(s) [${m.inputNames.join(', ')}], ` +
           `${inputs.length} .npy file(s) were given`);
    }
    const inputBuffers = inputs.map((npy, i) => {
      const where = `${job.model}: input ${i} '${m.inputNames[i]}' (${job.inputs[i]})`;
      const expected = m.inputType(i);
      if (npy.type.elementType !== expected.elementType) {
        fail(`${where}: the model expects ${typeName(expected.elementType)}, the file holds ${npy.type.name}`);
      }
      const fits = expected.shape.length === npy.shape.length &&
                   expected.shape.every((d, k) => d < 0 || d === npy.shape[k]);
      if (!fits) fail(`${where}: the model expects shape [${expected.shape}], the file has [${npy.shape}]`);
      const buffer = m.makeInput(i, npy.type.elementType, npy.shape, npy.data.length, where);
      m.write(buffer, npy.data);
      return buffer;
    });

    const outputBuffers = await m.run(inputBuffers);
    let described;
    try {
      // Outputs first, timing after: a slow repeat never hides a wrong answer.
      fs.mkdirSync(job.outputDir, { recursive: true });
      described = outputBuffers.map((buffer, i) => {
        const { type, shape, data } = m.read(buffer, i);
        const file = `output_${i}.npy`;
        writeFileAtomic(path.join(job.outputDir, file), npyBytes(type, shape, data));
        return { index: i, name: m.outputNames[i], dtype: type.name, shape, file };
      });
    } finally {
      freeBuffers(outputBuffers);
    }
    writeFileAtomic(path.join(job.outputDir, 'outputs.json'), '[\n' + described.map((d) => ' ' + JSON.stringify(d)).join(',\n') + '\n]\n');

    if (job.repeat > 0) {
      freeBuffers(await m.run(inputBuffers));  // warm-up
      const times = [];
      for (let r = 0; r < job.repeat; r++) {
        const t0 = performance.now();
        const outs = await m.run(inputBuffers);
        times.push(performance.now() - t0);
        freeBuffers(outs);
      }
      times.sort((a, b) => a - b);
      const mid = times.length >> 1;
      const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
      return { median, min: times[0], runs: times.length };
    }
    return null;
  } finally {
    m.free();
  }
}

// Removes what an earlier run left in an output folder, so that stale files never pass for new.
function clearOutputs(dir) {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (/^output_\d+\.npy$/.test(name) || name === 'outputs.json' || name === 'error.txt') {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

function latencyLine(t) {
  return `latency_ms median=${t.median.toFixed(3)} min=${t.min.toFixed(3)} runs=${t.runs}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  setVerbose(args.verbose);
  const jobs = args.batch
    ? readJobs(args.batch, args.repeat)
    : [{ model: args.model, inputs: args.inputs, outputDir: args.outputDir, repeat: args.repeat }];
  for (const job of jobs) clearOutputs(job.outputDir);
  const liteRt = await loadRuntime();
  let failures = 0;
  for (const job of jobs) {
    try {
      const timing = await runJob(liteRt, job);
      if (timing) process.stdout.write(latencyLine(timing) + (args.batch ? ` model=${job.model}` : '') + '\n');
    } catch (e) {
      if (!args.batch) throw e;
      failures++;
      const message = e instanceof OracleError ? e.message : (e?.stack ?? String(e));
      process.stderr.write(message + '\n');
      try {
        fs.mkdirSync(job.outputDir, { recursive: true });
        fs.writeFileSync(path.join(job.outputDir, 'error.txt'), message + '\n');
      } catch { /* the message is on stderr already */ }
    }
  }
  if (failures) fail(`${failures} of ${jobs.length} job(s) failed`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`litert_run: ${e instanceof OracleError ? e.message : (e?.stack ?? e)}\n`);
    process.exit(1);
  });
