-- Organizations, memberships and invitations. The billing account (accounts) moves from a
-- user to an organization: every existing user gets a personal organization they own, and
-- their account, with its Stripe customer and subscriptions, moves to it unchanged.

-- CreateEnum
CREATE TYPE "membership_role" AS ENUM ('owner', 'admin', 'member');

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "organization_id" TEXT;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "current_organization_id" TEXT;

-- CreateTable
CREATE TABLE "organizations" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "billing_email" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "role" "membership_role" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invitations" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "membership_role" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "inviter_id" TEXT,
    "accepted_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- One personal organization per existing user, owned by them (their first membership).
-- Ids derive from the user id, so the account and notifications below can find theirs.
INSERT INTO "organizations" ("id", "name", "slug", "created_at", "updated_at")
SELECT 'org_' || u."id",
       COALESCE(NULLIF(btrim(u."name"), ''), split_part(u."email", '@', 1)),
       COALESCE(
         NULLIF(btrim(regexp_replace(lower(split_part(u."email", '@', 1)), '[^a-z0-9]+', '-', 'g'), '-'), ''),
         'org'
       ) || '-' || left(md5(u."id"), 12),
       u."created_at", CURRENT_TIMESTAMP
FROM "users" u;

INSERT INTO "memberships" ("id", "user_id", "organization_id", "role", "created_at")
SELECT 'mem_' || u."id", u."id", 'org_' || u."id", 'owner', u."created_at"
FROM "users" u;

-- Each account moves to the organization of its user. Its id, Stripe customer and subscriptions stay.
ALTER TABLE "accounts" ADD COLUMN "organization_id" TEXT;
UPDATE "accounts" SET "organization_id" = 'org_' || "user_id";
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_user_id_fkey";
DROP INDEX "accounts_user_id_key";
ALTER TABLE "accounts" DROP COLUMN "user_id";
ALTER TABLE "accounts" ALTER COLUMN "organization_id" SET NOT NULL;

-- Sign-up always made an account. Any user without one gets it now, as sign-up does.
INSERT INTO "accounts" ("id", "organization_id", "created_at", "updated_at")
SELECT 'acc_' || o."id", o."id", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM "organizations" o
WHERE NOT EXISTS (SELECT 1 FROM "accounts" a WHERE a."organization_id" = o."id");

-- Existing alerts are all about the user's own billing account, now their organization's.
UPDATE "notifications" SET "organization_id" = 'org_' || "user_id";

-- CreateIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");

-- CreateIndex
CREATE INDEX "memberships_organization_id_idx" ON "memberships"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_user_id_organization_id_key" ON "memberships"("user_id", "organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");

-- CreateIndex
CREATE INDEX "invitations_organization_id_idx" ON "invitations"("organization_id");

-- CreateIndex
CREATE INDEX "invitations_email_idx" ON "invitations"("email");

-- CreateIndex
CREATE UNIQUE INDEX "accounts_organization_id_key" ON "accounts"("organization_id");

-- CreateIndex
CREATE INDEX "notifications_organization_id_idx" ON "notifications"("organization_id");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_current_organization_id_fkey" FOREIGN KEY ("current_organization_id") REFERENCES "organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_inviter_id_fkey" FOREIGN KEY ("inviter_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
