// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL, or to the
// embedded database under .data/ when it is unset.
import { prepareDatabase } from "../lib/db/prepare";
import { loadDotEnv } from "./env";

loadDotEnv();
const log = (line: string) => console.log(`[migrate] ${line}`);
try {
  const { embedded } = await prepareDatabase(log);
  await embedded?.stop();
} catch (error) {
  console.error(`[migrate] ${(error as Error).message}`);
  process.exit(1);
}
