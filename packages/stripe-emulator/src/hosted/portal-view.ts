// The Customer Portal's frame: business panel on the left (headline, return link, test-mode
// badge), the page on the right, and the one-line notices that follow each action.
import { declineWording } from "./card-form.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { hostOf, html, safeUrl, type Html } from "./html.ts";
import { pageResponse } from "./layout.ts";
import type { PortalContext } from "./portal-context.ts";

const NOTICES = {
  plan_updated: "Your plan has been updated.",
  plan_canceled: "Your plan has been canceled.",
  cancel_scheduled: "Your plan will be canceled at the end of the billing period.",
  plan_renewed: "Your plan has been renewed.",
  card_added: "Your payment method has been added.",
  default_updated: "Your default payment method has been updated.",
  card_removed: "Your payment method has been removed.",
  invoice_paid: "Your payment was successful.",
  customer_updated: "Your information has been updated.",
} as const;

export type Notice = keyof typeof NOTICES;

function isNotice(value: string): value is Notice {
  return value in NOTICES;
}

/** Notices travel in the redirect's query as codes, so no text from a URL is ever shown. */
function banner(query: URLSearchParams): Html {
  const notice = query.get("notice");
  if (notice !== null && isNotice(notice))
    return html`<div class="alert alert-notice" role="status">${NOTICES[notice]}</div>`;
  const error = query.get("error");
  if (error !== null) {
    const message = declineWording(error) ?? "Something went wrong. Please try again.";
    return html`<div class="alert alert-error" role="alert">${message}</div>`;
  }
  return html``;
}

export function returnLink(ctx: PortalContext): Html {
  const url = safeUrl(ctx.session.return_url);
  if (url === null) return html``;
  return html`<a class="back" href="${url}"><span aria-hidden="true">←</span> Return to ${hostOf(url)}</a>`;
}

/** Where a flow page's "back" goes: the portal, or out of it for flows confined to one task. */
export function backHref(ctx: PortalContext): string {
  const flow = ctx.session.flow;
  if (flow !== null && flow.after_completion.type !== "portal_homepage")
    return safeUrl(ctx.session.return_url) ?? ctx.base;
  return ctx.base;
}

export function portalPage(
  ctx: PortalContext,
  title: string,
  main: Html,
  options: { status?: number; script?: string } = {},
): HostedPageResponse {
  const profile = ctx.config.business_profile;
  const terms = safeUrl(profile.terms_of_service_url);
  const privacy = safeUrl(profile.privacy_policy_url);
  const termsLink = terms === null ? "" : html` · <a href="${terms}">Terms</a>`;
  const privacyLink = privacy === null ? "" : html` · <a href="${privacy}">Privacy</a>`;
  const body = html`<div class="split">
  <aside class="aside"><div class="aside-inner">
    <div class="topline">${returnLink(ctx)}<span class="pill">Test mode</span></div>
    <div>
      <p style="font-size:22px;font-weight:600;margin:0 0 4px">${profile.headline ?? "Manage your billing"}</p>
      <p class="muted small">${ctx.customer.email ?? ctx.customer.name ?? ctx.customer.id}</p>
    </div>
    <p class="powered">Served by the Stripe emulator${termsLink}${privacyLink}</p>
  </div></aside>
  <main class="main"><div class="main-inner">
    ${banner(ctx.request.query)}
    ${main}
  </div></main>
</div>`;
  return pageResponse(options.status ?? 200, `${title} · Customer portal`, body, {
    bodyClass: "portal",
    ...(options.script === undefined ? {} : { script: options.script }),
  });
}
