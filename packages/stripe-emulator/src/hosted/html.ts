// Server-rendered HTML: a tagged template that escapes every interpolated value unless it is
// already markup, so a forgotten escape cannot happen rather than merely being unlikely.

export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type Interpolation = Html | string | number | null | undefined | false | readonly Interpolation[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function render(value: Interpolation): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map((item: Interpolation) => render(item)).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new Html(out);
}

/** Trusted constant markup (the stylesheet and script), never data. */
export function trusted(text: string): Html {
  return new Html(text);
}

/**
 * Only http(s) URLs become links or redirects: return and success URLs come from API callers, and a
 * `javascript:` URL in an href (or a newline in a Location header) must never get through.
 */
export function safeUrl(url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** "Return to app.example.com": Stripe names the business; the emulator has only the URL. */
export function hostOf(url: string): string {
  return new URL(url).host;
}
