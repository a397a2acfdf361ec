// The three sign-in email budgets, counted directly (sign-in.test.ts drives them through Auth.js's endpoints).
import { describe, expect, it } from "vitest";
import {
  countSignInEmail,
  retryAfterText,
  SIGN_IN_EMAILS_PER_ADDRESS,
  SIGN_IN_EMAILS_PER_ADDRESS_AND_IP,
  SIGN_IN_EMAILS_PER_IP,
  SignInEmailLimited,
} from "./sign-in-limits";

const refusal = (email: string, ip: string) => countSignInEmail(email, ip).then(() => null, (e: unknown) => e);

describe("sign-in email budgets", () => {
  it(`allows ${SIGN_IN_EMAILS_PER_ADDRESS_AND_IP} per address from one client, then refuses with the seconds to wait; the address from another client still goes`, async () => {
    for (let i = 0; i < SIGN_IN_EMAILS_PER_ADDRESS_AND_IP; i++) await countSignInEmail("one@example.com", "198.51.100.1");
    const error = await refusal("one@example.com", "198.51.100.1");
    expect(error).toBeInstanceOf(SignInEmailLimited);
    expect((error as SignInEmailLimited).retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(await refusal("one@example.com", "198.51.100.2")).toBeNull();
  });

  it(`allows ${SIGN_IN_EMAILS_PER_ADDRESS} per address from all clients together`, async () => {
    for (let i = 0; i < SIGN_IN_EMAILS_PER_ADDRESS; i++) await countSignInEmail("many@example.com", `203.0.113.${i}`);
    const error = (await refusal("many@example.com", "203.0.113.200")) as SignInEmailLimited;
    expect(error).toBeInstanceOf(SignInEmailLimited);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(10 * 60);
  });

  it(`allows ${SIGN_IN_EMAILS_PER_IP} per client across addresses; other clients are unaffected`, async () => {
    for (let i = 0; i < SIGN_IN_EMAILS_PER_IP; i++) await countSignInEmail(`spray-${i}@example.com`, "192.0.2.66");
    expect(await refusal("spray-last@example.com", "192.0.2.66")).toBeInstanceOf(SignInEmailLimited);
    expect(await refusal("spray-last@example.com", "192.0.2.67")).toBeNull();
  });

  it("says when to try again in words", () => {
    expect(retryAfterText(1)).toBe("in 1 second");
    expect(retryAfterText(59)).toBe("in 59 seconds");
    expect(retryAfterText(60)).toBe("in 1 minute");
    expect(retryAfterText(899)).toBe("in 15 minutes");
  });
});
