-- AlterTable (processed_at kept its values: it was the time the event was applied)
ALTER TABLE "webhook_log" RENAME COLUMN "processed_at" TO "applied_at";
ALTER TABLE "webhook_log" ADD COLUMN "error" TEXT,
ADD COLUMN "payload" JSONB,
ADD COLUMN "stripe_customer_id" TEXT;

-- CreateTable
CREATE TABLE "customer_syncs" (
    "stripe_customer_id" TEXT NOT NULL,
    "read_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "customer_syncs_pkey" PRIMARY KEY ("stripe_customer_id")
);

-- CreateIndex
CREATE INDEX "webhook_log_stripe_customer_id_outcome_idx" ON "webhook_log"("stripe_customer_id", "outcome");

-- CreateIndex
CREATE INDEX "webhook_log_outcome_received_at_idx" ON "webhook_log"("outcome", "received_at");
