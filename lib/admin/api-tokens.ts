// Admin API tokens made in the console. The token is made by the admin API's own
// createApiToken (lib/admin-api/auth.ts, which also checks them): only its
// SHA-256 and last four characters are stored, and the token itself is returned
// once, to be shown once. Revoking is immediate: authenticateAdmin ignores
// revoked rows.
import { z } from "zod";
import { createApiToken } from "../admin-api/auth";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError } from "../http/errors";
import { confirmed, id, trimmed } from "./form-fields";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";

export const createTokenInput = z.object({ name: trimmed(100).min(1, "Name the token after who or what will use it") });
export const revokeTokenInput = z.object({ tokenId: id, confirm: confirmed });

export type TokenRow = {
  id: string;
  name: string;
  hint: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export async function listApiTokens(): Promise<TokenRow[]> {
  const rows = await prisma().apiToken.findMany({
    include: { createdBy: { select: { email: true } } },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
  });
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    hint: t.hint,
    createdBy: t.createdBy?.email ?? null,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  }));
}

export async function createToken(admin: ConsoleAdmin, input: { name: string }, ip: string | null): Promise<ActionResult> {
  const { token, hash, hint } = createApiToken();
  await prisma().$transaction(async (tx) => {
    const row = await tx.apiToken.create({ data: { name: input.name, tokenHash: hash, hint, createdById: admin.id } });
    // The hint only: the audit log must never be a way to get a working token.
    await writeAudit(tx, { actor: adminActor(admin), action: "api_token.create", target: { type: "api_token", id: row.id }, ip, data: { name: input.name, hint } });
  });
  return { ok: true, message: `Token "${input.name}" created. Copy it now: it is not shown again.`, secret: token };
}

export async function revokeToken(admin: ConsoleAdmin, input: { tokenId: string }, ip: string | null): Promise<ActionResult> {
  const revoked = await prisma().$transaction(async (tx) => {
    // The condition on revokedAt makes a second revoke (another admin, a double click) a no-op.
    const { count } = await tx.apiToken.updateMany({ where: { id: input.tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) {
      if (!(await tx.apiToken.findUnique({ where: { id: input.tokenId }, select: { id: true } }))) {
        throw new ApiError("NOT_FOUND", "The token does not exist.");
      }
      return null;
    }
    const row = await tx.apiToken.findUniqueOrThrow({ where: { id: input.tokenId }, select: { name: true, hint: true } });
    await writeAudit(tx, { actor: adminActor(admin), action: "api_token.revoke", target: { type: "api_token", id: input.tokenId }, ip, data: row });
    return row;
  });
  return { ok: true, message: revoked ? `Token "${revoked.name}" revoked: it no longer works.` : "The token was already revoked." };
}
