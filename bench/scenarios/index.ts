import { catchUpScenario } from "./catch-up.js";
import { checkScenario } from "./check.js";
import { codegenScenario } from "./codegen.js";
import { correctnessScenario } from "./correctness.js";
import { fanOutScenario } from "./fan-out.js";
import { latencyScenario } from "./latency.js";
import { partitionsScenario } from "./partitions.js";
import { peersScenario } from "./peers.js";
import { publishScenario } from "./publish.js";
import { publishInTransactionScenario } from "./publish-in-transaction.js";
import { publishManyScenario } from "./publish-many.js";
import { requestReplyScenario } from "./request-reply.js";
import type { Scenario } from "./types.js";

/** Every scenario, in run order. Add a scenario: one module, one line here. */
export const scenarios: readonly Scenario[] = [
  publishScenario,
  publishManyScenario,
  publishInTransactionScenario,
  latencyScenario,
  fanOutScenario,
  catchUpScenario,
  partitionsScenario,
  requestReplyScenario,
  correctnessScenario,
  peersScenario,
  codegenScenario,
  checkScenario,
];
