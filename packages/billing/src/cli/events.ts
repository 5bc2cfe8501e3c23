// pnpm billing:events: the webhook log and the job queue, as an operator reads them.
//
//   pnpm billing:events [--failed | --outcome queued|applied|failed|ignored] [--customer cus_…] [--limit 50]
//   pnpm billing:events retry evt_… [evt_…]          queue these events' syncs again
//   pnpm billing:events retry --failed [--customer cus_…]
import { countEvents, EVENT_OUTCOMES, listEvents, retryEvents } from "../events/event-log.ts";
import { queueHealth } from "../events/queue-health.ts";
import { openCliDatabase, runCli } from "./context.ts";
import { readEventsArgs, USAGE } from "./events-args.ts";

const time = (date: Date | null) => (date ? date.toISOString().slice(0, 19).replace("T", " ") : "");

runCli(async () => {
  const args = readEventsArgs(process.argv.slice(2));
  if (typeof args === "string") {
    if (args === USAGE) {
      console.log(args);
      return 0;
    }
    console.error(args);
    return 2;
  }
  const database = await openCliDatabase();
  const { db } = database;
  try {
    if (args.command === "retry") {
      const result = await retryEvents(
        db,
        args.ids.length ? { ids: args.ids } : { failed: true, customerId: args.customerId },
      );
      for (const { id, reason } of result.refused) console.error(`  not retried ${id}: ${reason}`);
      console.log(
        `queued ${result.requeued.length} event${result.requeued.length === 1 ? "" : "s"} again` +
          (result.customers.length ? ` for ${result.customers.join(", ")}` : "") +
          "; the worker applies them from Stripe's current state",
      );
      return result.refused.length ? 1 : 0;
    }
    const [counts, queue, events] = await Promise.all([
      countEvents(db, { customerId: args.customerId }),
      queueHealth(db),
      listEvents(db, args),
    ]);
    console.log(
      `${args.customerId ? `${args.customerId}: ` : ""}` +
        EVENT_OUTCOMES.map((outcome) => `${outcome} ${counts[outcome]}`).join(", "),
    );
    console.log(
      `queue: ${queue.depth} job${queue.depth === 1 ? "" : "s"} to run` +
        (queue.depth ? ` (oldest queued ${queue.oldestAgeSeconds} s ago)` : "") +
        `, ${queue.failed} stopped after their last attempt`,
    );
    if (!events.length) {
      console.log("\nno events match");
      return 0;
    }
    console.log(`\n${["received (UTC)", "event", "type", "customer", "outcome", "applied"].join("\t")}`);
    for (const event of events) {
      const line = [time(event.receivedAt), event.id, event.type, event.customerId ?? "-", event.outcome];
      console.log([...line, time(event.appliedAt)].join("\t"));
      if (event.error) console.log(`\t  error: ${event.error}`);
    }
    return 0;
  } finally {
    await database.close();
  }
});
