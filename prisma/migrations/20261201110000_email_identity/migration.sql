-- One account per email address (API.md "Input domain", issue 11 item 1).
-- Addresses were stored as typed and looked up with ILIKE, so `_` and `%` acted
-- as wildcards and two rows could differ only by case. From here on an address
-- is stored in its identity form (trimmed, lower-case: lib/http/input.ts) and
-- PostgreSQL enforces it: a CHECK keeps every stored address normalised and a
-- unique index on lower(btrim(email)) allows one account per address, whatever
-- code writes the row.
--
-- Existing rows that collide only by case or surrounding space are the same
-- person's address, so they are MERGED, not refused: the surviving account is an
-- admin if one of them is, else the one already stored in normal form, else the
-- oldest. Every row of every table that references users(id) (found from the
-- catalogue, so tables added by later features are covered too) moves to the
-- survivor; the survivor keeps its own name, Stripe customer id and verification
-- time and takes the others' where it has none. Each merge is written to the
-- audit log ("user.merge"). A table with a one-per-user unique constraint that
-- both accounts fill would make this migration fail with PostgreSQL's unique
-- violation naming that table: nothing is changed then (one transaction).

CREATE TEMPORARY TABLE "_email_merge" AS
WITH ranked AS (
  SELECT id, email, lower(btrim(email)) AS normalized,
         first_value(id) OVER w AS survivor,
         row_number() OVER w AS rank
  FROM users
  WINDOW w AS (PARTITION BY lower(btrim(email))
               ORDER BY (role = 'ADMIN') DESC, (email = lower(btrim(email))) DESC, created_at, id)
)
SELECT id AS loser, email AS loser_email, survivor, normalized FROM ranked WHERE rank > 1;

DO $$
DECLARE
  fk record;
BEGIN
  FOR fk IN
    SELECT c.conrelid::regclass AS tbl, a.attname AS col
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass AND cardinality(c.conkey) = 1
  LOOP
    EXECUTE format('UPDATE %s AS t SET %I = m.survivor FROM "_email_merge" AS m WHERE t.%I = m.loser', fk.tbl, fk.col, fk.col);
  END LOOP;
END $$;

-- What the merged accounts knew that the survivor does not.
CREATE TEMPORARY TABLE "_email_merge_fill" AS
SELECT m.survivor,
       (array_agg(u.name ORDER BY u.created_at) FILTER (WHERE u.name IS NOT NULL))[1] AS name,
       (array_agg(u.image ORDER BY u.created_at) FILTER (WHERE u.image IS NOT NULL))[1] AS image,
       (array_agg(u.stripe_customer_id ORDER BY u.created_at) FILTER (WHERE u.stripe_customer_id IS NOT NULL))[1] AS stripe_customer_id,
       max(u.email_verified) AS email_verified,
       jsonb_agg(jsonb_build_object('id', u.id, 'email', u.email) ORDER BY u.created_at) AS merged
FROM "_email_merge" m JOIN users u ON u.id = m.loser
GROUP BY m.survivor;

DELETE FROM users WHERE id IN (SELECT loser FROM "_email_merge");

UPDATE users u SET
  name = coalesce(u.name, f.name),
  image = coalesce(u.image, f.image),
  stripe_customer_id = coalesce(u.stripe_customer_id, f.stripe_customer_id),
  email_verified = greatest(u.email_verified, f.email_verified)
FROM "_email_merge_fill" f WHERE u.id = f.survivor;

INSERT INTO audit_logs (actor_type, actor_label, action, target_type, target_id, data)
SELECT 'system', 'migration 20261201110000_email_identity', 'user.merge', 'user', f.survivor::text,
       jsonb_build_object('reason', 'same email address but for case or white space', 'merged', f.merged)
FROM "_email_merge_fill" f;

UPDATE users SET email = lower(btrim(email)) WHERE email <> lower(btrim(email));

DROP TABLE "_email_merge_fill";
DROP TABLE "_email_merge";

-- Sign-in tokens are keyed by the address too (Auth.js lower-cases it; be sure).
UPDATE verification_tokens SET identifier = lower(btrim(identifier)) WHERE identifier <> lower(btrim(identifier));

ALTER TABLE "users" ADD CONSTRAINT "users_email_normalized_check" CHECK (email = lower(btrim(email)) AND email <> '');

-- CreateIndex
CREATE UNIQUE INDEX "users_email_normalized_key" ON "users" (lower(btrim(email)));
