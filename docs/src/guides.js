// @ts-check
/**
 * The guides, in reading order: one Markdown file each in `guides/`, rendered to `dist/guides/<slug>.html`.
 * `nav`: a shorter name for the header, so that every link fits a 1400 px window.
 * @type {Array<{ slug: string, title: string, nav?: string }>}
 */
export const guides = [
  { slug: 'getting-started', title: 'Getting started' },
  { slug: 'authentication', title: 'Authentication' },
  { slug: 'client', title: 'The TypeScript client', nav: 'Client' },
  { slug: 'lifecycle', title: 'Lifecycle and statuses', nav: 'Lifecycle' },
  { slug: 'errors-and-retries', title: 'Errors and retries', nav: 'Errors' },
  { slug: 'call-your-deployment', title: 'Call your deployment', nav: 'Endpoint' },
  { slug: 'sandbox', title: 'The sandbox', nav: 'Sandbox' },
  { slug: 'testing', title: 'Testing against the mock', nav: 'Testing' },
  { slug: 'production', title: 'Production and the contract', nav: 'Production' },
  { slug: 'changelog', title: 'Changelog' },
];

/** Path of the API reference page inside the site folder. */
export const referencePage = 'index.html';

/** Path of the reference of a deployment's model endpoint (`@sgi/spec`'s `endpoint.json`) inside the site folder. */
export const endpointReferencePage = 'endpoint.html';

/** Path of the console page (every operation, sent to the sandbox) inside the site folder. */
export const consolePage = 'console.html';

/** Path of the page a server sends for an address that has no page. */
export const notFoundPage = '404.html';

/** Path of a guide page inside the site folder. */
export function guidePage(/** @type {string} */ slug) {
  return `guides/${slug}.html`;
}
