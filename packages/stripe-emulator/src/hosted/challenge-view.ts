// The 3-D Secure test page cards like 4000002500003155 bring up: "Complete" or "Fail", as on
// Stripe's own test authentication page, and framed as Stripe frames it, so page objects written
// for real test mode work here: the page holds an iframe named `__privateStripeFrame…`, which
// holds the bank's `#challengeFrame`, which holds the buttons (they post to the top window).
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html } from "./html.ts";
import { pageResponse } from "./layout.ts";

export interface ChallengeView {
  /** Where the two buttons post, with the challenge token in the query. */
  action: string;
  /** What is being authenticated, e.g. "a payment of $12.00" or "saving this card". */
  purpose: string;
  cardLast4: string;
}

const STAND_IN = html`This is the emulator's stand-in for the bank's authentication screen.`;

const FRAME_STYLE = "width:100%;min-height:420px;border:0";

/** `frame` is the query's: none for the page, `outer` for Stripe's frame, `inner` for the bank's. */
export function challengePage(view: ChallengeView, frame: string | null): HostedPageResponse {
  if (frame === null) {
    return pageResponse(
      200,
      "Authenticate your payment",
      html`<main class="challenge">
  <h1 class="sr-only">Authenticate your payment</h1>
  <iframe name="__privateStripeFrame3ds" title="3D Secure authentication" src="${view.action}&frame=outer"
    style="${FRAME_STYLE}"></iframe>
</main>`,
    );
  }
  if (frame === "outer") {
    return pageResponse(
      200,
      "3D Secure authentication",
      html`<iframe id="challengeFrame" name="challengeFrame" title="3D Secure challenge"
    src="${view.action}&frame=inner"
    style="${FRAME_STYLE}"></iframe>`,
    );
  }
  return pageResponse(
    200,
    "3D Secure 2 Test Page",
    html`<main class="challenge">
  <span class="pill">Test mode</span>
  <h1 style="margin-top:16px">3D Secure 2 Test Page</h1>
  <p>Your bank asks you to confirm ${view.purpose} with the card ending in <b>${view.cardLast4}</b>.</p>
  <p class="muted small">${STAND_IN} Choose the outcome to simulate.</p>
  <form method="post" action="${view.action}" target="_top">
    <div class="actions">
      <button class="btn" type="submit" name="outcome" value="complete">Complete</button>
      <button class="btn btn-secondary" type="submit" name="outcome" value="fail">Fail</button>
    </div>
  </form>
</main>`,
  );
}
