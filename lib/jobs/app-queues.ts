// Every queue the portal's workers serve. A capability with background work
// declares its queue next to its code and is listed here once.
import { dashboardCountersQueue } from "../admin/dashboard-counters";
import { usageQueue } from "../analytics/usage-recorder";
import { emailQueue } from "../email/outbox";
import { lifecyclePruneQueue, lifecycleRemindersQueue, lifecycleTickQueue } from "../lifecycle/queues";
import { fileCleanupQueue } from "../releases/blob-cleanup";
import { deliveryQueue } from "../webhooks/deliver";
import type { QueueDefinition } from "./queue";
import { rescueQueue } from "./rescue";

export function appQueues(): QueueDefinition[] {
  return [deliveryQueue, emailQueue, lifecycleTickQueue, lifecycleRemindersQueue, lifecyclePruneQueue, fileCleanupQueue, usageQueue, dashboardCountersQueue, rescueQueue];
}
