-- Setup keys belong to the browser that asked for them (EnrollmentKey), not to the account.
-- A key pending in the old columns was never confirmed: the patient simply gets a new one.
ALTER TABLE "User" DROP COLUMN "totpPendingSecret";
ALTER TABLE "User" DROP COLUMN "totpPendingSince";
ALTER TABLE "User" ADD COLUMN "totpHintedSteps" TEXT;
ALTER TABLE "User" ADD COLUMN "totpRetiredSecret" TEXT;
ALTER TABLE "User" ADD COLUMN "setupDeadline" DATETIME;

-- CreateTable
CREATE TABLE "EnrollmentKey" (
    "ownerId" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "replacedSecret" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EnrollmentKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "EnrollmentKey_userId_idx" ON "EnrollmentKey"("userId");

-- CreateIndex
CREATE INDEX "EnrollmentKey_expiresAt_idx" ON "EnrollmentKey"("expiresAt");

-- INSERT OR REPLACE deletes a clashing row without firing a DELETE trigger (recursive_triggers is
-- off by default), so an insert may never name an id that exists: the log stays append-only.
CREATE TRIGGER "AuditEntry_no_replace" BEFORE INSERT ON "AuditEntry"
WHEN EXISTS (SELECT 1 FROM "AuditEntry" WHERE "id" = NEW."id")
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
