// Makes the database refuse audit entries of one action, as a database that goes away between
// an external call and the write that records it would: a BEFORE INSERT trigger on audit_logs
// that raises. Real PostgreSQL, nothing of ours replaced.
import { prisma } from "../db/client";

/**
 * Until the returned function is called, every insert into audit_logs with `action` fails with
 * "audit refused by the test" (and so does the transaction around it). Other actions are written.
 */
export async function refuseAuditEntries(action: string): Promise<() => Promise<void>> {
  await prisma().$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.action = TG_ARGV[0] THEN RAISE EXCEPTION 'audit refused by the test'; END IF;
      RETURN NEW;
    END $$`);
  await prisma().$executeRawUnsafe(
    `CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION test_refuse_audit('${action.replace(/'/g, "''")}')`,
  );
  return async () => {
    await prisma().$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_refuse_audit ON audit_logs`);
    await prisma().$executeRawUnsafe(`DROP FUNCTION IF EXISTS test_refuse_audit()`);
  };
}
