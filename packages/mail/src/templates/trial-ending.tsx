/** @jsxRuntime automatic @jsxImportSource react */
import { Text } from "@react-email/components";
import { z } from "zod";
import type { EmailContext } from "./context.ts";
import { formatDay } from "./format.ts";
import { EmailLayout, paragraph } from "./layout.tsx";
import { PreferencesFooter } from "./preferences-footer.tsx";

export const trialEndingData = z.object({
  /** Unix seconds. */
  trialEnd: z.number().int(),
  planName: z.string().nullable(),
});
type Data = z.infer<typeof trialEndingData>;

export const trialEndingSubject = (data: Data) => `Your free trial ends on ${formatDay(data.trialEnd)}`;

export function TrialEndingEmail({ data, context }: { data: Data; context: EmailContext }) {
  const plan = data.planName ? `of ${data.planName} ` : "";
  return (
    <EmailLayout
      preview={`Your trial ends on ${formatDay(data.trialEnd)}.`}
      heading="Your free trial ends soon"
      action={{ label: "Review your plan", href: `${context.appBaseUrl}/settings/billing` }}
      footer={<PreferencesFooter context={context} what="trial reminders" />}
    >
      <Text style={paragraph}>
        Your free trial {plan}ends on {formatDay(data.trialEnd)}. Your card will be charged then, unless you cancel
        before.
      </Text>
    </EmailLayout>
  );
}
