// The story of story.js under Node, from the installed npm package:
//   node node-story.mjs [BACKEND [EXPECTED]]
// BACKEND is load()'s choice: auto (the default: load() with no option, so LIBCLOAK_BACKEND applies),
// native or wasm; EXPECTED the backend that must come out of it (default: native for auto). Prints
// each step's lines; exits non-zero on a failed step or another backend.
import * as lib from 'libcloak';
import { playStory } from './story.js';

const backend = process.argv[2] ?? 'auto';
const expect = process.argv[3] ?? (backend === 'auto' ? 'native' : backend);
let failed = false;
const t0 = performance.now();
await playStory({
  lib,
  backend,
  expect,
  step: async (id, title, fn) => {
    const t = performance.now();
    try {
      const lines = await fn();
      console.log(`ok   ${id}: ${title} (${(performance.now() - t).toFixed(0)} ms)`);
      for (const l of lines) console.log(`     ${l}`);
    } catch (e) {
      failed = true;
      console.log(`FAIL ${id}: ${title}: ${e instanceof lib.CloakError ? `${e.name} (${e.code}): ${e.message}` : e?.stack ?? e}`);
      throw e;
    }
  },
}).catch(() => { failed = true; });
console.log(`${failed ? 'FAILED' : 'all steps passed'} on ${expect} (asked: ${backend}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
