// Liveness for load balancers and the smoke test: 200 whenever this process can answer,
// however busy it is. `db` says whether PostgreSQL answers and `queue` is the job queue's
// backlog (jobs to run, the age of the oldest in seconds, jobs that stopped after their
// last attempt; null when it could not be read). Both are asked on a connection of their
// own, so a main pool full of real work (a burst of webhooks) is neither a failed liveness
// check nor a 2 s wait.
import { QUEUE_HEALTH_QUERY, toQueueHealth } from "@saas/billing";
import { pingDatabase, probeQuery } from "@saas/db/client";
import { db } from "~/lib/db.server";

async function readQueue() {
  try {
    return toQueueHealth(await probeQuery(db, QUEUE_HEALTH_QUERY));
  } catch {
    return null;
  }
}

export async function loader() {
  const dbUp = await pingDatabase(db);
  const queue = dbUp ? await readQueue() : null;
  return Response.json({ ok: true, db: dbUp ? "up" : "down", queue }, { headers: { "Cache-Control": "no-store" } });
}
