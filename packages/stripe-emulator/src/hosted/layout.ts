// The document shell and the small pages every hosted surface needs (not found, expired, error).
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html, trusted, type Html } from "./html.ts";
import { STYLESHEET } from "./styles.ts";

export interface DocumentOptions {
  title: string;
  body: Html;
  /** Class on <body>, e.g. "portal". */
  bodyClass?: string;
  /** Inline progressive JavaScript (a trusted constant). */
  script?: string;
}

export function renderDocument(options: DocumentOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
<style>${trusted(STYLESHEET)}</style>
</head>
<body class="${options.bodyClass ?? ""}">
${options.body}
${options.script === undefined ? "" : html`<script>${trusted(options.script)}</script>`}
</body>
</html>`.text;
}

export function pageResponse(
  status: number,
  title: string,
  body: Html,
  extra: Omit<DocumentOptions, "title" | "body"> = {},
): HostedPageResponse {
  return { status, html: renderDocument({ title, body, ...extra }) };
}

/** A 303 to `location` (post/redirect/get). */
export function redirect(location: string): HostedPageResponse {
  return { status: 303, html: "", location };
}

/** A centred message page: missing sessions, expired links, completed checkouts. */
export function messagePage(
  status: number,
  title: string,
  message: string,
  link?: { href: string; label: string },
): HostedPageResponse {
  return pageResponse(
    status,
    title,
    html`<main class="center">
  <span class="pill">Test mode</span>
  <h1 style="margin-top:16px">${title}</h1>
  <p class="muted">${message}</p>
  ${link === undefined ? "" : html`<p><a class="btn" href="${link.href}">${link.label}</a></p>`}
</main>`,
  );
}

export function notFoundPage(what: string): HostedPageResponse {
  return messagePage(
    404,
    `${what} not found`,
    `There is no ${what.toLowerCase()} at this address in the emulator. ` +
      "Check the link, or whether the emulator was reset.",
  );
}
