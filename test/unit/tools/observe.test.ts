import { strict as assert } from "assert";
import { jsonStream } from "../../../tools/observe";

describe("tools/observe: jsonStream", () => {
  it("splits kubectl's stream of pretty-printed objects, across chunk boundaries and braces inside strings", () => {
    const seen: unknown[] = [];
    const write = jsonStream((o) => seen.push(o));
    const a = JSON.stringify({ type: "ADDED", object: { metadata: { name: "p-1", annotations: { x: "} not { the end" } } } }, null, 2);
    const b = JSON.stringify({ type: "MODIFIED", object: { s: 'quote " and \\ backslash' } }, null, 2);
    const stream = `${a}\n${b}\n`;
    for (let i = 0; i < stream.length; i += 7) write(stream.slice(i, i + 7));
    assert.deepEqual(seen, [JSON.parse(a), JSON.parse(b)]);
  });

  it("emits nothing for an unfinished object", () => {
    const seen: unknown[] = [];
    jsonStream((o) => seen.push(o))('{"type": "ADDED", "object": {"a": 1}');
    assert.deepEqual(seen, []);
  });
});
