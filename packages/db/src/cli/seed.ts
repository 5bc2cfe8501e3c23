// pnpm db:seed: a few users with accounts for clicking around. Safe to run twice.
import { createDb } from "../client.ts";
import { environment } from "@saas/env";
import { openAppDatabase, readDatabaseEnv, repoRoot } from "../dev-database.ts";
import { createUser } from "../factories.ts";

const emails = ["alice@example.com", "bob@example.com"];

const database = await openAppDatabase(readDatabaseEnv(environment(repoRoot)));
const db = createDb(database.url);
try {
  for (const email of emails) {
    const existing = await db.user.findUnique({ where: { email } });
    if (existing) {
      console.log(`exists:  ${email}`);
      continue;
    }
    await createUser(db, { email, name: email.split("@")[0] ?? null });
    console.log(`created: ${email} (its password hash verifies nothing: for data to look at, not to log in with)`);
  }
} finally {
  await db.$disconnect();
  await database.stop();
}
