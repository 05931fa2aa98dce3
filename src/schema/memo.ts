/**
 * Builds a value on first use. Constructing zod schemas costs real time at
 * startup; a hook process builds only the ones its event needs.
 */
export function memo<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
