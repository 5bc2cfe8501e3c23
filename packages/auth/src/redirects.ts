// Where a user may be sent after logging in: only paths on this site.

/**
 * `to` when it is a same-site relative path, else `fallback`. Refuses absolute URLs,
 * protocol-relative `//host`, backslash tricks (`/\\host`) and control characters, all of
 * which browsers may resolve to another site.
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(to)) return fallback;
  try {
    const base = "http://same.invalid";
    return new URL(to, base).origin === base ? to : fallback;
  } catch {
    return fallback;
  }
}
