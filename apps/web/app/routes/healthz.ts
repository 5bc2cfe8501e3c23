// Liveness and database reachability, for load balancers and the smoke test.
import { db } from "~/lib/db.server";

const TIMEOUT_MS = 2_000;

export async function loader() {
  const dbUp = await Promise.race([
    db.$queryRaw`SELECT 1`.then(() => true, () => false),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), TIMEOUT_MS)),
  ]);
  return Response.json(
    { ok: dbUp, db: dbUp ? "up" : "down" },
    { status: dbUp ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
