// Settings → Billing: plan cards before a subscription; the plan, the Manage subscription
// button and the cards to switch plan after (?change=… shows what a switch costs first); a
// dunning banner while a payment has failed. Emails link to
// `?action=update-payment-method`, which opens the portal's card update after sign-in (an
// email cannot carry a portal session: they expire).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { BILLING_EMAIL_INTENT, BillingEmail, type BillingEmailResult } from "~/components/billing/billing-email";
import { DunningBanner } from "~/components/billing/dunning-banner";
import { InvoiceHistory } from "~/components/billing/invoice-history";
import { NotificationList } from "~/components/billing/notification-list";
import { CHANGE_PLAN_INTENT, PlanChangePreview } from "~/components/billing/plan-change";
import { PlanPicker } from "~/components/billing/plan-picker";
import { SubscriptionSummary } from "~/components/billing/subscription-summary";
import { hasRole, requireOrganization } from "~/lib/auth.server";
import {
  billingEmailInput,
  callerFor,
  checkoutSessionInput,
  planChangeInput,
  planChangePreviewInput,
  portalSessionInput,
  userMessage,
} from "~/lib/billing.server";
import { fieldErrors, readForm } from "~/lib/forms";
import { TRPCError } from "@trpc/server";
import { useTRPC } from "~/lib/trpc";

export const meta: MetaFunction = () => [{ title: "Billing · Acme SaaS" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const caller = await callerFor({ request, context });
  const { organization } = await requireOrganization({ request, context }, "member");
  const url = new URL(request.url);
  let actionError: string | null = null;
  if (url.searchParams.get("action") === UPDATE_PAYMENT_METHOD) {
    try {
      const { redirectUrl } = await caller.billing.createPortalSession({ flow: "payment_method_update" });
      return redirect(redirectUrl);
    } catch (error) {
      actionError = userMessage(error);
    }
  }
  const checkout = url.searchParams.get("checkout");
  const sessionId = url.searchParams.get("session_id");
  // Back from Checkout: bring the subscription in now rather than wait for the webhook.
  if (checkout === "success" && sessionId) await caller.billing.syncCheckoutSession({ sessionId }).catch(() => null);
  const canManage = hasRole(organization.role, "admin");
  // ?change=<lookup key>: what switching to that plan would cost, before the user confirms.
  const change = planChangePreviewInput.safeParse({ lookupKey: url.searchParams.get("change") });
  const [status, plans, notifications, billingEmail, planChange] = await Promise.all([
    caller.billing.status(),
    caller.billing.plans().catch(() => null),
    caller.notifications.list(),
    canManage ? caller.organizations.billingEmail() : null,
    canManage && change.success
      ? caller.billing
          .previewPlanChange(change.data)
          .then((preview) => ({ preview, error: null }))
          .catch((error: unknown) => ({ preview: null, error: userMessage(error) }))
      : null,
  ]);
  const interval = url.searchParams.get("interval");
  return {
    status,
    plans,
    notifications,
    billingEmail,
    planChange,
    canEditBillingEmail: organization.role === "owner",
    actionError,
    checkout: checkout === "success" || checkout === "canceled" ? checkout : null,
    // Without a choice: the current plan's interval, else monthly.
    interval: interval === "year" || interval === "month" ? interval : (status.subscription?.interval ?? "month"),
    changedTo: url.searchParams.get("changed"),
    // A subscriber sees the other plans when asked (Change plan, a period, a switch priced).
    showPlans: url.searchParams.has("plans") || url.searchParams.has("interval") || change.success,
  };
}

const INVALID = "That request was not valid.";
const UPDATE_PAYMENT_METHOD = "update-payment-method";
const PENDING_RELOAD_MS = 500;

/**
 * The same services for browsers without JavaScript (or before hydration), and the billing
 * email form. Each one pays or manages: owners and admins only (403 for members; the
 * procedures refuse them too, and the billing email's owners only).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  await requireOrganization({ request, context }, "admin");
  const caller = await callerFor({ request, context });
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === BILLING_EMAIL_INTENT) return { billingEmail: await saveBillingEmail(caller, form) };
  try {
    // The form is parsed with the procedures' own input schemas: a bad value changes nothing.
    if (intent === "portal") {
      const flow = form.get("flow");
      const input = portalSessionInput.safeParse(flow ? { flow } : undefined);
      if (!input.success) return { error: INVALID };
      const { redirectUrl } = await caller.billing.createPortalSession(input.data);
      return redirect(redirectUrl);
    }
    if (intent === CHANGE_PLAN_INTENT) {
      const input = planChangeInput.safeParse({
        lookupKey: form.get("lookupKey"),
        prorationDate: Number(form.get("prorationDate")),
      });
      if (!input.success) return { error: INVALID };
      await caller.billing.changePlan(input.data);
      return redirect(`/settings/billing?changed=${input.data.lookupKey}`);
    }
    if (intent === "checkout") {
      const input = checkoutSessionInput.safeParse({ lookupKey: form.get("lookupKey") });
      if (!input.success) return { error: INVALID };
      const { redirectUrl } = await caller.billing.createCheckoutSession(input.data);
      return redirect(redirectUrl);
    }
    return { error: "Unknown action" };
  } catch (error) {
    return { error: userMessage(error) };
  }
}

const BILLING_EMAIL_UNCHANGED = "The billing email was not changed";

type Caller = Awaited<ReturnType<typeof callerFor>>;

async function saveBillingEmail(caller: Caller, form: FormData): Promise<BillingEmailResult> {
  const value = form.get("billingEmail");
  const typed = typeof value === "string" ? value.trim() : value;
  const input = billingEmailInput.safeParse({ billingEmail: typed === "" ? null : typed });
  if (!input.success) return { errors: fieldErrors(input.error) };
  try {
    const saved = await caller.organizations.updateBillingEmail(input.data);
    return { ok: saved.custom ? `Invoices now go to ${saved.email}.` : `Invoices now go to the owner's email.` };
  } catch (error) {
    const unavailable = error instanceof TRPCError && error.code === "SERVICE_UNAVAILABLE";
    const message = `${BILLING_EMAIL_UNCHANGED}: ${userMessage(error)}${unavailable ? ". Please try again." : ""}`;
    return { errors: { form: [message] } };
  }
}

export default function Billing() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const actionError = actionData && "error" in actionData ? actionData.error : null;
  const trpc = useTRPC();
  const awaitingCheckout = data.checkout === "success" && !data.status.subscription;
  const { data: status } = useQuery({
    ...trpc.billing.status.queryOptions(),
    initialData: data.status,
    // Checkout finished but the subscription is not here yet: look again until it is.
    refetchInterval: (query) => (data.checkout === "success" && !query.state.data?.subscription ? 1_000 : false),
  });
  const queryClient = useQueryClient();
  // The loader ran again (a plan switched, a form sent): its status is the newest there is.
  useEffect(() => {
    queryClient.setQueryData(trpc.billing.status.queryKey(), data.status);
  }, [data.status, queryClient, trpc]);
  // Back from the portal (or a webhook just in): Stripe's changes are queued for the sync
  // job. Load the page again, notifications included, until they are applied.
  const revalidator = useRevalidator();
  const pendingChanges = data.status.pendingChanges;
  // Not while a switch is priced: each load of the page prices it again (three Stripe calls).
  const pricing = Boolean(data.planChange);
  useEffect(() => {
    if (!pendingChanges || pricing) return;
    const timer = setTimeout(() => {
      revalidator.revalidate();
      // The status and the notification list are queries seeded from the loader: refresh them
      // too. Not the invoices: each read of those is a Stripe call.
      void queryClient.invalidateQueries({ queryKey: trpc.billing.status.queryKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() });
    }, PENDING_RELOAD_MS);
    return () => clearTimeout(timer);
  }, [pendingChanges, pricing, data, revalidator, queryClient, trpc]);
  // A plan just switched: the next invoice and any invoice the switch made are new.
  useEffect(() => {
    if (data.changedTo) void queryClient.invalidateQueries({ queryKey: trpc.billing.invoices.queryKey() });
  }, [data.changedTo, queryClient, trpc]);
  const subscription = status.subscription;
  const ended = !subscription || subscription.status === "canceled" || subscription.status === "incomplete_expired";

  return (
    <section aria-labelledby="billing-heading" className="stack">
      <h2 id="billing-heading" className="visually-hidden">
        Billing
      </h2>
      {actionError || data.actionError ? (
        <p role="alert" className="alert error">
          {actionError ?? data.actionError}
        </p>
      ) : null}
      {data.checkout === "success" && subscription && !ended ? (
        <p role="status" className="alert success">
          You're subscribed to {subscription.planName}. Thank you!
        </p>
      ) : null}
      {awaitingCheckout && !subscription ? (
        <p role="status" className="alert">
          Finishing your subscription…
        </p>
      ) : null}
      {data.checkout === "canceled" ? (
        <p role="status" className="alert">
          Checkout was canceled; you have not been charged.
        </p>
      ) : null}
      {status.canManage ? null : (
        <p role="status" className="alert" data-testid="read-only-billing">
          You are a member of this organization: its owners and admins choose and manage the plan.
        </p>
      )}
      {status.paymentProblem ? (
        <DunningBanner message={status.paymentProblem.message} canManage={status.canManage} />
      ) : null}
      {data.changedTo && subscription && !ended && subscription.lookupKey === data.changedTo ? (
        <p role="status" className="alert success">
          You're now on {subscription.planName}
          {subscription.seats ? `, with ${subscription.seats.quantity} seats` : ""}.
        </p>
      ) : null}
      {subscription ? <SubscriptionSummary subscription={subscription} canManage={status.canManage} /> : null}
      {data.planChange?.error ? (
        <p role="alert" className="alert error" data-testid="plan-change-error">
          {data.planChange.error}
        </p>
      ) : null}
      {data.planChange?.preview && !ended ? <PlanChangePreview preview={data.planChange.preview} /> : null}
      {subscription && !ended && status.canManage && data.plans && data.showPlans ? (
        <PlanPicker
          plans={data.plans}
          interval={data.interval}
          canSubscribe
          members={status.members}
          current={subscription.lookupKey}
        />
      ) : null}
      {ended && !awaitingCheckout ? (
        data.plans ? (
          <PlanPicker
            plans={data.plans}
            interval={data.interval}
            canSubscribe={status.canManage}
            members={status.members}
            trialAvailable={status.trialAvailable}
          />
        ) : (
          <p role="alert" className="alert error">
            Plans are unavailable right now: Billing service unavailable. Please try again shortly.
          </p>
        )
      ) : null}
      <NotificationList initial={data.notifications} />
      {status.canManage && status.hasBillingProfile ? <InvoiceHistory /> : null}
      {data.billingEmail ? (
        <BillingEmail
          email={data.billingEmail.email}
          custom={data.billingEmail.custom}
          canEdit={data.canEditBillingEmail}
          result={actionData && "billingEmail" in actionData ? actionData.billingEmail : undefined}
        />
      ) : null}
    </section>
  );
}
