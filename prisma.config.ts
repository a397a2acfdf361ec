// Prisma CLI configuration. Migrations are applied by `npm run db:migrate`
// (lib/db/migrate.ts), not by the Prisma CLI; the datasource is only read by
// Prisma commands that need a database, such as `prisma studio`.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
