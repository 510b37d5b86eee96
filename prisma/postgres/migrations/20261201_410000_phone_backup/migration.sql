-- Follows prisma/migrations/20261201_410000_phone_backup
-- AlterTable
ALTER TABLE "PhoneNumber" ADD COLUMN     "pendingE164" TEXT,
ADD COLUMN     "pendingLineType" TEXT;

-- AlterTable
ALTER TABLE "PhoneCode" ADD COLUMN     "outboxId" TEXT;
