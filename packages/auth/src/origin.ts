// CSRF defence for state-changing requests: the browser's Origin header must be ours.

/** True when the request's Origin (or, lacking it, Referer) is the app's own origin. */
export function isSameOrigin(request: Request, appBaseUrl: string): boolean {
  const expected = new URL(appBaseUrl).origin;
  const origin = request.headers.get("Origin");
  if (origin) return origin === expected;
  // Some browsers omit Origin on same-origin form posts; Referer then tells.
  const referer = request.headers.get("Referer");
  if (!referer) return false;
  try {
    return new URL(referer).origin === expected;
  } catch {
    return false;
  }
}
