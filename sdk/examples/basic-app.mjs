#!/usr/bin/env node
// A tiny licensed application: it refuses to start without a valid license and enables its
// "export" feature only when the license grants the `export` entitlement.
//
//   LICENSE_KEY=ZP-... LICENSE_PUBLIC_KEY_FILE=portal.pem node sdk/examples/basic-app.mjs
//
// Environment: LICENSE_KEY (required), LICENSE_SERVER (default http://localhost:3000),
// LICENSE_PUBLIC_KEY_FILE (the portal's public key, from GET /api/v1/public-key; default
// ./portal-public-key.pem beside this file), LICENSE_PRODUCT (default demo-app, the demo product of
// `npm start`), LICENSE_CACHE_DIR (optional). A real application ships its public key inside the app.
import { readFileSync } from "node:fs";
import { LicenseClient } from "@license-portal/client";

const licenseKey = process.env.LICENSE_KEY;
if (!licenseKey) {
  console.error("Set LICENSE_KEY to your license key.");
  process.exit(2);
}

const license = new LicenseClient({
  server: process.env.LICENSE_SERVER ?? "http://localhost:3000",
  publicKey: readFileSync(process.env.LICENSE_PUBLIC_KEY_FILE ?? new URL("./portal-public-key.pem", import.meta.url), "utf8"),
  licenseKey,
  product: process.env.LICENSE_PRODUCT ?? "demo-app",
  cacheDir: process.env.LICENSE_CACHE_DIR || undefined,
});

// Activation is idempotent: the first run takes a seat, later runs confirm it. When the portal cannot
// be reached the last signed answer saved on disk decides, for the plan's offline grace.
const status = await license.activate();
if (!status.valid) {
  console.error(`Not licensed (${status.code}): ${status.message}`);
  process.exit(1);
}

const where = status.source === "server" ? "online" : `offline, until ${status.validUntil?.toISOString()}`;
console.log(`Demo App started: licensed (${status.license?.plan}, ${where}).`);
console.log(license.hasEntitlement("export") ? "Export: enabled" : "Export: not included in your plan");

if (status.license?.floating) {
  // Floating seats are held by heartbeats; stop the app if the seat is lost.
  license.startHeartbeat({
    keepAlive: true,
    onCheck(check) {
      if (!check.valid) {
        console.error(`License lost (${check.code}): ${check.message}`);
        process.exit(1);
      }
    },
  });
  console.log("Holding a floating seat; Ctrl-C to quit.");
  process.on("SIGINT", async () => {
    license.stopHeartbeat();
    await license.deactivate(); // give the seat back
    process.exit(0);
  });
}
