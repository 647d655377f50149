import { describe, expect, it } from "vitest";
import { createChangeQueue } from "../../../codegen/src/watch/change-queue.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createChangeQueue", () => {
  it("runs a burst of events as one batch, sorted and without duplicates", async () => {
    const batches: string[][] = [];
    const queue = createChangeQueue(async (files) => void batches.push(files), {
      quietMs: 20,
      maxWaitMs: 1000,
      recheckMs: 10_000,
    });
    for (const file of ["b", "a", "b", "c"]) queue.push(file);
    await sleep(80);
    await queue.close();
    expect(batches).toEqual([["a", "b", "c"]]);
  });

  it("keeps an event that arrives while a batch runs for the next batch, one batch at a time", async () => {
    const seen: string[] = [];
    let running = 0;
    let overlapped = false;
    const queue = createChangeQueue(
      async (files) => {
        running++;
        overlapped ||= running > 1;
        seen.push(`start ${files.join(",")}`);
        await sleep(60);
        seen.push(`end ${files.join(",")}`);
        running--;
      },
      { quietMs: 10, maxWaitMs: 1000, recheckMs: 10_000 },
    );
    queue.push("a");
    await sleep(30);
    queue.push("b");
    await sleep(150);
    await queue.close();
    expect(seen).toEqual(["start a", "end a", "start b", "end b"]);
    expect(overlapped).toBe(false);
  });

  it("queues a path once more after its last event, for writes its watcher throttled away", async () => {
    const batches: string[][] = [];
    const queue = createChangeQueue(async (files) => void batches.push(files), {
      quietMs: 5,
      maxWaitMs: 1000,
      recheckMs: 60,
    });
    queue.push("a");
    await sleep(30);
    queue.push("a");
    await sleep(150);
    await queue.close();
    // The two events, then one recheck 60 ms after the second (the first's was replaced).
    expect(batches).toEqual([["a"], ["a"], ["a"]]);
  });

  it("runs a batch under a steady stream of events once maxWaitMs has passed", async () => {
    const batches: string[][] = [];
    const queue = createChangeQueue(async (files) => void batches.push(files), {
      quietMs: 30,
      maxWaitMs: 60,
      recheckMs: 10_000,
    });
    for (let event = 0; event < 10; event++) {
      queue.push(`f${event}`);
      await sleep(15);
    }
    expect(batches.length).toBeGreaterThan(0);
    await queue.close();
  });

  it("runs work passed to run() in order with the batches, and drops pending events on close", async () => {
    const seen: string[] = [];
    const queue = createChangeQueue(async (files) => void seen.push(files.join(",")), {
      quietMs: 50,
      maxWaitMs: 1000,
      recheckMs: 10_000,
    });
    await queue.run(async () => void seen.push("first"));
    queue.push("late");
    await queue.close();
    await sleep(80);
    expect(seen).toEqual(["first"]);
  });
});
