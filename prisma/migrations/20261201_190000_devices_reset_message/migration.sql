-- What the patient was told at a reset, kept beside the admin's internal note ("reason").
ALTER TABLE "AuditEntry" ADD COLUMN "patientMessage" TEXT;

-- The device behind each event and session, and when a session was last used.
ALTER TABLE "SecurityEvent" ADD COLUMN "userAgent" TEXT;
ALTER TABLE "UserSession" ADD COLUMN "lastSeenAt" DATETIME;
