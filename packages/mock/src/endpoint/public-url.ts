/** A public URL as given (`--public-url`), checked: http(s), no query or fragment, no trailing slash. */
export function publicUrlOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`publicUrl must be an http(s) URL (got '${value.slice(0, 200)}').`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username)
    throw new Error(
      `publicUrl must be an http(s) URL without credentials, query or fragment (got '${value.slice(0, 200)}').`,
    );
  return url.href.replace(/\/+$/, '');
}
