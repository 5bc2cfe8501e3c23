// Lucia's storage adapter over our Prisma 7 client (the published Prisma adapter pins
// Prisma 5). See docs/decisions/004-lucia-behind-packages-auth.md.
import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import type { MembershipRole, PrismaClient, Session, User } from "@saas/db";
import type { CurrentOrganization } from "./organizations.ts";

type UserRow = Pick<User, "id" | "email" | "name">;

const toDatabaseUser = (user: UserRow): DatabaseUser => ({
  id: user.id,
  attributes: { email: user.email, name: user.name },
});

const toDatabaseSession = (
  session: Pick<Session, "id" | "userId" | "expiresAt">,
  organization: CurrentOrganization | null = null,
): DatabaseSession => ({
  id: session.id,
  userId: session.userId,
  expiresAt: session.expiresAt,
  attributes: { organization },
});

type SessionRow = {
  session_id: string;
  user_id: string;
  expires_at: Date;
  email: string;
  name: string | null;
  organization_id: string | null;
  organization_name: string | null;
  organization_slug: string | null;
  role: MembershipRole | null;
};

export class PrismaAdapter implements Adapter {
  constructor(private readonly db: PrismaClient) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    // Every signed-in request runs this: one joined statement, where `include` costs two.
    // The session's current organization counts only while the user is still a member of it
    // (checked here, on every request); otherwise their first membership, the personal
    // organization, is current. Removing a member therefore ends their access at once.
    const rows = await this.db.$queryRaw<SessionRow[]>`
      SELECT s.id AS session_id, s.user_id, s.expires_at, u.email, u.name,
             o.id AS organization_id, o.name AS organization_name, o.slug AS organization_slug,
             m.role::text AS role
      FROM sessions s JOIN users u ON u.id = s.user_id
      LEFT JOIN LATERAL (
        SELECT organization_id, role FROM memberships
        WHERE user_id = s.user_id
        ORDER BY organization_id = s.current_organization_id DESC NULLS LAST, created_at, id
        LIMIT 1
      ) m ON true
      LEFT JOIN organizations o ON o.id = m.organization_id
      WHERE s.id = ${sessionId}`;
    const row = rows[0];
    if (!row) return [null, null];
    const organization =
      row.organization_id && row.organization_name && row.organization_slug && row.role
        ? { id: row.organization_id, name: row.organization_name, slug: row.organization_slug, role: row.role }
        : null;
    return [
      toDatabaseSession({ id: row.session_id, userId: row.user_id, expiresAt: row.expires_at }, organization),
      toDatabaseUser({ id: row.user_id, email: row.email, name: row.name }),
    ];
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await this.db.session.findMany({ where: { userId } });
    return rows.map((row) => toDatabaseSession(row));
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
