-- Follows prisma/migrations/20261201_300000_hotp_tokens
-- CreateTable
CREATE TABLE "HardwareToken" (
    "id" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "digits" INTEGER NOT NULL DEFAULT 6,
    "counter" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'free',
    "userId" TEXT,
    "assignedAt" TIMESTAMP(3),
    "provenAt" TIMESTAMP(3),
    "resyncCounter" INTEGER,
    "resyncUntil" TIMESTAMP(3),
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HardwareToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HardwareToken_serial_key" ON "HardwareToken"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "HardwareToken_userId_key" ON "HardwareToken"("userId");

-- CreateIndex
CREATE INDEX "HardwareToken_state_serial_idx" ON "HardwareToken"("state", "serial");

-- AddForeignKey
ALTER TABLE "HardwareToken" ADD CONSTRAINT "HardwareToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
