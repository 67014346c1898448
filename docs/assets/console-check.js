// @ts-nocheck
// Checks the request body as the reader types it, against the operation's schema in the spec (the
// validators are compiled at build time: `sgiBodyValidators`, loaded before this script), and says what
// is wrong under the editor, naming each field. The request is still sent as typed: the sandbox's own
// answer (a 422 naming the fields) is part of what the reader learns.
(() => {
  const statusId = 'sgi-body-check';
  const limit = 6;
  let lastChecked;

  /** The operation the console shows (`#/operations/<operationId>`). */
  const operationId = () => decodeURIComponent(location.hash.match(/^#\/operations\/([^/?]+)/)?.[1] ?? '');

  const unescapeKey = (key) => key.replaceAll('~1', '/').replaceAll('~0', '~');
  /** `/autoscaling_config/min_workers` -> `autoscaling_config.min_workers`. */
  const fieldOf = (pointer, extra) => {
    const keys = pointer.split('/').slice(1).map(unescapeKey);
    if (extra !== undefined) keys.push(String(extra));
    return keys.length === 0 ? 'the body' : keys.join('.');
  };

  /** Ajv's errors as one line per field, without the echoes of `anyOf` (nullable fields) around them. */
  function describe(errors) {
    const lines = new Map();
    for (const error of errors) {
      const deeper = errors.some(
        (e) =>
          e !== error &&
          e.instancePath.startsWith(error.instancePath) &&
          e.instancePath !== error.instancePath,
      );
      if (['anyOf', 'oneOf', 'allOf', 'if'].includes(error.keyword)) {
        if (errors.some((e) => e !== error && e.instancePath.startsWith(error.instancePath))) continue;
      }
      if (error.keyword === 'type' && error.params.type === 'null') continue; // the nullable branch of an anyOf
      if (error.keyword === 'type' && deeper) continue;
      let line;
      if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
        const name = error.params.unevaluatedProperty ?? error.params.additionalProperty;
        line = `${fieldOf(error.instancePath, name)}: not a field of this request (misspelt?)`;
      } else if (error.keyword === 'required') {
        line = `${fieldOf(error.instancePath, error.params.missingProperty)}: required`;
      } else if (error.keyword === 'enum') {
        line = `${fieldOf(error.instancePath)}: must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      } else {
        line = `${fieldOf(error.instancePath)}: ${error.message}`;
      }
      lines.set(line, true);
    }
    return [...lines.keys()];
  }

  /** What is wrong with `text` as the body of `id`: `null` if nothing, else a title and lines to show. */
  function check(id, text) {
    let body;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return { title: 'Not valid JSON:', lines: [error.message] };
    }
    const validate = window.sgiBodyValidators?.[id];
    if (!validate || validate(body)) return null;
    return { title: 'Does not match the request schema:', lines: describe(validate.errors ?? []) };
  }

  /** Shows the check of the body editor's text under it (only when the text changed). */
  function update(force) {
    const editor = document.querySelector('.TextRequestBody textarea');
    if (!editor) return;
    const id = operationId();
    const key = `${id}\n${editor.value}`;
    let box = document.getElementById(statusId);
    if (!force && key === lastChecked && box) return;
    lastChecked = key;
    if (!box) {
      box = document.createElement('div');
      box.id = statusId;
      box.className = 'sgi-body-check';
      box.setAttribute('role', 'status');
      editor.closest('.TextRequestBody')?.append(box);
    }
    const described = editor.getAttribute('aria-describedby') ?? '';
    if (!described.split(' ').includes(statusId))
      editor.setAttribute('aria-describedby', `${described} ${statusId}`.trim());
    const problems = check(id, editor.value);
    editor.setAttribute('aria-invalid', String(problems != null));
    box.dataset.valid = String(problems == null);
    if (problems == null) {
      box.textContent = 'The body matches the request schema.';
      return;
    }
    const { title, lines } = problems;
    const items = lines
      .slice(0, limit)
      .map((line) => `<li>${escapeHtml(line)}</li>`)
      .join('');
    const more = lines.length > limit ? `<li>and ${lines.length - limit} more</li>` : '';
    box.innerHTML = `<strong>${title}</strong><ul>${items}${more}</ul>`;
  }
  const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  // As the reader types (debounced: one check per pause), and whenever Elements shows a new body
  // (another operation, an example picked from the menu).
  let timer;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => update(false), 120);
  };
  document.addEventListener('input', (event) => {
    if (event.target instanceof HTMLTextAreaElement && event.target.closest('.TextRequestBody')) soon();
  });
  new MutationObserver(soon).observe(document.documentElement, { childList: true, subtree: true });
})();
