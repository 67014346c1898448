// @ts-nocheck
// What Stoplight Elements' markup lacks for screen readers and keyboards (axe-core, WCAG 2.1 A/AA), put
// right on what it renders, as it renders it. Each repair is idempotent and touches only attributes and
// listeners, never the nodes React owns, so Elements keeps working as it was built to.
(() => {
  const hint = 'sgi-editor-hint';

  /** The title of the panel an element sits in ("Request Sample: Shell / cURL", "Response Example"). */
  const panelTitle = (element) =>
    element.closest('.sl-panel')?.querySelector('.sl-panel__titlebar')?.textContent?.trim() ?? '';

  /** Makes a `role="button"` element that is not focusable reachable and operable from the keyboard. */
  function operable(element) {
    if (element.hasAttribute('tabindex')) return;
    element.tabIndex = 0;
    element.dataset.sgiKeyboard = '';
  }

  const repairs = [
    // The request body editor: a name, and how to leave it (Tab indents inside it).
    [
      '.TextRequestBody textarea',
      (t) => {
        if (!t.hasAttribute('aria-label')) t.setAttribute('aria-label', 'Request body (JSON)');
        if (!t.hasAttribute('aria-describedby')) t.setAttribute('aria-describedby', hint);
      },
    ],
    // Headings drawn as divs, with no level.
    ['[role="heading"]:not([aria-level])', (h) => h.setAttribute('aria-level', '3')],
    // Icon-only buttons (copy): named after what they copy.
    [
      '.sl-panel__titlebar button',
      (b) => {
        if (b.hasAttribute('aria-label') || b.textContent.trim()) return;
        const icon = b.querySelector('svg[data-icon]')?.getAttribute('data-icon');
        if (icon === 'copy') b.setAttribute('aria-label', `Copy: ${panelTitle(b)}`);
      },
    ],
    // The schema's expand toggles: a name, a state, and the keyboard.
    [
      'elements-api [role="button"].sl-w-8',
      (toggle) => {
        const row = toggle.parentElement;
        const name =
          row?.querySelector('[data-test^="property-name"]')?.textContent?.trim() ?? 'this property';
        const open = toggle.querySelector('svg[data-icon="chevron-down"]') != null;
        const label = `Fields of ${name}`;
        if (toggle.getAttribute('aria-label') !== label) toggle.setAttribute('aria-label', label);
        if (toggle.getAttribute('aria-expanded') !== String(open))
          toggle.setAttribute('aria-expanded', String(open));
        operable(toggle);
      },
    ],
    // A menu trigger drawn as a div (the schema's "any of" picker): a button's role, and the keyboard.
    [
      'elements-api div[aria-haspopup]:not([role])',
      (trigger) => {
        trigger.setAttribute('role', 'button');
        operable(trigger);
      },
    ],
    // Tabs that point at a panel that is not in the page.
    [
      '[role="tab"][aria-controls]',
      (tab) => {
        if (!document.getElementById(tab.getAttribute('aria-controls'))) tab.removeAttribute('aria-controls');
      },
    ],
    // React Aria's hidden native selects (for autofill) must stay out of the tab order.
    [
      '.sl-select > [aria-hidden="true"] :is(input, select, textarea, button)',
      (control) => {
        if (control.getAttribute('tabindex') !== '-1') control.setAttribute('tabindex', '-1');
      },
    ],
    // Scrolling code (samples, examples, responses): focusable, so the keyboard can scroll it.
    [
      '.sl-code-viewer__scroller',
      (scroller) => {
        if (scroller.hasAttribute('tabindex')) return;
        scroller.tabIndex = 0;
        scroller.setAttribute('role', 'region');
        scroller.setAttribute('aria-label', panelTitle(scroller) || 'Code');
      },
    ],
    // A collapsible panel's title bar that holds a control of its own (the body's "Examples" menu) cannot
    // be a button too: that panel stays open, and its title bar is a plain title.
    [
      '.sl-panel__titlebar[role="button"]',
      (bar) => {
        if (!bar.querySelector('button, [tabindex], input, select, a[href]')) return;
        bar.removeAttribute('role');
        bar.removeAttribute('tabindex');
        bar.removeAttribute('aria-expanded');
        bar.dataset.sgiStaysOpen = '';
      },
    ],
  ];

  function repair() {
    for (const [selector, fix] of repairs)
      for (const element of document.querySelectorAll(selector)) fix(element);
  }

  // Synchronously after each of React's commits (a microtask), before anything else reads the page.
  new MutationObserver(repair).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['tabindex', 'aria-controls', 'role', 'aria-label'],
  });

  // Enter and Space press the buttons made focusable above, as they press a real button.
  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.hasAttribute('data-sgi-keyboard')) return;
    if ((event.key !== 'Enter' && event.key !== ' ') || event.defaultPrevented) return; // handled by Elements
    event.preventDefault();
    target.click();
  });
  // A title bar that stays open ignores clicks on itself (its own controls still work).
  document.addEventListener(
    'click',
    (event) => {
      const bar = event.target instanceof Element ? event.target.closest('[data-sgi-stays-open]') : null;
      if (bar && !event.target.closest('button, [role="button"], a, input, select')) event.stopPropagation();
    },
    true,
  );
})();
