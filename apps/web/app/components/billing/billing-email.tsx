// Where Stripe sends the organization's invoices and receipts: owners change it, admins read it.
import { Form, useNavigation } from "@remix-run/react";
import { Field } from "~/components/field";
import { FormMessages } from "~/components/form-messages";

export type BillingEmailResult = { ok?: string; errors?: Partial<Record<string, string[]>> };

export const BILLING_EMAIL_INTENT = "billing-email";

export function BillingEmail({
  email,
  custom,
  canEdit,
  result,
}: {
  email: string;
  /** Whether it is the organization's own billing email rather than its first owner's. */
  custom: boolean;
  canEdit: boolean;
  result: BillingEmailResult | undefined;
}) {
  const busy = useNavigation().formData?.get("intent") === BILLING_EMAIL_INTENT;
  return (
    <section aria-labelledby="billing-email-heading" className="card stack">
      <h3 id="billing-email-heading">Billing email</h3>
      <FormMessages ok={result?.ok} errors={result?.errors?.form} />
      <p data-testid="billing-email">
        Invoices and receipts go to <strong>{email}</strong>
        {custom ? "." : ", the owner's email."}
      </p>
      {canEdit ? (
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value={BILLING_EMAIL_INTENT} />
          <Field
            name="billingEmail"
            label="Send them to"
            type="email"
            autoComplete="email"
            defaultValue={custom ? email : ""}
            placeholder="The owner's email"
            errors={result?.errors?.billingEmail}
          />
          <p className="muted">Leave it empty to use the owner's email.</p>
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Saving…" : "Save billing email"}
          </button>
        </Form>
      ) : (
        <p className="muted">Only the organization's owners can change it.</p>
      )}
    </section>
  );
}
