-- Phones that receive sign-in codes by text or call, the keyed hashes of the codes sent, and the single-use answer URLs of calls.
-- CreateTable
CREATE TABLE "PhoneNumber" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "e164" TEXT NOT NULL,
    "lineType" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "confirmedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PhoneNumber_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PhoneCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PhoneCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "PhoneCode_challengeId_createdAt_idx" ON "PhoneCode"("challengeId", "createdAt");

-- CreateIndex
CREATE INDEX "PhoneCode_expiresAt_idx" ON "PhoneCode"("expiresAt");

-- CreateTable
CREATE TABLE "VoiceAnswer" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "messageId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "VoiceAnswer_expiresAt_idx" ON "VoiceAnswer"("expiresAt");
