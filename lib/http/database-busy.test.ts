// A database too busy to give a transaction its connection or its time is a
// condition to retry, like one that cannot be reached: 503 with Retry-After.
import { describe, expect, it } from "vitest";
import { prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { errorResponse } from "./errors";

setupTestDatabase();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("a busy database", () => {
  it("answers 503 + Retry-After when a transaction cannot start in time (every connection held)", async () => {
    const holders = Array.from({ length: 5 }, () => prisma().$transaction(() => sleep(1500), { timeout: 5000 }));
    await sleep(200);
    const error = await failure(() => prisma().$transaction(() => sleep(1), { maxWait: 100 }));
    await Promise.all(holders);
    expect(errorResponse(error)).toMatchObject({ status: 503, headers: { "Retry-After": "5" }, json: { error: { code: "UNAVAILABLE" } } });
  });

  it("answers 503 + Retry-After when a transaction outlives its time", async () => {
    const error = await failure(() =>
      prisma().$transaction(
        async (tx) => {
          await sleep(300);
          await tx.user.count();
        },
        { timeout: 100 },
      ),
    );
    expect(errorResponse(error)).toMatchObject({ status: 503, headers: { "Retry-After": "5" } });
  });

  it("answers 503 + Retry-After on a deadlock, which PostgreSQL resolves by failing one side", async () => {
    const [a, b] = await prisma().$transaction([
      prisma().product.create({ data: { slug: "dl-a", name: "A" } }),
      prisma().product.create({ data: { slug: "dl-b", name: "B" } }),
    ]);
    const crosswise = (first: string, second: string) =>
      prisma().$transaction(async (tx) => {
        await tx.$executeRaw`SELECT id FROM products WHERE id = ${first}::uuid FOR UPDATE`;
        await sleep(200);
        await tx.$executeRaw`SELECT id FROM products WHERE id = ${second}::uuid FOR UPDATE`;
      });
    const results = await Promise.allSettled([crosswise(a.id, b.id), crosswise(b.id, a.id)]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(errorResponse(rejected[0]!.reason)).toMatchObject({ status: 503, headers: { "Retry-After": "5" } });
  });
});
