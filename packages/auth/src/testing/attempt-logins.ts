// A second process for the cross-process throttling test: makes N wrong log-in attempts
// against the given database and prints how each one ended.
import { createDb } from "@saas/db/client";
import { logIn } from "../accounts.ts";

const [url, email, count] = process.argv.slice(2);
const db = createDb(url ?? "", { max: 2 });
const outcomes: string[] = [];
for (let i = 0; i < Number(count); i++) {
  outcomes.push(
    await logIn(db, { email: email ?? "", password: `wrong from another process ${i}`, ip: `10.8.0.${i}` }).then(
      () => "ok",
      (e: Error) => e.name,
    ),
  );
}
await db.$disconnect();
console.log(JSON.stringify(outcomes));
