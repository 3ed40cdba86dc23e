import { describe, expect, it } from "vitest";
import { depthOf, describeSequence, levelsOf } from "../../bench/lib/enrollment-aws-calls";

/** The enrollment bench's critical path: calls in flight together share a round trip. */
describe("bench: sequential round trips from call times", () => {
  it("one after the other: one level each", () => {
    expect(
      levelsOf([
        { start: 0, end: 1 },
        { start: 1, end: 2 },
        { start: 3, end: 4 },
      ]),
    ).toEqual([1, 2, 3]);
  });

  it("calls in flight together share a level; the next waits for the deepest one before it", () => {
    // A read then a write (the give-back) while a put runs; then the event.
    const spans = [
      { start: 0, end: 1 },
      { start: 1.1, end: 2 },
      { start: 1.1, end: 1.5 },
      { start: 1.6, end: 2.5 },
      { start: 2.6, end: 3 },
    ];
    const levels = levelsOf(spans);
    expect(levels).toEqual([1, 2, 2, 3, 4]);
    const calls = ["GetItem", "BatchGetItem", "GetItem", "UpdateItem", "PutItem"];
    const sequence = describeSequence(calls, levels);
    expect(sequence).toBe("GetItem → BatchGetItem ∥ GetItem → UpdateItem → PutItem");
    expect(depthOf(sequence)).toBe(4);
  });

  it("no calls: no round trips", () => {
    expect(depthOf(describeSequence([], []))).toBe(0);
  });
});
