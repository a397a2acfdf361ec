// The console's gate, without a database: pages (requireAdmin) and the action
// wrapper (consoleActionFactory) with sessions faked through their getUser.
import { describe, expect, it, vi, type Mock } from "vitest";
import { z } from "zod";
import type { SessionUser } from "../auth/session";
import { ApiError } from "../http/errors";
import { adminLayoutGate, consoleActionFactory, NOT_ALLOWED, requireAdmin, SESSION_ENDED, type ActionResult } from "./guard";
import { fakeDeps, form, RedirectedTo } from "./test-kit";

const admin: SessionUser = { id: "a0000000-0000-4000-8000-000000000001", email: "boss@example.com", isAdmin: true };
const customer: SessionUser = { id: "c0000000-0000-4000-8000-000000000002", email: "buyer@example.com", isAdmin: false };

/** What next/navigation threw, by its digest. */
async function thrownDigest(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "expected the guard to throw").not.toBeNull();
  return (error as { digest: string }).digest;
}

describe("requireAdmin (pages)", () => {
  it("sends a signed-out visitor to sign in and back to the page", async () => {
    const digest = await thrownDigest(requireAdmin("/admin/licenses?status=ACTIVE", async () => null));
    expect(digest).toBe("NEXT_REDIRECT;replace;/signin?callbackUrl=%2Fadmin%2Flicenses%3Fstatus%3DACTIVE;307;");
  });

  it("answers 404 to a signed-in customer", async () => {
    expect(await thrownDigest(requireAdmin("/admin", async () => customer))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
  });

  it("lets an admin through as the acting admin", async () => {
    const result = await requireAdmin("/admin", async () => admin);
    expect(result).toEqual({ id: admin.id, email: admin.email });
  });
});

describe("consoleActionFactory (server actions)", () => {
  const schema = z.object({ count: z.coerce.number().int().min(1) });

  function setup(user: SessionUser | null, run: Mock<() => Promise<ActionResult>> = vi.fn(async () => ({ ok: true, message: "done" }))) {
    const deps = fakeDeps(user, "198.51.100.9");
    const action = consoleActionFactory(deps)(schema, run);
    return { deps, action, run };
  }

  it.each([
    ["a signed-out caller", null, SESSION_ENDED],
    ["a customer", customer, NOT_ALLOWED],
  ])("refuses %s before validating or running anything", async (_label, user, error) => {
    const { action, run, deps } = setup(user);
    expect(await action({}, form({ count: 3 }))).toEqual({ error });
    expect(await action({}, form({ count: "not a number" }))).toEqual({ error });
    expect(run).not.toHaveBeenCalled();
    expect(deps.changes).toBe(0);
  });

  it("reads the session on every call, so a demoted admin is refused at once", async () => {
    let user: SessionUser = admin;
    const run = vi.fn(async () => ({ ok: true }));
    const action = consoleActionFactory({ ...fakeDeps(null), getUser: async () => user })(schema, run);
    await action({}, form({ count: 1 }));
    user = { ...admin, isAdmin: false };
    expect(await action({}, form({ count: 1 }))).toEqual({ error: NOT_ALLOWED });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("validates the form with zod and reports the fields, without running", async () => {
    const { action, run } = setup(admin);
    const state = await action({}, form({ count: "0" }));
    expect(state.error).toMatch(/not valid/);
    expect(Object.keys(state.fieldErrors ?? {})).toEqual(["count"]);
    expect(run).not.toHaveBeenCalled();
  });

  it("runs with the admin, the parsed input and the caller's address, then refreshes the pages", async () => {
    const { action, run, deps } = setup(admin);
    expect(await action({}, form({ count: "3", $ACTION_ID_x: "" }))).toEqual({ ok: true, message: "done" });
    expect(run).toHaveBeenCalledWith({ id: admin.id, email: admin.email }, { count: 3 }, { ip: "198.51.100.9" });
    expect(deps.changes).toBe(1);
  });

  it("follows a result's redirect", async () => {
    const { action } = setup(admin, vi.fn(async () => ({ ok: true, redirectTo: "/admin/licenses/x" })));
    await expect(action({}, form({ count: 1 }))).rejects.toEqual(new RedirectedTo("/admin/licenses/x"));
  });

  it("turns an ApiError into its message and hides any other error's", async () => {
    const conflict = setup(admin, vi.fn(async () => Promise.reject(new ApiError("CONFLICT", "Slug taken."))));
    expect(await conflict.action({}, form({ count: 1 }))).toEqual({ error: "Slug taken." });
    expect(conflict.deps.changes).toBe(0);

    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const crash = setup(admin, vi.fn(async () => Promise.reject(new Error("relation \"x\" does not exist"))));
    const state = await crash.action({}, form({ count: 1 }));
    expect(state.error).toMatch(/unexpected error/);
    expect(state.error).not.toContain("relation");
    spy.mockRestore();
  });
});

describe("adminLayoutGate (the console's layout)", () => {
  it("answers 404 to a customer, leaves a signed-out visitor to the page, and passes an admin", async () => {
    expect(await thrownDigest(adminLayoutGate(async () => customer))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    expect(await adminLayoutGate(async () => null)).toBeNull();
    expect(await adminLayoutGate(async () => admin)).toEqual({ id: admin.id, email: admin.email });
  });
});
