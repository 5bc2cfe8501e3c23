-- CreateTable
CREATE TABLE "job_workers" (
    "worker_id" TEXT NOT NULL,
    "liveness_key" INTEGER NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_workers_pkey" PRIMARY KEY ("worker_id")
);

-- CreateIndex
CREATE INDEX "job_workers_liveness_key_idx" ON "job_workers"("liveness_key");
