// What the LiteRT oracle scripts share: loading LiteRT.js under Node, its log (an ERROR line fails
// the run), .npy files, and reading LiteRT's tensor types. litert_run.mjs (one model, .npy in and
// out) and litert_translate.mjs (the encoder + decoder-step host loop) both import it.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, 'node_modules', '@litertjs', 'core');
const wasmDir = path.join(packageDir, 'wasm') + path.sep;
// Always the baseline-SIMD build: the relaxed-SIMD one (picked automatically where the engine
// supports it) fuses multiply-adds and differs by ~1e-4 relative on float models.
const wasmGlue = path.join(wasmDir, 'litert_wasm_compat_internal.js');

export class OracleError extends Error {}
export const fail = (message) => { throw new OracleError(message); };

// ---------------------------------------------------------------- .npy files

// LiteRT element types (litert_model_types.h) and their .npy descriptors (little-endian).
export const ELEMENT_TYPES = [
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
export const byElementType = new Map(ELEMENT_TYPES.map((t) => [t.elementType, t]));
// numpy writes one-byte types with '|', and accepts '<' or '=' for them too.
export const byDescr = new Map(ELEMENT_TYPES.flatMap((t) =>
  t.size === 1 ? [[t.descr, t], ['<' + t.descr.slice(1), t], ['=' + t.descr.slice(1), t]] : [[t.descr, t]]));

export function readNpy(file) {
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

export function npyBytes(type, shape, data) {
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
export function writeFileAtomic(file, bytes) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

// ---------------------------------------------------------------- LiteRT

// LiteRT's log lines, kept so that a job can be failed on ERROR and the lines shown with the
// failure. The wasm module prints them through Module.printErr (and print).
const logLines = [];
let verbose = false;
export function setVerbose(on) { verbose = on; }
function onLogLine(text) {
  const line = String(text);
  logLines.push(line);
  if (verbose) process.stderr.write(`[litert] ${line}\n`);
}
export function takeErrorLines() {
  const errors = logLines.filter((l) => /^\s*ERROR/.test(l));
  logLines.length = 0;
  return errors;
}

export async function loadRuntime() {
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

export function vectorToArray(vector) {
  const out = [];
  for (let i = 0; i < vector.size(); i++) out.push(vector.get(i));
  vector.delete();
  return out;
}

// Reads a LiteRT ranked tensor type into {type, shape} and frees it.
export function describe(rankedType) {
  const elementType = rankedType.elementType().value;
  const layout = rankedType.layout();
  const shape = vectorToArray(layout.dimensions());
  layout.delete();
  rankedType.delete();
  return { elementType, type: byElementType.get(elementType), shape };
}

export function typeName(elementType) {
  return byElementType.get(elementType)?.name ?? `LiteRT element type ${elementType}`;
}

// ---------------------------------------------------------------- one model

// Loads and compiles `file` once; the returned handle makes input buffers, runs and reads outputs
// many times, and frees every wasm object with free(). Every LiteRT call goes through `call`, which
// turns a thrown error or an ERROR log line into an OracleError naming the file and the action.
export async function openModel(liteRt, file) {
  const w = liteRt.liteRtWasm;
  const env = liteRt.getDefaultEnvironment().liteRtEnvironment;
  const cleanups = [];  // wasm objects to free, in reverse order
  const keep = (obj, free = () => obj.delete()) => { cleanups.push(free); return obj; };
  const check = (what) => {
    const errors = takeErrorLines();
    if (errors.length) fail(`${file}: LiteRT logged an error while ${what}:\n${errors.join('\n')}`);
  };
  const failWith = (what, e) => {
    if (e instanceof OracleError) throw e;
    const errors = takeErrorLines();
    fail(`${file}: LiteRT failed while ${what}: ${e?.message ?? e}${errors.length ? '\n' + errors.join('\n') : ''}`);
  };
  const call = (what, fn) => {
    let result;
    try {
      result = fn();
    } catch (e) {
      failWith(what, e);
    }
    check(what);
    return result;
  };
  const free = () => {
    for (const f of cleanups.reverse()) {
      try { f(); } catch { /* freeing after a failure is best effort */ }
    }
    cleanups.length = 0;
  };

  try {
    let modelBytes;
    try {
      modelBytes = fs.readFileSync(file);
    } catch (e) {
      fail(`${file}: cannot read: ${e.message}`);
    }
    const ptr = w._malloc(modelBytes.length);
    keep(ptr, () => w._free(ptr));
    w.HEAPU8.set(modelBytes, ptr);
    const model = keep(call('loading the model', () => w.loadModel(env, ptr, modelBytes.length)));
    if (model.getNumSignatures() < 1) fail(`${file}: LiteRT sees no signature (no subgraph?)`);
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
      failWith('compiling the model', e);
    }
    keep(compiled);
    check('compiling the model');

    return {
      file, inputNames, outputNames, call, free,
      // {elementType, type, shape} of input i as the model declares it.
      inputType: (i) => describe(model.getInputTensorType(0, i)),
      // A host-memory buffer for input i holding `byteLength` bytes of `elementType` in `shape`,
      // checked against what the compiled model accepts.
      makeInput(i, elementType, shape, byteLength, where) {
        const dims = keep(new w.VectorInt32());
        for (const d of shape) dims.push_back(d);
        const layout = keep(w.LiteRtLayout.create(dims));
        const rankedType = keep(w.LiteRtRankedTensorType.create({ value: elementType }, layout));
        const buffer = keep(call(`creating the buffer of ${where}`, () => w.LiteRtTensorBuffer.createManaged(
          env, w.LiteRtTensorBufferType.HOST_MEMORY, rankedType, byteLength)));
        const requirements = keep(compiled.getInputBufferRequirements(0, i));
        const modelType = keep(model.getInputTensorType(0, i));
        call(`checking ${where}`, () => w.checkTensorBufferCompatible(buffer, modelType, requirements));
        return buffer;
      },
      write(buffer, bytes) {
        const dst = buffer.lock(w.LiteRtTensorBufferLockMode.WRITE);
        try {
          w.HEAPU8.set(bytes, dst);
        } finally {
          buffer.unlock();
        }
      },
      // Runs once; the caller frees the returned output buffers (freeBuffers).
      async run(inputBuffers) {
        let outs;
        try {
          outs = await compiled.run(0, inputBuffers);
        } catch (e) {
          failWith('running the model', e);
        }
        check('running the model');
        if (outs.length !== outputNames.length) {
          freeBuffers(outs);
          fail(`${file}: LiteRT returned ${outs.length} outputs for ${outputNames.length} declared`);
        }
        return outs;
      },
      // {elementType, type, shape, data: Buffer (a copy)} of an output buffer.
      read(buffer, i) {
        const { elementType, type, shape } = describe(buffer.tensorType());
        if (!type) fail(`${file}: output ${i} '${outputNames[i]}' has ${typeName(elementType)}, which is not supported here`);
        const count = shape.reduce((a, b) => a * b, 1);
        if (buffer.offset() !== 0 || buffer.packedSize() !== count * type.size) {
          fail(`${file}: output ${i} '${outputNames[i]}' is strided or padded (offset ${buffer.offset()}, ` +
               `${buffer.packedSize()} bytes for ${count} ${type.name}); not supported`);
        }
        const src = buffer.lock(w.LiteRtTensorBufferLockMode.READ);
        try {
          return { elementType, type, shape, data: Buffer.from(w.HEAPU8.slice(src, src + count * type.size)) };
        } finally {
          buffer.unlock();
        }
      },
    };
  } catch (e) {
    free();
    throw e;
  }
}

export function freeBuffers(buffers) { for (const b of buffers) b.delete(); }
