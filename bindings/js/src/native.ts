/**
 * The Node backend: a prebuilt N-API addon over libcloak, linked statically with libsodium (no
 * shared library to find at run time), found by the prebuildify / node-gyp-build convention:
 * prebuilds/<platform>-<arch>[+<arch>...]/<name>.<tags>.node under the package, where the tags
 * (napi, glibc or musl, abi<N>, uv<N>, armv<N>, node) must fit this process. Loaded only under
 * Node; the lookup says why no file fits, so that load() can say so when it falls back.
 */
import type { Backend, Slot } from './backend.js';
import { CloakBadParamsError, Status } from './errors.js';

interface Addon {
  call(op: number, args: Slot[], nums: Float64Array): number;
  callAsync(op: number, args: Slot[], nums: Float64Array): Promise<number>;
}

/** The N-API version the addon is built for (build-addon.sh: NAPI_VERSION). */
const NAPI_VERSION = 8;

interface Tags { file: string; napi: boolean; runtime?: string; abi?: string; uv?: string; armv?: string; libc?: string; specificity: number }

/** The tags of a prebuilt's file name, as node-gyp-build reads them (other parts are a free name). */
function parseTags(file: string): Tags | null {
  const parts = file.split('.');
  if (parts.pop() !== 'node') return null;
  const t: Tags = { file, napi: false, specificity: 0 };
  for (const p of parts) {
    if (p === 'node' || p === 'electron' || p === 'node-webkit') t.runtime = p;
    else if (p === 'napi') t.napi = true;
    else if (/^abi\d+$/.test(p)) t.abi = p.slice(3);
    else if (/^uv\d+$/.test(p)) t.uv = p.slice(2);
    else if (/^armv\d+$/.test(p)) t.armv = p.slice(4);
    else if (p === 'glibc' || p === 'musl') t.libc = p;
    else continue;
    t.specificity++;
  }
  return t;
}

/**
 * The prebuilt addon of this package that fits the running Node, or why there is none. `root` is
 * the package directory.
 */
export async function findPrebuilt(root: URL): Promise<{ path: string } | { why: string }> {
  const { readdirSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const { platform, arch, env, versions } = process;
  const libc = env.LIBC ?? (platform === 'linux' && existsSync('/etc/alpine-release') ? 'musl' : 'glibc');
  const here = `${platform}-${arch}${platform === 'linux' ? ` (${libc})` : ''}`;
  const dir = fileURLToPath(new URL('prebuilds/', root));
  let tuples: string[];
  try {
    tuples = readdirSync(dir);
  } catch {
    return { why: `this package has no prebuilds/ directory (${dir})` };
  }
  const tuple = tuples.find((t) => {
    const [p, archs] = t.split('-');
    return p === platform && (archs ?? '').split('+').includes(arch);
  });
  if (tuple === undefined) {
    return { why: `no prebuilt addon for ${here} (there are: ${tuples.join(', ') || 'none'})` };
  }
  const napi = Number(versions.napi ?? 0);
  const armv = (process.config.variables as { arm_version?: string }).arm_version;
  const fits = readdirSync(join(dir, tuple)).map(parseTags).filter((t): t is Tags => {
    if (t === null) return false;
    if (t.runtime !== undefined && t.runtime !== 'node') return false;
    if (t.abi !== undefined && !t.napi && t.abi !== versions.modules) return false;
    if (t.napi && napi < NAPI_VERSION) return false;
    if (t.uv !== undefined && t.uv !== versions.uv?.split('.')[0]) return false;
    if (t.armv !== undefined && t.armv !== armv) return false;
    if (t.libc !== undefined && t.libc !== libc) return false;
    return true;
  }).sort((a, b) => b.specificity - a.specificity);
  if (fits.length === 0) {
    return { why: `no addon in prebuilds/${tuple}/ fits ${here}, Node ${versions.node} (N-API ${napi})` };
  }
  return { path: join(dir, tuple, fits[0].file) };
}

/** Loads the addon at `path` (throws the loader's error if it cannot be loaded). */
export async function loadNative(path: string): Promise<Backend> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const addon = require(path) as Addon;
  // The addon uses caller buffers in place. A pinned buffer gets an ArrayBuffer of its own: that
  // is allocated outside V8's heap (so it never moves) and not a slice of a shared pool (so the
  // address is malloc's, 8-byte aligned; the C side checks).
  const pinned = new WeakSet<Uint8Array>();
  return {
    name: 'native',
    detail: path,
    call: (op, args, nums) => addon.call(op, args, nums),
    callAsync: (op, args, nums) => {
      // callAsync works on copies: a state there would be a copy, which the library refuses.
      if (args.some((a) => a instanceof Uint8Array && pinned.has(a))) {
        return Promise.reject(new CloakBadParamsError(Status.BAD_PARAMS, 'pinned buffers are for synchronous calls'));
      }
      return addon.callAsync(op, args, nums);
    },
    pin: (bytes) => {
      const own = new Uint8Array(new ArrayBuffer(Math.max(bytes.length, 8)), 0, bytes.length);
      own.set(bytes);
      pinned.add(own);
      return own;
    },
    unpin: (p) => {
      if (p instanceof Uint8Array) {
        new Uint8Array(p.buffer).fill(0);
        pinned.delete(p);
      }
    },
    close: () => {},
  };
}
