// @ts-nocheck
// The reference page's own script, next to Redoc (no dependency):
// - the code samples follow the request example picked above them (the build gives one sample per
//   example: `sgi-reference-data`), and the copy button copies the sample shown;
// - "Try it": a form on every operation that sends it to the sandbox (never production), with the
//   request prefilled from the spec's examples, the id of the last deployment created in this tab, the
//   body checked against the spec as the reader types (`sgiBodyValidators`, compiled at build time),
//   and the answer shown with its status, request id, headers and body. The token is kept in this tab
//   (sessionStorage) and nothing is sent without one. On the deployment endpoint's reference
//   (`data.endpoint`), "Try it" sends to a sandbox deployment's link + `/inference`, with the same token:
//   the link is the one the reader entered, or the `link` of a deployment the API's "Try it" showed
//   in this tab, and only a link of the page's sandbox is sent to;
// - keyboard: a skip link to the content, and focus moved to the operation chosen in the sidebar.
(() => {
  const dataElement = document.getElementById('sgi-reference-data');
  if (!dataElement) return;
  const data = JSON.parse(dataElement.textContent);
  const sandboxMeta = document.querySelector('meta[name="sgi-sandbox-url"]');
  const sandbox = (sandboxMeta?.content ?? '').replace(/\/$/, '');
  const tokenKey = 'sgi.tryit.token';
  const lastIdKey = 'sgi.tryit.lastDeploymentId';
  const lastLinkKey = 'sgi.tryit.lastDeploymentLink';
  const endpointMode = data.endpoint === true;
  /** A deployment link of this page's sandbox (`<sandbox>/deployments/<id>`), or undefined. */
  const sandboxLink = (text) => {
    try {
      const url = new URL(text);
      const base = new URL(sandbox);
      const prefix = `${base.pathname.replace(/\/$/, '')}/deployments/`;
      return url.origin === base.origin &&
        url.pathname.startsWith(prefix) &&
        url.pathname.length > prefix.length
        ? `${url.origin}${url.pathname.replace(/\/$/, '')}`
        : undefined;
    } catch {
      return undefined;
    }
  };
  const session = {
    get(key) {
      try {
        return sessionStorage.getItem(key) ?? '';
      } catch {
        return '';
      }
    },
    set(key, value) {
      try {
        if (value) sessionStorage.setItem(key, value);
        else sessionStorage.removeItem(key);
      } catch {}
    },
  };
  /** The languages of the samples' switcher (`redocly.yaml`). */
  const languages = ['curl', 'TypeScript', 'Python', 'Payload'];
  const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  // ---- Samples that follow the example picker -------------------------------------------------------

  /** The sample to show in place of Redoc's in a samples panel, or undefined to leave Redoc's. */
  function wantedSample(op, panel) {
    const lang = currentLanguage(panel);
    const picker = panel.querySelector('button[aria-label="Example"]');
    if (!lang || !picker) return undefined;
    const summary = picker.textContent.trim();
    const example = op.examples.find((e) => e.summary === summary);
    return example?.samples[lang];
  }

  function syncSamples() {
    for (const [id, op] of Object.entries(data.operations)) {
      if (op.examples.length < 2) continue;
      const section = document.querySelector(`[data-section-id="${op.route}"]`);
      if (!section) continue;
      for (const panel of section.querySelectorAll(
        '[data-testid="right-panel"] [data-component-name="Panel/Panel"]',
      )) {
        const pre = panel.querySelector('pre[data-testid="source-code"]:not(.sgi-sample)');
        if (!pre) continue;
        const text = wantedSample(op, panel);
        let mine = pre.parentElement.querySelector('pre.sgi-sample');
        if (text === undefined || text === op.samples[currentLanguage(panel)]) {
          // Redoc's own sample is the right one (the first example's).
          if (mine) mine.remove();
          pre.hidden = false;
          continue;
        }
        if (!mine) {
          mine = document.createElement('pre');
          mine.className = `${pre.className} sgi-sample`;
          mine.setAttribute('data-testid', 'source-code');
          mine.tabIndex = 0;
          mine.dataset.operation = id;
          pre.after(mine);
        }
        if (mine.textContent !== text) mine.textContent = text;
        pre.hidden = true;
      }
    }
  }
  function currentLanguage(panel) {
    return [
      ...panel.querySelectorAll('[data-component-name="Panel/PanelHeader"] button[aria-haspopup="menu"]'),
    ]
      .map((b) => b.textContent.trim())
      .find((t) => ['curl', 'TypeScript', 'Python'].includes(t));
  }

  // Redoc's copy button copies Redoc's sample: when ours is shown, copy ours.
  document.addEventListener(
    'click',
    (event) => {
      const button = event.target.closest?.('[data-testid="copy-button"]');
      const block = button?.closest('[data-component-name="CodeBlock/CodeBlock"]');
      const mine = block?.querySelector('pre.sgi-sample');
      if (!mine) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      navigator.clipboard?.writeText(mine.textContent).then(
        () => announce('Copied the sample.'),
        () => announce('Could not copy: select the sample and copy it.'),
      );
    },
    true,
  );

  let live;
  function announce(text) {
    if (!live) {
      live = document.createElement('div');
      live.className = 'sgi-visually-hidden';
      live.setAttribute('role', 'status');
      document.body.append(live);
    }
    live.textContent = '';
    setTimeout(() => {
      live.textContent = text;
    }, 30);
  }

  // ---- Try it ---------------------------------------------------------------------------------------

  /** What is wrong with `text` as the body of operation `id`: null if nothing. */
  function checkBody(id, text) {
    let body;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return { title: 'Not valid JSON:', lines: [error.message] };
    }
    const validate = window.sgiBodyValidators?.[id];
    if (!validate || validate(body)) return null;
    return {
      title: 'Does not match the request schema:',
      lines: window.sgiDescribeBodyErrors(validate.errors ?? [], body),
    };
  }

  const lastId = () => session.get(lastIdKey);
  const lastLink = () => session.get(lastLinkKey);

  function panelHtml(id, op) {
    const p = `sgi-tryit-${id}`;
    const params = op.parameters
      .map((param, i) => {
        const input = `${p}-param-${i}`;
        const label = `${escapeHtml(param.name)} <span class="sgi-tryit-where">(${param.in}${param.required ? ', required' : ''})</span>`;
        if (param.enum) {
          const options = param.enum
            .map(
              (v) =>
                `<option${String(v) === String(param.example ?? param.default) ? ' selected' : ''}>${escapeHtml(v)}</option>`,
            )
            .join('');
          return `<label for="${input}">${label}</label><select id="${input}" data-param="${i}">${options}</select>`;
        }
        return `<label for="${input}">${label}</label><input id="${input}" data-param="${i}" type="text" spellcheck="false" autocomplete="off">`;
      })
      .join('');
    const examples = op.examples.length
      ? `<label for="${p}-example">Example</label><select id="${p}-example" class="sgi-tryit-example">${op.examples
          .map((e, i) => `<option value="${i}">${escapeHtml(e.summary)}</option>`)
          .join('')}</select>`
      : '';
    const body = op.hasBody
      ? `${examples}<label for="${p}-body">Request body (JSON)</label>
<textarea id="${p}-body" class="sgi-tryit-body" rows="14" spellcheck="false" aria-describedby="${p}-check"></textarea>
<div id="${p}-check" class="sgi-body-check" role="status"></div>`
      : '';
    return `<button type="button" class="sgi-tryit-toggle" aria-expanded="false" aria-controls="${p}">Try it in the sandbox</button>
<div id="${p}" class="sgi-tryit-form" hidden>
${
  endpointMode
    ? `<p class="sgi-tryit-note">Sends <strong>${escapeHtml(op.method.toUpperCase())} ${escapeHtml(op.path)}</strong> to a deployment of the sandbox at <code>${escapeHtml(sandbox)}</code>, at its link + <code>/inference</code>: no GPUs, no costs.</p>`
    : `<p class="sgi-tryit-note">Sends <strong>${escapeHtml(op.method.toUpperCase())} ${escapeHtml(op.path)}</strong> to the sandbox at <code>${escapeHtml(sandbox)}</code>: a stateful mock, no GPUs, no costs.</p>`
}
<div class="sgi-tryit-fields">
<label for="${p}-token">Access token</label>
<input id="${p}-token" class="sgi-tryit-token" type="password" autocomplete="off" spellcheck="false" aria-describedby="${p}-token-hint">
<p id="${p}-token-hint" class="sgi-tryit-hint">${
      endpointMode
        ? 'The same token as for the API: in the sandbox it is the key of your deployments’ endpoints. Kept in this tab only.'
        : 'Any token works in the sandbox; each token has its own deployments. Kept in this tab only.'
    }</p>
${
  endpointMode
    ? `<label for="${p}-link">Deployment link</label>
<input id="${p}-link" class="sgi-tryit-link" type="url" spellcheck="false" autocomplete="off" aria-describedby="${p}-link-hint">
<p id="${p}-link-hint" class="sgi-tryit-hint">The <code>link</code> of an <code>ACTIVE</code> sandbox deployment (get it in the API reference); requests go to link + <code>/inference</code>.</p>`
    : ''
}
${params}
${endpointMode ? '' : `<label class="sgi-tryit-check"><input type="checkbox" class="sgi-tryit-quirks"><span>Answer as production does today (sends <code>X-Sandbox-Quirks: production</code>)</span></label>`}
${body}
</div>
<button type="button" class="sgi-tryit-send">Send</button>
<div class="sgi-tryit-prompt" role="alert"></div>
<div class="sgi-tryit-result" aria-live="polite"></div>
</div>`;
  }

  function fillParams(container, op, force) {
    const link = container.querySelector('.sgi-tryit-link');
    if (link && (force || !link.value || link.dataset.filled === link.value)) {
      link.value = lastLink();
      link.dataset.filled = link.value;
    }
    for (const input of container.querySelectorAll('[data-param]')) {
      const param = op.parameters[Number(input.dataset.param)];
      if (input.tagName === 'SELECT') continue;
      const example =
        param.name === 'inference_id' ? lastId() || '' : String(param.example ?? param.default ?? '');
      if (force || !input.value || (param.name === 'inference_id' && input.dataset.filled === input.value)) {
        input.value = example;
        input.dataset.filled = example;
      }
    }
  }

  function setExample(container, op, index) {
    const textarea = container.querySelector('.sgi-tryit-body');
    if (!textarea) return;
    const example = op.examples[index];
    textarea.value = example ? JSON.stringify(example.value, null, 2) : '{}';
    updateCheck(container, op);
  }

  function updateCheck(container, op) {
    const textarea = container.querySelector('.sgi-tryit-body');
    const box = container.querySelector('.sgi-body-check');
    if (!textarea || !box) return;
    const problems = checkBody(op.id, textarea.value);
    textarea.setAttribute('aria-invalid', String(problems != null));
    box.dataset.valid = String(problems == null);
    if (problems == null) {
      box.textContent = 'The body matches the request schema.';
      return;
    }
    box.innerHTML = `<strong>${escapeHtml(problems.title)}</strong><ul>${problems.lines
      .map((l) => `<li>${escapeHtml(l)}</li>`)
      .join('')}</ul>`;
  }

  /**
   * The samples sit after every field of an operation: a skip button right after its heading (shown
   * when focused) takes the keyboard to their language switcher, a Tab and an Enter away.
   */
  function attachSkipToSamples(section) {
    const heading = section.querySelector('h1, h2');
    if (!heading || section.querySelector('.sgi-to-samples')) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sgi-to-samples';
    button.textContent = 'Skip to the code samples';
    button.addEventListener('click', () => {
      const switcher = [
        ...section.querySelectorAll('[data-testid="right-panel"] button[aria-haspopup="menu"]'),
      ].find((b) => languages.includes(b.textContent.trim()));
      if (!switcher) return;
      switcher.scrollIntoView({ block: 'center' });
      switcher.focus({ preventScroll: true });
    });
    heading.after(button);
  }

  function attach(id, op) {
    const section = document.querySelector(`[data-section-id="${op.route}"]`);
    if (!section) return;
    attachSkipToSamples(section);
    // The operation's heading row: Redoc leaves its right-hand column empty.
    const slot = section.querySelector('[data-testid="right-panel"]');
    if (!slot || slot.querySelector('.sgi-tryit')) return;
    const container = document.createElement('section');
    container.className = 'sgi-tryit';
    container.setAttribute('aria-label', `Try it: ${op.summary}`);
    container.dataset.operation = id;
    container.innerHTML = panelHtml(id, op);
    slot.append(container);
    const toggle = container.querySelector('.sgi-tryit-toggle');
    const form = container.querySelector('.sgi-tryit-form');
    toggle.addEventListener('click', () => {
      const open = form.hidden;
      form.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) {
        container.querySelector('.sgi-tryit-token').value = session.get(tokenKey);
        fillParams(container, op, false);
        const textarea = container.querySelector('.sgi-tryit-body');
        if (textarea && !textarea.value) {
          // The example picked above the samples, if any.
          const picked = section.querySelector('button[aria-label="Example"]')?.textContent.trim();
          const index = Math.max(
            0,
            op.examples.findIndex((e) => e.summary === picked),
          );
          const select = container.querySelector('.sgi-tryit-example');
          if (select) select.value = String(index);
          setExample(container, op, index);
        }
        container.querySelector('.sgi-tryit-token').focus();
      }
    });
    container.querySelector('.sgi-tryit-token').addEventListener('input', (event) => {
      session.set(tokenKey, event.target.value.trim());
      container.querySelector('.sgi-tryit-prompt').textContent = '';
    });
    container.querySelector('.sgi-tryit-link')?.addEventListener('input', (event) => {
      container.querySelector('.sgi-tryit-prompt').textContent = '';
      const link = sandboxLink(event.target.value.trim());
      if (link) session.set(lastLinkKey, link);
    });
    container.querySelector('.sgi-tryit-example')?.addEventListener('change', (event) => {
      setExample(container, op, Number(event.target.value));
    });
    let timer;
    container.querySelector('.sgi-tryit-body')?.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => updateCheck(container, op), 150);
    });
    container.querySelector('.sgi-tryit-send').addEventListener('click', () => send(container, op));
  }

  async function send(container, op) {
    const tokenField = container.querySelector('.sgi-tryit-token');
    const prompt = container.querySelector('.sgi-tryit-prompt');
    const result = container.querySelector('.sgi-tryit-result');
    const token = tokenField.value.trim();
    prompt.textContent = '';
    if (!token) {
      // Nothing is sent that the reader did not enter.
      prompt.textContent =
        'Enter an access token first: any text works in the sandbox (for example your name).';
      tokenField.setAttribute('aria-invalid', 'true');
      tokenField.focus();
      return;
    }
    tokenField.removeAttribute('aria-invalid');
    let base = sandbox;
    const linkField = container.querySelector('.sgi-tryit-link');
    if (linkField) {
      const entered = linkField.value.trim();
      const link = sandboxLink(entered);
      if (!link) {
        // Only a deployment of this page's sandbox: never production, never another host.
        prompt.textContent = entered
          ? `Enter the link of a deployment of the sandbox at ${sandbox} (${sandbox}/deployments/<inf_id>).`
          : "Enter the deployment's link first: its link field in the API reference's get, once it is ACTIVE.";
        linkField.setAttribute('aria-invalid', 'true');
        linkField.focus();
        return;
      }
      linkField.removeAttribute('aria-invalid');
      base = `${link}/inference`;
    }
    let path = op.path;
    const query = new URLSearchParams();
    for (const input of container.querySelectorAll('[data-param]')) {
      const param = op.parameters[Number(input.dataset.param)];
      const value = input.value.trim();
      if (param.in === 'path') {
        if (!value) {
          prompt.textContent = `Enter ${param.name} first${param.name === 'inference_id' ? ': the inf_id that create returned (try create first).' : '.'}`;
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          return;
        }
        input.removeAttribute('aria-invalid');
        path = path.replace(`{${param.name}}`, encodeURIComponent(value));
      } else if (param.in === 'query' && value) query.set(param.name, value);
    }
    const headers = { Authorization: `Bearer ${token}` };
    if (container.querySelector('.sgi-tryit-quirks')?.checked) headers['X-Sandbox-Quirks'] = 'production';
    const init = { method: op.method.toUpperCase(), headers };
    const textarea = container.querySelector('.sgi-tryit-body');
    if (textarea) {
      headers['Content-Type'] = 'application/json';
      init.body = textarea.value;
    }
    const url = `${base}${path}${query.size ? `?${query}` : ''}`;
    result.innerHTML = `<p class="sgi-tryit-status">Sending ${escapeHtml(init.method)} ${escapeHtml(url)}…</p>`;
    let response;
    let text;
    try {
      response = await fetch(url, init);
      text = await response.text();
    } catch (error) {
      result.innerHTML = `<p class="sgi-tryit-status" data-ok="false">No answer from the sandbox at ${escapeHtml(sandbox)} (${escapeHtml(error.message)}). Is it running?</p>`;
      return;
    }
    let shown = text;
    let json;
    try {
      json = JSON.parse(text);
      shown = JSON.stringify(json, null, 2);
    } catch {}
    // A deployment's link (get, once ACTIVE) is what the endpoint's "Try it" sends to.
    const shownLink = typeof json?.message?.link === 'string' ? sandboxLink(json.message.link) : undefined;
    if (!endpointMode && response.ok && shownLink) session.set(lastLinkKey, shownLink);
    if (op.id === data.createOperation && response.ok && typeof json?.message?.inf_id === 'string') {
      session.set(lastIdKey, json.message.inf_id);
      for (const other of document.querySelectorAll('.sgi-tryit')) {
        const o = data.operations[other.dataset.operation];
        if (o) fillParams(other, o, false);
      }
    }
    const requestId = response.headers.get('x-request-id');
    const rows = [...response.headers.entries()]
      .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('');
    result.innerHTML = `<p class="sgi-tryit-status" data-ok="${response.ok}"><strong>HTTP ${response.status}</strong> ${escapeHtml(response.statusText)}${
      requestId ? ` · request id <code>${escapeHtml(requestId)}</code>` : ''
    }</p>
<details class="sgi-tryit-headers"><summary>Response headers</summary><table><caption>HTTP ${response.status}</caption>${rows}</table></details>
<pre class="sgi-tryit-answer" tabindex="0" aria-label="Response body">${escapeHtml(shown || '(no body)')}</pre>`;
  }

  // ---- Keyboard -------------------------------------------------------------------------------------

  // Choosing an operation in the sidebar moves the focus to it (not only the scroll position).
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.(
      ':is([data-component-name="Menu/Menu"], .site-nav-ops) a[href^="#/"]',
    );
    if (!link) return;
    const route = link.getAttribute('href').slice(1);
    // Redoc renders the operation (and scrolls to it) a moment later: focus its heading once it is there.
    let tries = 0;
    const focusHeading = () => {
      const section = document.querySelector(`[data-section-id="${CSS.escape(route)}"]`);
      const heading = section?.querySelector('h1, h2');
      if (!heading) {
        if (tries++ < 30) setTimeout(focusHeading, 100);
        return;
      }
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    };
    setTimeout(focusHeading, 100);
  });

  // ---- Start ----------------------------------------------------------------------------------------

  // On narrow screens the site's menu is the only one (Redoc's sidebar and its button are hidden): its
  // "Dark mode" button works Redoc's own switcher, which is in that hidden sidebar.
  document.querySelector('.site-nav-theme')?.addEventListener('click', () => {
    document.querySelector('[data-testid="color-mode-switcher"]')?.click();
    setTimeout(nameColorMode, 0);
  });

  /** Redoc names its colour mode button after the mode ("light"): name it after what it does. */
  function nameColorMode() {
    const dark = document.documentElement.classList.contains('dark');
    const mine = document.querySelector('.site-nav-theme');
    if (mine && mine.getAttribute('aria-pressed') !== String(dark))
      mine.setAttribute('aria-pressed', String(dark));
    const button = document.querySelector('[data-testid="color-mode-switcher"]');
    if (!button) return;
    if (button.getAttribute('aria-label') !== 'Dark mode') button.setAttribute('aria-label', 'Dark mode');
    if (button.getAttribute('aria-pressed') !== String(dark))
      button.setAttribute('aria-pressed', String(dark));
  }

  let queued = false;
  function refresh() {
    queued = false;
    for (const [id, op] of Object.entries(data.operations)) attach(id, op);
    syncSamples();
    nameColorMode();
  }
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    setTimeout(refresh, 60);
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['class', 'aria-label'],
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', refresh);
  else refresh();
})();
