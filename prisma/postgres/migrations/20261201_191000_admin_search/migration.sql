-- PostgreSQL baseline for every SQLite migration up to the admin search.
-- Follows prisma/migrations/20261122000000_init
-- Follows prisma/migrations/20261122060000_limits_sessions_recovery
-- Follows prisma/migrations/20261122070000_admin_audit
-- Follows prisma/migrations/20261201010000_enrollment_keys
-- Follows prisma/migrations/20261201_190000_devices_reset_message
-- Follows prisma/migrations/20261201_191000_admin_search
-- The tables are `prisma migrate diff` output; below them, PostgreSQL forms of the SQLite-only SQL.
-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "nameSearch" TEXT,
    "role" TEXT NOT NULL DEFAULT 'patient',
    "passwordHash" TEXT NOT NULL,
    "totpSecret" TEXT,
    "enrolledAt" TIMESTAMP(3),
    "totpLastStep" INTEGER,
    "totpHintedSteps" TEXT,
    "totpRetiredSecret" TEXT,
    "setupDeadline" TIMESTAMP(3),
    "recoveryCodesIssuedAt" TIMESTAMP(3),
    "lastSignInAt" TIMESTAMP(3),
    "enrollmentResetAt" TIMESTAMP(3),
    "enrollmentResetReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stepUpAt" TIMESTAMP(3) NOT NULL,
    "method" TEXT NOT NULL DEFAULT 'totp',
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "lastSeenAt" TIMESTAMP(3),

    CONSTRAINT "UserSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecoveryCode" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecoveryCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lockouts" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SecurityEvent" (
    "id" TEXT NOT NULL,
    "userId" TEXT,
    "type" TEXT NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SecurityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthChallenge" (
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "consumedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuthChallenge_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "EnrollmentKey" (
    "ownerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "replacedSecret" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EnrollmentKey_pkey" PRIMARY KEY ("ownerId")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetId" TEXT,
    "targetEmail" TEXT,
    "reason" TEXT,
    "patientMessage" TEXT,
    "ip" TEXT,
    "via" TEXT NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserSearchKey" (
    "key" SERIAL NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "UserSearchKey_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_nameSearch_idx" ON "User"("nameSearch");

-- CreateIndex
CREATE INDEX "User_role_email_idx" ON "User"("role", "email");

-- CreateIndex
CREATE INDEX "UserSession_userId_endedAt_idx" ON "UserSession"("userId", "endedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecoveryCode_userId_codeHash_key" ON "RecoveryCode"("userId", "codeHash");

-- CreateIndex
CREATE INDEX "RateLimit_lockedUntil_idx" ON "RateLimit"("lockedUntil");

-- CreateIndex
CREATE INDEX "SecurityEvent_userId_createdAt_idx" ON "SecurityEvent"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "AuthChallenge_userId_idx" ON "AuthChallenge"("userId");

-- CreateIndex
CREATE INDEX "AuthChallenge_expiresAt_idx" ON "AuthChallenge"("expiresAt");

-- CreateIndex
CREATE INDEX "EnrollmentKey_userId_idx" ON "EnrollmentKey"("userId");

-- CreateIndex
CREATE INDEX "EnrollmentKey_expiresAt_idx" ON "EnrollmentKey"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "AuditEntry_actorEmail_at_idx" ON "AuditEntry"("actorEmail", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_targetEmail_at_idx" ON "AuditEntry"("targetEmail", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_action_at_idx" ON "AuditEntry"("action", "at");

-- CreateIndex
CREATE UNIQUE INDEX "UserSearchKey_userId_key" ON "UserSearchKey"("userId");

-- AddForeignKey
ALTER TABLE "UserSession" ADD CONSTRAINT "UserSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecoveryCode" ADD CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityEvent" ADD CONSTRAINT "SecurityEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthChallenge" ADD CONSTRAINT "AuthChallenge_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnrollmentKey" ADD CONSTRAINT "EnrollmentKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit log is append-only for everyone, the app included. An INSERT naming an existing id
-- already fails on the primary key; INSERT … ON CONFLICT DO UPDATE fires the UPDATE trigger.
CREATE FUNCTION "audit_entry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER "AuditEntry_no_update" BEFORE UPDATE ON "AuditEntry"
    FOR EACH ROW EXECUTE FUNCTION "audit_entry_append_only"();
CREATE TRIGGER "AuditEntry_no_delete" BEFORE DELETE ON "AuditEntry"
    FOR EACH ROW EXECUTE FUNCTION "audit_entry_append_only"();
CREATE TRIGGER "AuditEntry_no_truncate" BEFORE TRUNCATE ON "AuditEntry"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_append_only"();

-- Admin search: SQLite answers from an FTS5 trigram table; here "UserSearch" is a plain table of
-- folded text (lower case, accents removed) under a pg_trgm index, so `LIKE '%word%'` is an index
-- lookup. Same columns the queries name ("rowid" is UserSearchKey.key), same triggers.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
-- unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes it safe to index.
CREATE FUNCTION "search_fold"(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(unaccent('unaccent'::regdictionary, $1)) $$;
-- SQLite's instr(), which the search's row checks use on both databases.
CREATE FUNCTION "instr"(text, text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT strpos($1, $2) $$;
CREATE TABLE "UserSearch" (
    "rowid" INTEGER NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL
);
CREATE INDEX "UserSearch_text_trgm" ON "UserSearch" USING gin ("text" gin_trgm_ops);

CREATE FUNCTION "user_search_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM "UserSearch" WHERE "rowid" = (SELECT "key" FROM "UserSearchKey" WHERE "userId" = OLD."id");
        DELETE FROM "UserSearchKey" WHERE "userId" = OLD."id";
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "UserSearchKey" ("userId") VALUES (NEW."id") RETURNING "key" INTO k;
    ELSE
        SELECT "key" INTO k FROM "UserSearchKey" WHERE "userId" = NEW."id";
    END IF;
    -- A tab never occurs in an email or a name, so no word matches across the two.
    INSERT INTO "UserSearch" ("rowid", "text") VALUES (k, "search_fold"(NEW."email" || E'\t' || coalesce(NEW."name", '')))
    ON CONFLICT ("rowid") DO UPDATE SET "text" = EXCLUDED."text";
    RETURN NEW;
END;
$$;
CREATE TRIGGER "User_search_insert" AFTER INSERT ON "User" FOR EACH ROW EXECUTE FUNCTION "user_search_sync"();
CREATE TRIGGER "User_search_update" AFTER UPDATE OF "email", "name" ON "User" FOR EACH ROW EXECUTE FUNCTION "user_search_sync"();
CREATE TRIGGER "User_search_delete" AFTER DELETE ON "User" FOR EACH ROW EXECUTE FUNCTION "user_search_sync"();
