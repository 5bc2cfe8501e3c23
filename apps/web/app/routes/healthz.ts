// Liveness for load balancers and the smoke test: 200 whenever this process can answer,
// however busy it is. `db` says whether PostgreSQL answers, asked on a connection of its
// own, so a main pool full of real work (a burst of webhooks) is neither a failed liveness
// check nor a 2 s wait.
import { pingDatabase } from "@saas/db/client";
import { db } from "~/lib/db.server";

export async function loader() {
  const dbUp = await pingDatabase(db);
  return Response.json({ ok: true, db: dbUp ? "up" : "down" }, { headers: { "Cache-Control": "no-store" } });
}
