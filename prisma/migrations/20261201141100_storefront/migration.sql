-- The landing page becomes the vendor's storefront: the vendor names the
-- entitlement codes of each product (shown instead of the codes) and sets the
-- store's name, headline and introduction in the console.

-- CreateTable
CREATE TABLE "entitlement_names" (
    "product_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "entitlement_names_pkey" PRIMARY KEY ("product_id","code")
);

-- CreateTable
CREATE TABLE "store_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "name" TEXT NOT NULL,
    "headline" TEXT,
    "description" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_settings_pkey" PRIMARY KEY ("id"),
    -- One storefront per portal.
    CONSTRAINT "store_settings_single_row" CHECK ("id" = 1)
);

-- AddForeignKey
ALTER TABLE "entitlement_names" ADD CONSTRAINT "entitlement_names_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;
