// pnpm stripe:sync [--check]: make Stripe match the catalog and portal configuration in
// code; --check changes nothing and exits 1 with the differences.
import { parseArgs } from "node:util";
import { syncStripe } from "../catalog/stripe-sync.ts";
import { openStripeContext, runCli } from "./context.ts";

runCli(async () => {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const { stripe, config, describeStripe } = openStripeContext();
  console.log(
    `${values.check ? "Checking" : "Syncing"} the catalog and portal configuration against ${describeStripe}`,
  );

  const result = await syncStripe(stripe, { appBaseUrl: config.appBaseUrl, apply: !values.check });
  for (const change of result.changes) {
    console.log(`  ${values.check ? "would " : ""}${change.action} ${change.target}`);
    for (const detail of change.details) console.log(`      ${detail}`);
  }
  if (!result.changes.length) console.log("  Stripe matches the code: nothing to change.");
  if (result.portalConfigurationId) console.log(`\nSTRIPE_PORTAL_CONFIG_ID=${result.portalConfigurationId}`);
  return values.check && result.changes.length ? 1 : 0;
});
