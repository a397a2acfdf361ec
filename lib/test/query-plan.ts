// Reading the work a statement did from its plan, for tests that must show a
// query stays linear without timing it: rows are counted the same on any
// machine, and a plan that compares every row with every other shows up as
// rows, not as a slow run that a fast machine could hide.
import type pg from "pg";

/** A node of `EXPLAIN (ANALYZE, FORMAT JSON)`'s plan, the fields read here. */
export type PlanNode = {
  Alias?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Join Filter"?: number;
  Plans?: PlanNode[];
};

/** The plan of one `EXPLAIN (ANALYZE, FORMAT JSON)` answer's row. */
export function planOf(row: unknown): PlanNode {
  return (row as { "QUERY PLAN": { Plan: PlanNode }[] })["QUERY PLAN"][0]!.Plan;
}

/**
 * Rows a plan touched: the rows every node produced (times its loops), plus
 * the rows its filters and join filters read and threw away.
 */
export function rowsTouched(node: PlanNode): number {
  return (
    (node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1) +
    (node["Rows Removed by Filter"] ?? 0) +
    (node["Rows Removed by Join Filter"] ?? 0) +
    (node.Plans ?? []).reduce((sum, child) => sum + rowsTouched(child), 0)
  );
}

/** The node of `plan` whose alias is `alias` (a subquery `(…) AS alias`), if any. */
export function nodeNamed(plan: PlanNode, alias: string): PlanNode | undefined {
  if (plan.Alias === alias) return plan;
  for (const child of plan.Plans ?? []) {
    const found = nodeNamed(child, alias);
    if (found) return found;
  }
  return undefined;
}

/**
 * A pool over `pool` whose clients note, for each UPDATE they run, the rows its subquery `alias`
 * touched (EXPLAIN ANALYZE; see rowsTouched) in `touched`. Other statements run as they are.
 *
 * - `"dry"`: the UPDATE runs only under EXPLAIN ANALYZE and answers no rows, and COMMIT rolls
 *   back: what the first batch's choice of rows touched, with nothing changed.
 * - `"real"`: the UPDATE runs under EXPLAIN ANALYZE inside a savepoint that is rolled back (its row
 *   locks too), then for real: every batch of a run measured, the run doing its work.
 */
export function measuringPool(pool: Pick<pg.Pool, "connect">, alias: string, touched: number[], mode: "dry" | "real"): Pick<pg.Pool, "connect"> {
  return {
    connect: (async () => {
      const client = await pool.connect();
      const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
      const measure = async (text: string, values?: unknown[]) => {
        const result = await query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
        const node = nodeNamed(planOf(result.rows[0]), alias);
        if (!node) throw new Error(`measuringPool: no node ${alias} in the plan of ${text.slice(0, 80)}`);
        touched.push(rowsTouched(node));
        return result;
      };
      return Object.assign(Object.create(client) as pg.PoolClient, {
        query: async (text: string, values?: unknown[]) => {
          if (mode === "dry" && text === "COMMIT") return query("ROLLBACK");
          if (!text.trimStart().startsWith("UPDATE")) return query(text, values);
          if (mode === "dry") return { ...(await measure(text, values)), rows: [] };
          await query("SAVEPOINT measuring");
          await measure(text, values);
          await query("ROLLBACK TO SAVEPOINT measuring");
          return query(text, values);
        },
        release: () => client.release(),
      });
    }) as Pick<pg.Pool, "connect">["connect"],
  };
}
