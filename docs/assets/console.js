// @ts-nocheck
// The console page's glue around Stoplight Elements (loaded after this script):
// - the reader's bearer token stays in this tab: Elements keeps it under one localStorage key, which is
//   moved to sessionStorage before Elements starts;
// - every response the console receives is recorded, so that its headers can be shown next to the status
//   and body that Elements shows;
// - the id of the last deployment created from the console fills the id of every other operation.
(() => {
  const tokenKeys = new Set(['TryIt_securitySchemeValues']);
  const local = window.localStorage;
  for (const method of ['getItem', 'setItem', 'removeItem']) {
    const original = Storage.prototype[method];
    Storage.prototype[method] = function (key, ...rest) {
      if (this === local && tokenKeys.has(key)) return original.call(window.sessionStorage, key, ...rest);
      return original.call(this, key, ...rest);
    };
  }
  try {
    for (const key of tokenKeys) local.removeItem(key);
  } catch {}

  const lastIdKey = 'sgi.console.lastDeploymentId';
  const config = document.querySelector('meta[name="sgi-sandbox-url"]');
  const sandbox = new URL(config?.content ?? 'http://127.0.0.1:4010');
  let spec;

  const exampleId = () => {
    try {
      return sessionStorage.getItem(lastIdKey);
    } catch {
      return null;
    }
  };

  /** The example ids the spec gives for `inference_id`. */
  const specExampleIds = new Set();

  /** The spec with the sandbox as its only server, and the last created id as every id's example. */
  function withLastId(document) {
    const copy = structuredClone(document);
    // The sandbox this page was served for, whatever the spec was built with.
    copy.servers = [{ url: sandbox.href.replace(/\/$/, ''), description: 'Sandbox' }];
    const id = exampleId();
    const visit = (node) => {
      if (!node || typeof node !== 'object') return;
      if (node.in === 'path' && node.name === 'inference_id') {
        for (const value of [node.example, node.schema?.example]) {
          if (typeof value === 'string') specExampleIds.add(value);
        }
      }
      if (node.in === 'path' && node.name === 'inference_id' && id) {
        node.example = id;
        if (node.schema) node.schema.example = id;
        delete node.examples;
      }
      for (const value of Object.values(node)) visit(value);
    };
    visit(copy);
    return copy;
  }

  const element = () => document.querySelector('elements-api');
  const realFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    const url = new URL(typeof input === 'string' ? input : input.url, location.href);
    if (url.origin !== sandbox.origin) return response;
    const headers = [...response.headers.entries()];
    showHeaders(response.status, headers);
    if (url.pathname.endsWith('/sg_inf/create') && response.ok) {
      response
        .clone()
        .json()
        .then((body) => {
          const id = body?.message?.inf_id;
          if (typeof id !== 'string') return;
          sessionStorage.setItem(lastIdKey, id);
          if (spec && element()) element().apiDescriptionDocument = withLastId(spec);
        })
        .catch(() => {});
    }
    return response;
  };

  let last;
  let seq = 0;
  function showHeaders(status, headers) {
    seq += 1;
    last = { status, headers, seq };
    render();
  }
  /** Adds the last response's headers under the status and body that Elements shows. */
  function render() {
    if (!last) return;
    // Elements' panel of the response it received (not the spec's "Response Example").
    const panel = [...document.querySelectorAll('.sl-panel')].find((p) =>
      /^Response(?!\s*Example)/.test(p.firstElementChild?.textContent?.trim() ?? ''),
    );
    const content = panel?.querySelector('.sl-panel__content');
    if (!content) return;
    let box = content.querySelector('.sgi-response-headers');
    if (!box) {
      box = document.createElement('details');
      box.className = 'sgi-response-headers';
      box.open = true;
      content.append(box);
    }
    const rows = last.headers
      .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('');
    box.dataset.seq = String(last.seq);
    box.innerHTML = `<summary>Response headers</summary><table><caption>HTTP ${last.status}</caption>${rows}</table>`;
  }
  const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  /**
   * The id field of an operation opened before Elements took in the new example still shows the
   * spec's example id: put the last created id there (a value the reader typed is left alone).
   */
  function fillLastId() {
    const id = exampleId();
    const field = document.querySelector('input[aria-label="inference_id"]');
    if (!id || !field || field.value === id || !specExampleIds.has(field.value)) return;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(field, id);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // Elements re-renders as the reader moves: put the headers back whenever they went missing, and
  // the last id into a newly shown id field.
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    // A timer rather than an animation frame: frames stop in a tab the reader is not looking at.
    setTimeout(() => {
      queued = false;
      if (last && !document.querySelector('.sgi-response-headers')) render();
      fillLastId();
    }, 50);
  }).observe(document.documentElement, { childList: true, subtree: true });

  async function start() {
    const response = await realFetch(new URL(config?.dataset.spec ?? 'console/openapi.json', location.href));
    spec = await response.json();
    element().apiDescriptionDocument = withLastId(spec);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
