/** @jsxRuntime automatic @jsxImportSource react */
import { Text } from "@react-email/components";
import { z } from "zod";
import { formatDay, formatMoney } from "./format.ts";
import { EmailLayout, paragraph } from "./layout.tsx";
import type { EmailContext } from "./context.ts";

export const paymentFailedData = z.object({
  amountDue: z.number().int().nonnegative(),
  currency: z.string().length(3),
  /** Stripe's next automatic retry (Unix seconds), null when none is scheduled. */
  nextPaymentAttempt: z.number().int().nullable(),
  planName: z.string().nullable(),
});
type Data = z.infer<typeof paymentFailedData>;

export const paymentFailedSubject = (data: Data) =>
  `Your payment of ${formatMoney(data.amountDue, data.currency)} failed`;

/** Portal sessions expire, so the link goes through the app, which opens the flow after sign-in. */
export const UPDATE_PAYMENT_METHOD_PATH = "/settings/billing?action=update-payment-method";

export function PaymentFailedEmail({ data, context }: { data: Data; context: EmailContext }) {
  const amount = formatMoney(data.amountDue, data.currency);
  const plan = data.planName ? `your ${data.planName} subscription` : "your subscription";
  return (
    <EmailLayout
      preview={`We couldn't charge ${amount}. Update your payment method to keep access.`}
      heading="Your payment failed"
      action={{ label: "Update payment method", href: `${context.appBaseUrl}${UPDATE_PAYMENT_METHOD_PATH}` }}
      footer="You receive this because you own this billing account. Payment emails are always sent."
    >
      <Text style={paragraph}>
        We couldn't charge {amount} for {plan}.
      </Text>
      <Text style={paragraph}>
        {data.nextPaymentAttempt
          ? `We'll try again on ${formatDay(data.nextPaymentAttempt)}. `
          : "We won't retry automatically. "}
        Until then you keep full access (a grace period while we retry). If the payment still fails after the last
        retry, your subscription ends and paid features stop.
      </Text>
      <Text style={paragraph}>Update your payment method now and we'll charge the new one.</Text>
    </EmailLayout>
  );
}
