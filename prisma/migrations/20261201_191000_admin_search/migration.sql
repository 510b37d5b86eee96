-- Admin search: any part of an email or a name (three characters or more), whatever the case or
-- accents, answered from an FTS5 trigram index instead of a scan of every patient.

-- CreateTable
CREATE TABLE "UserSearchKey" (
    "key" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "UserSearchKey_userId_key" ON "UserSearchKey"("userId");

-- Contentless: the text lives in "User"; the index holds only trigrams and UserSearchKey.key.
CREATE VIRTUAL TABLE "UserSearch" USING fts5("email", "name", tokenize = 'trigram remove_diacritics 1', content = '', contentless_delete = 1);

-- Kept in step with "User" by the database itself, whoever writes (app, console, seeding).
-- A later migration that redefines "User" (Prisma's copy-and-rename) drops these: recreate them.
CREATE TRIGGER "User_search_insert" AFTER INSERT ON "User"
BEGIN
    INSERT INTO "UserSearchKey" ("userId") VALUES (new."id");
    INSERT INTO "UserSearch" (rowid, "email", "name")
    VALUES ((SELECT "key" FROM "UserSearchKey" WHERE "userId" = new."id"), new."email", coalesce(new."name", ''));
END;

CREATE TRIGGER "User_search_update" AFTER UPDATE OF "email", "name" ON "User"
BEGIN
    DELETE FROM "UserSearch" WHERE rowid = (SELECT "key" FROM "UserSearchKey" WHERE "userId" = old."id");
    INSERT INTO "UserSearch" (rowid, "email", "name")
    VALUES ((SELECT "key" FROM "UserSearchKey" WHERE "userId" = new."id"), new."email", coalesce(new."name", ''));
END;

CREATE TRIGGER "User_search_delete" AFTER DELETE ON "User"
BEGIN
    DELETE FROM "UserSearch" WHERE rowid = (SELECT "key" FROM "UserSearchKey" WHERE "userId" = old."id");
    DELETE FROM "UserSearchKey" WHERE "userId" = old."id";
END;

-- Existing accounts.
INSERT INTO "UserSearchKey" ("userId") SELECT "id" FROM "User";
INSERT INTO "UserSearch" (rowid, "email", "name")
SELECT k."key", u."email", coalesce(u."name", '') FROM "User" u JOIN "UserSearchKey" k ON k."userId" = u."id";
