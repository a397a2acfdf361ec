#!/usr/bin/env node
// `license-portal activate|status|deactivate|offline|fingerprint|public-key|release publish`: see commands.ts.
import { runCli } from "./commands.js";

process.exitCode = await runCli(process.argv.slice(2));
