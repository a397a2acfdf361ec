// Reading the work a statement did from its plan, for tests that must show a
// query stays linear without timing it: rows are counted the same on any
// machine, and a plan that compares every row with every other shows up as
// rows, not as a slow run that a fast machine could hide.

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
