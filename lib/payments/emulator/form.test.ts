import { describe, expect, it } from "vitest";
import { parseForm } from "./form";

describe("parseForm", () => {
  it("decodes the nested keys the Stripe SDK sends", () => {
    const body =
      "mode=subscription&line_items[0][price]=price_1&line_items[0][quantity]=2&line_items[1][price]=price_2" +
      "&metadata[plan]=pro&subscription_data[metadata][plan]=pro&success_url=http%3A%2F%2Fx%2F%3Fs%3D%7BCHECKOUT_SESSION_ID%7D";
    expect(parseForm(body)).toEqual({
      mode: "subscription",
      line_items: [{ price: "price_1", quantity: "2" }, { price: "price_2" }],
      metadata: { plan: "pro" },
      subscription_data: { metadata: { plan: "pro" } },
      success_url: "http://x/?s={CHECKOUT_SESSION_ID}",
    });
  });

  it("accepts percent-encoded brackets and appends for []", () => {
    expect(parseForm("expand%5B0%5D=customer&expand%5B1%5D=subscription")).toEqual({ expand: ["customer", "subscription"] });
    expect(parseForm("expand[]=a&expand[]=b")).toEqual({ expand: ["a", "b"] });
  });

  it("keeps non-consecutive numeric keys as an object and empty values as empty strings", () => {
    expect(parseForm("a[1]=x&b=")).toEqual({ a: { "1": "x" }, b: "" });
  });

  it("ignores malformed keys and keys that would reach Object.prototype", () => {
    const parsed = parseForm("a]=1&__proto__[polluted]=yes&x[constructor][prototype][y]=1&ok=1");
    expect(parsed).toEqual({ ok: "1" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
