-- CreateTable
CREATE TABLE "rate_limit_buckets" (
    "key" TEXT NOT NULL,
    "calls" BIGINT[],
    "refused" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "rate_limit_buckets_pkey" PRIMARY KEY ("key")
);

-- The calls counted before this table were rows of login_attempts under `rate:` keys,
-- marked with ip 'rate-limit'.
DELETE FROM "login_attempts" WHERE "email" LIKE 'rate:%' AND "ip" = 'rate-limit';
