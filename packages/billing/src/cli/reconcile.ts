// pnpm billing:reconcile [--customer cus_…]: re-sync subscriptions from Stripe.
import { parseArgs } from "node:util";
import { reconcile } from "../sync/reconcile.ts";
import { openCliContext, runCli } from "./context.ts";

runCli(async () => {
  const { values } = parseArgs({ options: { customer: { type: "string" } } });
  if (values.customer !== undefined && !/^cus_\w+$/.test(values.customer)) {
    console.error(`--customer takes a Stripe customer id (cus_…), got "${values.customer}"`);
    return 2;
  }
  const context = await openCliContext();
  try {
    console.log(`Reconciling ${values.customer ?? "every account"} against ${context.describeStripe}`);
    const summary = await reconcile(context, {
      customerId: values.customer,
      onProgress: (p) => {
        const outcome = p.error ? "failed " : p.changed ? "changed" : "same   ";
        const rows = p.changed ? ` (${p.changed} row${p.changed === 1 ? "" : "s"})` : "";
        const seats = p.seats ? `; seats ${p.seats.from} → ${p.seats.to}, the member count` : "";
        console.log(`  ${outcome} ${p.customerId}${p.error ? `: ${p.error}` : rows}${seats}`);
      },
    });
    const linked = summary.linked ? `, linked ${summary.linked} by its metadata` : "";
    const seats = summary.seatsRepaired ? `, seats repaired ${summary.seatsRepaired}` : "";
    console.log(
      `\nexamined ${summary.examined}, changed ${summary.changed}, failed ${summary.failed}${linked}${seats}`,
    );
    return summary.failed ? 1 : 0;
  } finally {
    await context.close();
  }
});
