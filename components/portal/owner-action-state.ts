/** What the portal's owner actions (app/account/owner-actions.ts) answer. */
export type OwnerActionState = { ok?: boolean; message?: string; error?: string; key?: string; licenseId?: string };

export type OwnerAction = (prev: OwnerActionState, data: FormData) => Promise<OwnerActionState>;
