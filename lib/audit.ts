import "server-only";
import { getDb } from "./db";

/** Who acts: an admin in the browser, or an operator at the console. */
export type Actor = { id: string | null; email: string; via: "web" | "cli"; ip: string | null };

export const AUDIT_ACTIONS = {
  "enrollment-reset": "Reset two-step sign-in",
  "account-unlocked": "Unlocked account",
  "admin-created": "Created admin",
  "setup-reopened": "Gave more time to set up",
  "tokens-imported": "Imported keyfobs",
  "token-assigned": "Assigned a keyfob",
  "token-unassigned": "Took a keyfob back",
  "token-lost": "Marked a keyfob lost",
  "password-reset-link-sent": "Sent a password reset link",
  "setup-sheet-printed": "Printed a one-time setup sheet",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export async function recordAudit(actor: Actor, action: AuditAction, target: { id: string; email: string } | null, reason?: string) {
  await auditEntryCreate(actor, action, target, reason);
}

/** The insert itself, for callers that write it in one transaction with what it records. */
export function auditEntryCreate(actor: Actor, action: AuditAction, target: { id: string; email: string } | null, reason?: string, patientMessage?: string) {
  return getDb().auditEntry.create({
    data: {
      actorId: actor.id,
      actorEmail: actor.email,
      action,
      targetId: target?.id ?? null,
      targetEmail: target?.email ?? null,
      reason: reason ?? null,
      patientMessage: patientMessage ?? null,
      ip: actor.ip,
      via: actor.via,
    },
  });
}

export type AuditFilter = { admin?: string; patient?: string; action?: AuditAction; before?: Date };
export type AuditRow = { id: string; at: Date; actorEmail: string; action: string; label: string; targetEmail: string | null; reason: string | null; patientMessage: string | null; ip: string | null; via: string };

/**
 * Newest first, a page at a time. The email filters match any part of an address (the log holds
 * admin actions only, so reading it in time order and skipping non-matches stays cheap).
 */
export async function listAudit(filter: AuditFilter, take = 50): Promise<AuditRow[]> {
  const rows = await getDb().auditEntry.findMany({
    where: {
      ...(filter.admin ? { actorEmail: { contains: filter.admin } } : {}),
      ...(filter.patient ? { targetEmail: { contains: filter.patient } } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.before ? { at: { lt: filter.before } } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take,
  });
  return rows.map((row) => ({ ...row, label: AUDIT_ACTIONS[row.action as AuditAction] ?? row.action }));
}
