// Lucia's storage adapter over our Prisma 7 client (the published Prisma adapter pins
// Prisma 5). See docs/decisions/004-lucia-behind-packages-auth.md.
import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import type { PrismaClient, Session, User } from "@saas/db";

type UserRow = Pick<User, "id" | "email" | "name">;

const toDatabaseUser = (user: UserRow): DatabaseUser => ({
  id: user.id,
  attributes: { email: user.email, name: user.name },
});

const toDatabaseSession = (session: Session): DatabaseSession => ({
  id: session.id,
  userId: session.userId,
  expiresAt: session.expiresAt,
  attributes: {},
});

export class PrismaAdapter implements Adapter {
  constructor(private readonly db: PrismaClient) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    // Every signed-in request runs this: one joined statement, where `include` costs two.
    const rows = await this.db.$queryRaw<
      Array<{ session_id: string; user_id: string; expires_at: Date; email: string; name: string | null }>
    >`
      SELECT s.id AS session_id, s.user_id, s.expires_at, u.email, u.name
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${sessionId}`;
    const row = rows[0];
    if (!row) return [null, null];
    return [
      toDatabaseSession({ id: row.session_id, userId: row.user_id, expiresAt: row.expires_at }),
      toDatabaseUser({ id: row.user_id, email: row.email, name: row.name }),
    ];
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await this.db.session.findMany({ where: { userId } });
    return rows.map(toDatabaseSession);
  }

  async setSession(session: DatabaseSession): Promise<void> {
    await this.db.session.create({ data: { id: session.id, userId: session.userId, expiresAt: session.expiresAt } });
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    // updateMany: the session may have been deleted meanwhile (logout in another tab).
    await this.db.session.updateMany({ where: { id: sessionId }, data: { expiresAt } });
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.session.deleteMany({ where: { id: sessionId } });
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.session.deleteMany({ where: { userId } });
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.db.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  }
}
