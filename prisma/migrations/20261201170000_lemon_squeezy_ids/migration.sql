-- Numeric ids for the Lemon Squeezy-compatible license API (lib/compat/lemonsqueezy):
-- Lemon Squeezy answers `license_key.id`, `meta.customer_id`, `meta.product_id` and
-- `meta.variant_id` as numbers, stable per object. Existing rows are numbered in
-- the order the sequence visits them; new rows take the next number.
-- The Lemon Squeezy store, product and variant ids a vendor moved from can be
-- set per product and plan, so an application that checks them keeps working.

-- AlterTable
ALTER TABLE "users" ADD COLUMN "number" SERIAL NOT NULL;
ALTER TABLE "products" ADD COLUMN "number" SERIAL NOT NULL,
ADD COLUMN "lemon_squeezy_store_id" INTEGER,
ADD COLUMN "lemon_squeezy_product_id" INTEGER;
ALTER TABLE "plans" ADD COLUMN "number" SERIAL NOT NULL,
ADD COLUMN "lemon_squeezy_variant_id" INTEGER;
ALTER TABLE "licenses" ADD COLUMN "number" SERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "users_number_key" ON "users"("number");
CREATE UNIQUE INDEX "products_number_key" ON "products"("number");
CREATE UNIQUE INDEX "plans_number_key" ON "plans"("number");
CREATE UNIQUE INDEX "licenses_number_key" ON "licenses"("number");
