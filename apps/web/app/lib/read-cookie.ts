// One cookie's value from a Cookie header, leaving every other cookie alone: cookies set
// by other scripts on this domain (analytics, extensions) or forged by a client may not
// decode, and one of them must not break every page.

/** The first value of `name` that decodes, or null. Other cookies are never decoded. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    // RFC 6265 allows a value in double quotes.
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch (error) {
      if (!(error instanceof URIError)) throw error;
      // Undecodable: as good as absent; a later cookie of the same name may still do.
    }
  }
  return null;
}
