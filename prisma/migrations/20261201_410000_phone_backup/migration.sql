-- A second number waiting for its code beside the active one, and the message that carried each code.
-- AlterTable
ALTER TABLE "PhoneCode" ADD COLUMN "outboxId" TEXT;

-- AlterTable
ALTER TABLE "PhoneNumber" ADD COLUMN "pendingE164" TEXT;
ALTER TABLE "PhoneNumber" ADD COLUMN "pendingLineType" TEXT;
