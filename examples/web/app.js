// The demo page: the story of libcloak (story.js) played with the WebAssembly backend, each step
// shown with what it did and the checks it passed. The browser tests read those checks from the
// page (li[data-step][data-status], document.body.dataset.done, window.cloakSteps):
// bindings/js/test/browser.test.mjs on the repository (the page's import map names the built
// bindings/js/dist/browser.js), tests/dist/npm-package.sh on esbuild and Vite builds of the page
// over the packed npm package.
import * as lib from 'libcloak'; // the page's import map: bindings/js/dist/browser.js
import { playStory } from './story.js';

const list = document.getElementById('steps');
const steps = [];
window.cloakSteps = steps;

async function step(id, title, fn) {
  const li = document.createElement('li');
  li.dataset.step = id;
  li.dataset.status = 'running';
  li.innerHTML = `<span class="badge"></span><span class="title"></span><pre></pre>`;
  li.querySelector('.title').textContent = title;
  list.appendChild(li);
  const t0 = performance.now();
  const record = { id, title, status: 'running', lines: [] };
  steps.push(record);
  try {
    const lines = await fn();
    record.lines = lines;
    record.status = 'ok';
    li.querySelector('pre').textContent = lines.join('\n');
  } catch (e) {
    record.status = 'fail';
    record.error = e instanceof lib.CloakError ? `${e.name} (${e.code}): ${e.message}` : String(e && e.stack || e);
    li.querySelector('pre').textContent = record.error;
  }
  li.dataset.status = record.status;
  li.querySelector('.badge').textContent = `${record.status === 'ok' ? 'ok' : 'FAILED'} · ${(performance.now() - t0).toFixed(0)} ms`;
  if (record.status !== 'ok') throw new Error(`step ${id} failed`);
}

// ?wasm=URL&worker=URL: where the .wasm and the worker are, given to load() (by default the
// package's own `new URL(..., import.meta.url)`, which a bundler may have rewritten).
const query = new URLSearchParams(location.search);
const wasm = {};
if (query.get('wasm')) wasm.wasmUrl = new URL(query.get('wasm'), location.href);
if (query.get('worker')) wasm.workerUrl = new URL(query.get('worker'), location.href);

playStory({ lib, step, backend: 'wasm', options: { wasm } }).then(
  () => {
    document.getElementById('summary').textContent = `all ${steps.length} steps passed`;
    document.body.dataset.done = 'ok';
  },
  (e) => {
    document.getElementById('summary').textContent = `failed: ${e.message}`;
    document.body.dataset.done = 'fail';
  },
);
