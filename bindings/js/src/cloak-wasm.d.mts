// The emscripten module wasm/build.sh writes to dist/cloak-wasm.mjs (-sMODULARIZE -sEXPORT_ES6).
import type { EmFactory } from './wasm.js';
declare const createCloakModule: EmFactory;
export default createCloakModule;
