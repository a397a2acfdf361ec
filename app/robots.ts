import type { MetadataRoute } from "next";

/**
 * `/robots.txt` (Next's metadata route; the format is RFC 9309). The storefront and pricing are for
 * search engines; the customer portal, the console, sign-in and the APIs are not. Without this file
 * crawlers got the HTML 404 page, which Lighthouse's SEO audit reports as an invalid robots.txt.
 */
export default function robots(): MetadataRoute.Robots {
  return {
    rules: { userAgent: "*", allow: "/", disallow: ["/account", "/admin", "/api/", "/signin", "/checkout/", "/trial/"] },
  };
}
