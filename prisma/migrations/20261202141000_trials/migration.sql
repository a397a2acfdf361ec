-- Free trials (issue 14): a plan may offer one (`trial_days`); a trial license
-- is marked (`trial`) until the plan is bought, which converts the same license.
-- `trials` keeps one row per customer and product, so a customer gets one trial
-- of a product ever; `trial_machines` keeps every machine (fingerprint) that held
-- a trial of a product, so one machine cannot run trial after trial under new
-- accounts. Neither has foreign keys: they are history and must outlive the
-- trial license (deleting it must not free the customer's or machine's trial).

-- AlterTable
ALTER TABLE "plans" ADD COLUMN "trial_days" INTEGER;
ALTER TABLE "licenses" ADD COLUMN "trial" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "trials" (
    "user_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "license_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trials_pkey" PRIMARY KEY ("user_id","product_id")
);

-- CreateTable
CREATE TABLE "trial_machines" (
    "product_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "license_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trial_machines_pkey" PRIMARY KEY ("product_id","fingerprint")
);
