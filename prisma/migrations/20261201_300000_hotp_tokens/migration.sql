-- Keyfobs (OATH HOTP) imported by the clinic and handed to patients.
-- CreateTable
CREATE TABLE "HardwareToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serial" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "digits" INTEGER NOT NULL DEFAULT 6,
    "counter" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'free',
    "userId" TEXT,
    "assignedAt" DATETIME,
    "provenAt" DATETIME,
    "resyncCounter" INTEGER,
    "resyncUntil" DATETIME,
    "importedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "HardwareToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "HardwareToken_serial_key" ON "HardwareToken"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "HardwareToken_userId_key" ON "HardwareToken"("userId");

-- CreateIndex
CREATE INDEX "HardwareToken_state_serial_idx" ON "HardwareToken"("state", "serial");
