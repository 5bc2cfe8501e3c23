-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "discount_amount_off" INTEGER,
ADD COLUMN     "discount_duration" TEXT,
ADD COLUMN     "discount_end" TIMESTAMP(3),
ADD COLUMN     "discount_name" TEXT,
ADD COLUMN     "discount_percent_off" DOUBLE PRECISION;
