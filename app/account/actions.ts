"use server";

import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { revealKeyForUser } from "@/lib/portal/licenses";

const input = z.string().uuid();

/** The clear key of one of the caller's own licenses; checked here, not only in the page. */
export async function revealKey(licenseId: string): Promise<{ key?: string; error?: string }> {
  const user = await currentUser();
  if (!user) return { error: "Your session has ended. Sign in again." };
  const id = input.safeParse(licenseId);
  if (!id.success) return { error: "Unknown license." };
  const key = await revealKeyForUser(user.id, id.data);
  return key ? { key } : { error: "Unknown license." };
}
