// @ts-check
/** The guides, in reading order: one Markdown file each in `guides/`, rendered to `dist/guides/<slug>.html`. */
export const guides = [
  { slug: 'getting-started', title: 'Getting started' },
  { slug: 'authentication', title: 'Authentication' },
  { slug: 'lifecycle', title: 'Lifecycle and statuses' },
  { slug: 'errors-and-retries', title: 'Errors and retries' },
  { slug: 'call-your-deployment', title: 'Call your deployment' },
  { slug: 'testing', title: 'Testing against the mock' },
  { slug: 'production', title: 'Production and the contract' },
  { slug: 'changelog', title: 'Changelog' },
];

/** Path of the API reference page inside the site folder. */
export const referencePage = 'index.html';

/** Path of the console page (every operation, sent to the sandbox) inside the site folder. */
export const consolePage = 'console.html';

/** Path of the page a server sends for an address that has no page. */
export const notFoundPage = '404.html';

/** Path of a guide page inside the site folder. */
export function guidePage(/** @type {string} */ slug) {
  return `guides/${slug}.html`;
}
