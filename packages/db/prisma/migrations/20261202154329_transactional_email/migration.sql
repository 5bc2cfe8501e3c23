-- AlterTable
ALTER TABLE "users" ADD COLUMN     "email_cancellation_notices" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "email_trial_reminders" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "email_log" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "user_id" TEXT,
    "data" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "recipient" TEXT,
    "subject" TEXT,
    "message_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),

    CONSTRAINT "email_log_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "email_log_user_id_idx" ON "email_log"("user_id");

-- CreateIndex
CREATE INDEX "email_log_status_created_at_idx" ON "email_log"("status", "created_at");

-- AddForeignKey
ALTER TABLE "email_log" ADD CONSTRAINT "email_log_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
