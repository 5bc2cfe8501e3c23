// Before a plan switch: what the new plan costs, and what the switch costs now (Stripe's own
// proration preview). Confirming posts the preview's proration time, so the switch is billed
// exactly as shown. A plain form, so it works before hydration too.
import type { RouterOutputs } from "@saas/api";
import { Form, Link, useNavigation } from "@remix-run/react";
import { formatDate, formatMoney, formatSeats } from "./format";

type Preview = RouterOutputs["billing"]["previewPlanChange"];

export const CHANGE_PLAN_INTENT = "change-plan";

function costNow(preview: Preview): string {
  const money = (amount: number) => formatMoney(Math.abs(amount), preview.currency);
  if (preview.dueNow !== null) {
    return preview.dueNow > 0
      ? `A new ${preview.interval}ly period starts today: ${money(preview.dueNow)} is charged now, ` +
          "after a credit for the unused time of your current plan."
      : "A new period starts today, paid for by what is left of your current one: nothing is charged now.";
  }
  if (preview.prorationAmount === 0)
    return "Nothing changes on this period's bill: the new price applies from your next invoice.";
  return preview.prorationAmount > 0
    ? `For the rest of this period, ${money(preview.prorationAmount)} is added to your next invoice.`
    : `For the rest of this period, a credit of ${money(preview.prorationAmount)} goes on your next invoice.`;
}

export function PlanChangePreview({ preview }: { preview: Preview }) {
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formData?.get("intent") === CHANGE_PLAN_INTENT;
  const period = preview.interval === "year" ? "Yearly" : "Monthly";
  return (
    <section aria-labelledby="plan-change-heading" className="card stack" data-testid="plan-change">
      <h3 id="plan-change-heading">
        Switch to {preview.planName} <span className="muted">· {period}</span>
      </h3>
      <p data-testid="plan-change-price">
        {preview.perSeat
          ? formatSeats(preview.quantity, preview.unitAmount, preview.currency, preview.interval)
          : `${formatMoney(preview.recurringAmount, preview.currency)} / ${preview.interval}`}
      </p>
      <p data-testid="plan-change-now">{costNow(preview)}</p>
      {preview.nextInvoice ? (
        <p data-testid="plan-change-next">
          Your next invoice, on {formatDate(preview.nextInvoice.date)}:{" "}
          <strong>{formatMoney(preview.nextInvoice.amount, preview.currency)}</strong>
        </p>
      ) : null}
      <Form method="post" preventScrollReset className="actions">
        <input type="hidden" name="intent" value={CHANGE_PLAN_INTENT} />
        <input type="hidden" name="lookupKey" value={preview.lookupKey} />
        <input type="hidden" name="prorationDate" value={preview.prorationDate} />
        <button type="submit" className="button primary" disabled={submitting} aria-busy={submitting}>
          {submitting ? "Switching…" : `Switch to ${preview.planName}`}
        </button>
        <Link to="?" className="button" preventScrollReset replace>
          Keep my plan
        </Link>
      </Form>
    </section>
  );
}
