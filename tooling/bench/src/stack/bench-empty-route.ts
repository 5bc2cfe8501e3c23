// POST /bench-empty: the floor the webhook's acceptance is measured against. Copied into the
// bench's own copy of apps/web (build-web.ts) as app/routes/bench-empty.ts, so it exists
// only in the build the bench serves: apps/web's own build, and production, never have it.
// Like the webhook route it reads the whole body and answers a small JSON 200; it does
// nothing else.
export async function action({ request }: { request: Request }): Promise<Response> {
  await request.text();
  return Response.json({ received: true });
}
