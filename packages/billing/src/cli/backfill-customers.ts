// pnpm billing:backfill-customers [--dry-run]: give every account a Stripe customer.
import { parseArgs } from "node:util";
import { backfillCustomers } from "../customers/backfill-customers.ts";
import { openCliContext, runCli } from "./context.ts";

runCli(async () => {
  const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } });
  const context = await openCliContext();
  try {
    const dryRunNote = values["dry-run"] ? " (dry run: nothing is written)" : "";
    console.log(`Backfilling Stripe customers against ${context.describeStripe}${dryRunNote}`);
    const summary = await backfillCustomers(context, {
      dryRun: values["dry-run"],
      onProgress: (p) => {
        const customer = p.customerId ? ` → ${p.customerId}` : "";
        const error = p.error ? `: ${p.error}` : "";
        console.log(`  ${p.outcome.padEnd(12)} ${p.email} (${p.organizationId})${customer}${error}`);
      },
    });
    console.log(
      `\nexamined ${summary.examined}, linked ${summary.linked}, created ${summary.created}, failed ${summary.failed}`,
    );
    return summary.failed ? 1 : 0;
  } finally {
    await context.close();
  }
});
