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
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, 'node_modules', '@litertjs', 'core');
const wasmDir = path.join(packageDir, 'wasm') + path.sep;
// Always the baseline-SIMD build: the relaxed-SIMD one (picked automatically where the engine
// supports it) fuses multiply-adds and differs by ~1e-4 relative on float models.
const wasmGlue = path.join(wasmDir, 'litert_wasm_compat_internal.js');

class OracleError extends Error {}
const fail = (message) => { throw new OracleError(message); };

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

// ---------------------------------------------------------------- .npy files

// LiteRT element types (litert_model_types.h) and their .npy descriptors (little-endian).
const ELEMENT_TYPES = [
  { elementType: 1, name: 'float32', descr: '<f4', size: 4 },
  { elementType: 2, name: 'int32', descr: '<i4', size: 4 },
  { elementType: 3, name: 'uint8', descr: '|u1', size: 1 },
  { elementType: 4, name: 'int64', descr: '<i8', size: 8 },
  { elementType: 6, name: 'bool', descr: '|b1', size: 1 },
  { elementType: 7, name: 'int16', descr: '<i2', size: 2 },
  { elementType: 9, name: 'int8', descr: '|i1', size: 1 },
  { elementType: 10, name: 'float16', descr: '<f2', size: 2 },
  { elementType: 11, name: 'float64', descr: '<f8', size: 8 },
  { elementType: 13, name: 'uint64', descr: '<u8', size: 8 },
  { elementType: 16, name: 'uint32', descr: '<u4', size: 4 },
  { elementType: 17, name: 'uint16', descr: '<u2', size: 2 },
];
const byElementType = new Map(ELEMENT_TYPES.map((t) => [t.elementType, t]));
// numpy writes one-byte types with '|', and accepts '<' or '=' for them too.
const byDescr = new Map(ELEMENT_TYPES.flatMap((t) =>
  t.size === 1 ? [[t.descr, t], ['<' + t.descr.slice(1), t], ['=' + t.descr.slice(1), t]] : [[t.descr, t]]));

function readNpy(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    fail(`${file}: cannot read: ${e.message}`);
  }
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];  // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) fail(`${file}: not a .npy file (bad magic)`);
  const major = bytes[6];
  let headerLength;
  let headerStart;
  if (major === 1) {
    headerLength = bytes.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(`${file}: truncated .npy header`);
    headerLength = bytes.readUInt32LE(8);
    headerStart = 12;
  } else {
    fail(`${file}: unsupported .npy version ${major}.${bytes[7]}`);
  }
  if (headerStart + headerLength > bytes.length) fail(`${file}: truncated .npy header`);
  const header = bytes.subarray(headerStart, headerStart + headerLength).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`${file}: .npy header lacks descr, fortran_order or shape: ${header.trim()}`);
  }
  if (fortran === 'True') fail(`${file}: Fortran-ordered arrays are not supported; save it in C order`);
  const type = byDescr.get(descr) ?? fail(`${file}: unsupported dtype '${descr}' (little-endian numeric or bool only)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (!/^\d+$/.test(s)) fail(`${file}: bad dimension '${s}' in shape (${shapeText})`);
    return Number(s);
  });
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart !== count * type.size) {
    fail(`${file}: shape [${shape}] ${type.name} needs ${count * type.size} data bytes, the file has ${bytes.length - dataStart}`);
  }
  return { type, shape, data: bytes.subarray(dataStart) };
}

function npyBytes(type, shape, data) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${type.descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Version 1.0: magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of
  // 64 and ended by a newline, as numpy writes it.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

// Writes to a temporary name first so that a reader never sees half a file.
function writeFileAtomic(file, bytes) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

// ---------------------------------------------------------------- LiteRT

// LiteRT's log lines, kept so that a job can be failed on ERROR and the lines shown with the
// failure. The wasm module prints them through Module.printErr (and print).
const logLines = [];
let verbose = false;
function onLogLine(text) {
  const line = String(text);
  logLines.push(line);
  if (verbose) process.stderr.write(`[litert] ${line}\n`);
}
function takeErrorLines() {
  const errors = logLines.filter((l) => /^\s*ERROR/.test(l));
  logLines.length = 0;
  return errors;
}

async function loadRuntime() {
  if (!fs.existsSync(wasmGlue)) {
    fail(`LiteRT.js is not installed (${wasmGlue} is missing); run scripts/setup.sh or 'npm ci' in ${here}`);
  }
  // LiteRT.js is built for browsers and workers. What it needs from those, in Node terms:
  globalThis.self = globalThis;
  globalThis.importScripts = (file) => {
    const resolved = path.isAbsolute(file) ? file : path.join(wasmDir, file);
    vm.runInThisContext(fs.readFileSync(resolved, 'utf8'), { filename: resolved });
  };
  globalThis.require = createRequire(import.meta.url);
  globalThis.__dirname = wasmDir;  // the glue reads its .wasm from here with fs
  globalThis.Module = { print: onLogLine, printErr: onLogLine };
  // The JS side logs through console (its debug hook uses console.warn), and warns that Node has
  // no WebGPU device. All of it goes to the same log, so an ERROR there fails the job too; this
  // script itself writes to process.stdout and process.stderr directly.
  const capture = (...a) => onLogLine(a.map(String).join(' '));
  for (const level of ['log', 'info', 'debug', 'warn', 'error']) console[level] = capture;

  const litert = await import(pathToFileURL(path.join(packageDir, 'dist', 'index.js')).href);
  const liteRt = await litert.loadLiteRt(wasmGlue);
  const errors = takeErrorLines();
  if (errors.length) fail(`LiteRT failed to start:\n${errors.join('\n')}`);
  return liteRt;
}

function vectorToArray(vector) {
  const out = [];
  for (let i = 0; i < vector.size(); i++) out.push(vector.get(i));
  vector.delete();
  return out;
}

// Reads a LiteRT ranked tensor type into {type, shape} and frees it.
function describe(rankedType) {
  const elementType = rankedType.elementType().value;
  const layout = rankedType.layout();
  const shape = vectorToArray(layout.dimensions());
  layout.delete();
  rankedType.delete();
  return { elementType, type: byElementType.get(elementType), shape };
}

function typeName(elementType) {
  return byElementType.get(elementType)?.name ?? `LiteRT element type ${elementType}`;
}

async function runJob(liteRt, job) {
  const w = liteRt.liteRtWasm;
  const env = liteRt.getDefaultEnvironment().liteRtEnvironment;
  const cleanups = [];  // wasm objects to free, in reverse order
  const keep = (obj, free = () => obj.delete()) => { cleanups.push(free); return obj; };
  const check = (what) => {
    const errors = takeErrorLines();
    if (errors.length) fail(`${job.model}: LiteRT logged an error while ${what}:\n${errors.join('\n')}`);
  };
  const call = (what, fn) => {
    let result;
    try {
      result = fn();
    } catch (e) {
      if (e instanceof OracleError) throw e;
      const errors = takeErrorLines();
      fail(`${job.model}: LiteRT failed while ${what}: ${e?.message ?? e}${errors.length ? '\n' + errors.join('\n') : ''}`);
    }
    check(what);
    return result;
  };

  try {
    let modelBytes;
    try {
      modelBytes = fs.readFileSync(job.model);
    } catch (e) {
      fail(`${job.model}: cannot read: ${e.message}`);
    }
    const inputs = job.inputs.map(readNpy);

    const ptr = w._malloc(modelBytes.length);
    keep(ptr, () => w._free(ptr));
    w.HEAPU8.set(modelBytes, ptr);
    const model = keep(call('loading the model', () => w.loadModel(env, ptr, modelBytes.length)));
    if (model.getNumSignatures() < 1) fail(`${job.model}: LiteRT sees no signature (no subgraph?)`);
    const signature = keep(call('reading the signature', () => model.getSignature(0)));
    const inputNames = vectorToArray(signature.inputNames());
    const outputNames = vectorToArray(signature.outputNames());
    const compileOptions = {
      accelerator: 'wasm',
      cpuOptions: { numThreads: w.getThreadCount() },
      gpuOptions: {},
      webNNOptions: {},
    };
    let compiled;
    try {
      compiled = await w.compileModel(env, model, compileOptions);
    } catch (e) {
      const errors = takeErrorLines();
      fail(`${job.model}: LiteRT failed to compile the model: ${e?.message ?? e}${errors.length ? '\n' + errors.join('\n') : ''}`);
    }
    keep(compiled);
    check('compiling the model');

    if (inputs.length !== inputNames.length) {
      fail(`${job.model}: the model has ${inputNames.length} input(s) [${inputNames.join(', ')}], ` +
           `${inputs.length} .npy file(s) were given`);
    }
    const inputBuffers = inputs.map((npy, i) => {
      const where = `${job.model}: input ${i} '${inputNames[i]}' (${job.inputs[i]})`;
      const expected = describe(model.getInputTensorType(0, i));
      if (npy.type.elementType !== expected.elementType) {
        fail(`${where}: the model expects ${typeName(expected.elementType)}, the file holds ${npy.type.name}`);
      }
      const fits = expected.shape.length === npy.shape.length &&
                   expected.shape.every((d, k) => d < 0 || d === npy.shape[k]);
      if (!fits) fail(`${where}: the model expects shape [${expected.shape}], the file has [${npy.shape}]`);
      const dims = keep(new w.VectorInt32());
      for (const d of npy.shape) dims.push_back(d);
      const layout = keep(w.LiteRtLayout.create(dims));
      const rankedType = keep(w.LiteRtRankedTensorType.create({ value: npy.type.elementType }, layout));
      const buffer = keep(call(`creating the buffer of ${where}`, () => w.LiteRtTensorBuffer.createManaged(
        env, w.LiteRtTensorBufferType.HOST_MEMORY, rankedType, npy.data.length)));
      const requirements = keep(compiled.getInputBufferRequirements(0, i));
      const modelType = keep(model.getInputTensorType(0, i));
      call(`checking ${where}`, () => w.checkTensorBufferCompatible(buffer, modelType, requirements));
      const dst = buffer.lock(w.LiteRtTensorBufferLockMode.WRITE);
      try {
        w.HEAPU8.set(npy.data, dst);
      } finally {
        buffer.unlock();
      }
      return buffer;
    });

    const runOnce = async () => {
      let outs;
      try {
        outs = await compiled.run(0, inputBuffers);
      } catch (e) {
        const errors = takeErrorLines();
        fail(`${job.model}: LiteRT failed to run the model: ${e?.message ?? e}${errors.length ? '\n' + errors.join('\n') : ''}`);
      }
      check('running the model');
      return outs;
    };
    const freeAll = (buffers) => { for (const b of buffers) b.delete(); };

    const outputBuffers = await runOnce();
    keep(outputBuffers, () => freeAll(outputBuffers));
    if (outputBuffers.length !== outputNames.length) {
      fail(`${job.model}: LiteRT returned ${outputBuffers.length} outputs for ${outputNames.length} declared`);
    }

    // Outputs first, timing after: a slow repeat never hides a wrong answer.
    fs.mkdirSync(job.outputDir, { recursive: true });
    const described = outputBuffers.map((buffer, i) => {
      const { elementType, type, shape } = describe(buffer.tensorType());
      if (!type) fail(`${job.model}: output ${i} '${outputNames[i]}' has ${typeName(elementType)}, which .npy cannot hold here`);
      const count = shape.reduce((a, b) => a * b, 1);
      if (buffer.offset() !== 0 || buffer.packedSize() !== count * type.size) {
        fail(`${job.model}: output ${i} '${outputNames[i]}' is strided or padded (offset ${buffer.offset()}, ` +
             `${buffer.packedSize()} bytes for ${count} ${type.name}); not supported`);
      }
      const src = buffer.lock(w.LiteRtTensorBufferLockMode.READ);
      let data;
      try {
        data = Buffer.from(w.HEAPU8.slice(src, src + count * type.size));
      } finally {
        buffer.unlock();
      }
      const file = `output_${i}.npy`;
      writeFileAtomic(path.join(job.outputDir, file), npyBytes(type, shape, data));
      return { index: i, name: outputNames[i], dtype: type.name, shape, file };
    });
    writeFileAtomic(path.join(job.outputDir, 'outputs.json'), '[\n' + described.map((d) => ' ' + JSON.stringify(d)).join(',\n') + '\n]\n');

    if (job.repeat > 0) {
      freeAll(await runOnce());  // warm-up
      const times = [];
      for (let r = 0; r < job.repeat; r++) {
        const t0 = performance.now();
        const outs = await runOnce();
        times.push(performance.now() - t0);
        freeAll(outs);
      }
      times.sort((a, b) => a - b);
      const mid = times.length >> 1;
      const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
      return { median, min: times[0], runs: times.length };
    }
    return null;
  } finally {
    for (const free of cleanups.reverse()) {
      try { free(); } catch { /* freeing after a failure is best effort */ }
    }
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
  verbose = args.verbose;
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
