import * as z from 'zod/mini';

/**
 * A description for the published JSON Schema, kept in zod's registry rather
 * than in a describe() check: z.compile cannot compile that check and would
 * validate the field with the slow runtime parser, which doubles the cost of
 * reading a million records back. toJSONSchema reads the registry.
 */
export function described<T extends z.ZodMiniType>(schema: T, text: string): T {
  z.globalRegistry.add(schema, { description: text });
  return schema;
}
