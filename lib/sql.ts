import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConnection, type Connection } from "./db";

/**
 * Hot-path statements straight to the client's own driver adapter. `db.$queryRaw` costs about
 * 160 µs a statement in Prisma's request path (its query compiler and interpreter run even for raw
 * SQL); the adapter itself about 25 µs. Values are typed as Prisma's client types them, so the
 * adapter stores exactly what `$queryRaw` stored (SQLite dates as its ISO text, for one); rows come
 * back decoded as `$queryRaw` hands them, except that integers are numbers. Never inside an
 * interactive transaction: those statements belong on the transaction's client.
 */
export async function queryRows<Row>(query: Prisma.Sql): Promise<Row[]> {
  const connection = await getConnection();
  const result = await run(connection, () => connection.queryRaw(toSqlQuery(connection, query)));
  const { columnNames, columnTypes, rows } = result;
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (let index = 0; index < columnNames.length; index++) record[columnNames[index]!] = decode(row[index], columnTypes[index]!);
    return record as Row;
  });
}

/** A statement without rows back: how many rows it changed. */
export async function executeSql(query: Prisma.Sql): Promise<number> {
  const connection = await getConnection();
  return run(connection, () => connection.executeRaw(toSqlQuery(connection, query)));
}

type SqlQuery = Parameters<Connection["queryRaw"]>[0];
type ArgType = SqlQuery["argTypes"][number];
type ResultSet = Awaited<ReturnType<Connection["queryRaw"]>>;
type ColumnType = ResultSet["columnTypes"][number];

function toSqlQuery(connection: Connection, query: Prisma.Sql): SqlQuery {
  const args = query.values;
  const argTypes: ArgType[] = new Array(args.length);
  const values: unknown[] = new Array(args.length);
  for (let index = 0; index < args.length; index++) {
    const [value, scalarType] = typed(args[index]);
    values[index] = value;
    argTypes[index] = { scalarType, arity: "scalar" };
  }
  // SQLite takes `?` placeholders, PostgreSQL `$1`; Prisma.Sql renders both.
  return { sql: connection.provider === "postgres" ? query.text : query.sql, args: values, argTypes };
}

/** A value and its type as Prisma's client passes them to the adapter for `$queryRaw`. */
function typed(value: unknown): [unknown, ArgType["scalarType"]] {
  if (value === null || value === undefined) return [null, "unknown"];
  switch (typeof value) {
    case "string":
      return [value, "string"];
    case "number":
      return [value, Number.isInteger(value) ? "int" : "float"];
    case "bigint":
      return [value.toString(), "bigint"];
    case "boolean":
      return [value, "boolean"];
  }
  if (value instanceof Date) return [value, "datetime"];
  if (value instanceof Uint8Array) return [value, "bytes"];
  throw new TypeError(`A SQL value of type ${Object.prototype.toString.call(value)} has no database type here.`);
}

// The adapters' column types (ColumnTypeEnum in @prisma/driver-adapter-utils).
const INT32 = 0, INT64 = 1, FLOAT = 2, DOUBLE = 3, BOOLEAN = 5, DATE = 8, TIME = 9, DATETIME = 10, JSON_TYPE = 11, BYTES = 13;

/**
 * A value as `$queryRaw` decodes it, but integers (which the adapters hand back as text when they
 * are 64-bit: SQLite's expressions, PostgreSQL's count) become numbers. None this app stores comes
 * near 2^53; one that did would be refused rather than rounded.
 */
function decode(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case INT32:
    case INT64: {
      const number = typeof value === "number" ? Math.trunc(value) : Number(value);
      if (!Number.isSafeInteger(number)) throw new RangeError("An integer from the database is beyond what a JavaScript number holds exactly.");
      return number;
    }
    case FLOAT:
    case DOUBLE:
      return Number(value);
    case BOOLEAN:
      return typeof value === "boolean" ? value : value === 1 || value === "1" || value === "true";
    case DATE:
    case DATETIME:
      return new Date(value as string);
    case TIME:
      return new Date(`1970-01-01T${value as string}Z`);
    case JSON_TYPE:
      return typeof value === "string" ? JSON.parse(value) : value;
    case BYTES:
      return Array.isArray(value) ? new Uint8Array(value) : value;
    default:
      return value;
  }
}

/**
 * Errors as `$queryRaw` callers know them: a PrismaClientKnownRequestError with Prisma's code for
 * the constraint (P2002 for a duplicate), or P2010 for any other database refusal. The message
 * names the constraint's columns, never the values.
 */
async function run<T>(connection: Connection, statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    const cause = driverErrorCause(error);
    if (!cause) throw error;
    const code = PRISMA_CODES[cause.kind] ?? "P2010";
    const fields = cause.constraint && "fields" in cause.constraint ? ` on (${cause.constraint.fields.join(", ")})` : "";
    const detail = cause.originalMessage ?? cause.kind;
    throw new Prisma.PrismaClientKnownRequestError(`${code === "P2010" ? "Raw query failed" : cause.kind}${fields}: ${detail}`, {
      code,
      clientVersion: Prisma.prismaVersion.client,
      meta: { kind: cause.kind, ...(fields ? { target: (cause.constraint as { fields: string[] }).fields } : {}), provider: connection.provider },
    });
  }
}

type DriverErrorCause = { kind: string; originalMessage?: string; constraint?: { fields: string[] } | { index: string } | { foreignKey: object } };

/** The adapters throw DriverAdapterError with a `cause` that says what kind of refusal it was. */
function driverErrorCause(error: unknown): DriverErrorCause | null {
  if (!(error instanceof Error) || error.name !== "DriverAdapterError") return null;
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause && typeof cause === "object" && typeof (cause as { kind?: unknown }).kind === "string" ? (cause as DriverErrorCause) : null;
}

const PRISMA_CODES: Record<string, string> = {
  SocketTimeout: "P1008",
  ConnectionClosed: "P1017",
  DatabaseNotReachable: "P1001",
  LengthMismatch: "P2000",
  UniqueConstraintViolation: "P2002",
  ForeignKeyConstraintViolation: "P2003",
  NullConstraintViolation: "P2011",
  ValueOutOfRange: "P2020",
  TableDoesNotExist: "P2021",
  ColumnNotFound: "P2022",
  TransactionWriteConflict: "P2034",
  TooManyConnections: "P2037",
};
