// Where a user may be sent after logging in or signing up: only paths on this site.

/**
 * `to` when it is a same-site relative path; `fallback` when it is absent or names
 * another site (absolute URLs, protocol-relative `//host`, backslash tricks like
 * `/\\host`, `javascript:`), since a link may carry one and ignoring it is enough; and
 * null when it holds a character a URL never carries unencoded (controls, spaces,
 * anything beyond ASCII). Browsers drop some of those (`/\t/host` becomes `//host`) and
 * no Location header can carry the others (U+2028 failed the redirect after the session
 * was made), and only a hand-made request sends them: the caller refuses it before doing
 * anything.
 */
export function safeRedirect(to: unknown, fallback = "/"): string | null {
  if (typeof to !== "string" || to === "") return fallback;
  if (/[^\x21-\x7e]/.test(to)) return null;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  try {
    const base = "http://same.invalid";
    return new URL(to, base).origin === base ? to : fallback;
  } catch {
    return fallback;
  }
}
