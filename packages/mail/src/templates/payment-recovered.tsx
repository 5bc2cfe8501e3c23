/** @jsxRuntime automatic @jsxImportSource react */
import { Text } from "@react-email/components";
import { z } from "zod";
import type { EmailContext } from "./context.ts";
import { formatMoney } from "./format.ts";
import { EmailLayout, paragraph } from "./layout.tsx";

export const paymentRecoveredData = z.object({
  amountPaid: z.number().int().nonnegative(),
  currency: z.string().length(3),
});
type Data = z.infer<typeof paymentRecoveredData>;

export const paymentRecoveredSubject = (data: Data) =>
  `Payment received: ${formatMoney(data.amountPaid, data.currency)}`;

export function PaymentRecoveredEmail({ data, context }: { data: Data; context: EmailContext }) {
  const amount = formatMoney(data.amountPaid, data.currency);
  return (
    <EmailLayout
      preview={`Thanks! Your payment of ${amount} went through.`}
      heading="Your payment went through"
      action={{ label: "View billing", href: `${context.appBaseUrl}/settings/billing` }}
      footer="You receive this because you own this billing account. Payment emails are always sent."
    >
      <Text style={paragraph}>
        Thanks! We received {amount} and your subscription is active again. Nothing else to do.
      </Text>
    </EmailLayout>
  );
}
