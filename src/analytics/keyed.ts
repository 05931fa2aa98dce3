// Objects keyed by user text (agent types, tool names, model names, error
// types) are built without a prototype: in a plain {}, a key "__proto__"
// replaces the prototype instead of adding an entry (an agent type of that
// name vanished from the figures), and "toString" or "constructor" read back
// an inherited function (a model of that name was "priced"). Serialised as
// JSON they are ordinary objects. (Maps are used where nothing is serialised.)

/** An empty object for keys that come from users, optionally filled from entries. */
export function keyedObject<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}
