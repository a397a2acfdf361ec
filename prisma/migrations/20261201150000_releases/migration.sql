-- Releases, their artifacts and download counts (lib/releases), and the plans'
-- expiration strategy (the perpetual fallback of API.md "Releases and downloads").

-- CreateEnum
CREATE TYPE "ExpirationStrategy" AS ENUM ('RESTRICT', 'MAINTAIN');

-- CreateEnum
CREATE TYPE "ReleaseChannel" AS ENUM ('stable', 'beta', 'alpha');

-- CreateEnum
CREATE TYPE "ReleaseStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'YANKED');

-- AlterTable
ALTER TABLE "plans" ADD COLUMN "expiration_strategy" "ExpirationStrategy" NOT NULL DEFAULT 'RESTRICT';

-- CreateTable
CREATE TABLE "releases" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "channel" "ReleaseChannel" NOT NULL DEFAULT 'stable',
    "notes" TEXT,
    "entitlements" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "ReleaseStatus" NOT NULL DEFAULT 'PUBLISHED',
    "published_at" TIMESTAMPTZ(3),
    "yanked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "releases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "release_id" UUID NOT NULL,
    "filename" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "arch" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sha512" TEXT NOT NULL,
    "signature" TEXT,
    "storage_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "release_downloads" (
    "release_id" UUID NOT NULL,
    "artifact_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "downloads" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "release_downloads_pkey" PRIMARY KEY ("artifact_id", "day")
);

-- CreateIndex
CREATE UNIQUE INDEX "releases_product_id_version_key" ON "releases"("product_id", "version");

-- CreateIndex
CREATE INDEX "releases_product_id_status_idx" ON "releases"("product_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "artifacts_release_id_filename_key" ON "artifacts"("release_id", "filename");

-- CreateIndex
CREATE INDEX "release_downloads_release_id_day_idx" ON "release_downloads"("release_id", "day");

-- CreateIndex
CREATE INDEX "release_downloads_day_idx" ON "release_downloads"("day");

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_downloads" ADD CONSTRAINT "release_downloads_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_downloads" ADD CONSTRAINT "release_downloads_artifact_id_fkey" FOREIGN KEY ("artifact_id") REFERENCES "artifacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
