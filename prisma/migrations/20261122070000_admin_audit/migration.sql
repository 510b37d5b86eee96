-- AlterTable
ALTER TABLE "User" ADD COLUMN "enrollmentResetAt" DATETIME;
ALTER TABLE "User" ADD COLUMN "enrollmentResetReason" TEXT;
ALTER TABLE "User" ADD COLUMN "lastSignInAt" DATETIME;
ALTER TABLE "User" ADD COLUMN "nameSearch" TEXT;

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetId" TEXT,
    "targetEmail" TEXT,
    "reason" TEXT,
    "ip" TEXT,
    "via" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "AuditEntry_actorEmail_at_idx" ON "AuditEntry"("actorEmail", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_targetEmail_at_idx" ON "AuditEntry"("targetEmail", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_action_at_idx" ON "AuditEntry"("action", "at");

-- CreateIndex
CREATE INDEX "User_nameSearch_idx" ON "User"("nameSearch");

-- CreateIndex
CREATE INDEX "User_role_email_idx" ON "User"("role", "email");


-- The audit log is append-only for everyone, the app included.
CREATE TRIGGER "AuditEntry_no_update" BEFORE UPDATE ON "AuditEntry"
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER "AuditEntry_no_delete" BEFORE DELETE ON "AuditEntry"
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Existing names become searchable.
UPDATE "User" SET "nameSearch" = lower("name") WHERE "name" IS NOT NULL;
