// Only `prisma dev` (Prisma's local development server) imports @prisma/streams-local; this project
// replaces it through package.json "overrides" so that `npm install` on Node 20 prints no EBADENGINE
// warning. The portal has its own embedded PostgreSQL and never runs `prisma dev`.
export async function startLocalDurableStreamsServer() {
  throw new Error(
    "`prisma dev` is not available in this project: @prisma/streams-local is replaced by a stub (package.json overrides). Use `npm start`, which runs an embedded PostgreSQL.",
  );
}
