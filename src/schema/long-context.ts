// A leaf module, no zod: the hook's transcript reader needs the number, not the record schema.

/** Prompt size (input + cache reads + cache writes) above which an API call counts as long-context: where some models bill every token of it at higher rates. */
export const LONG_CONTEXT_TOKENS = 200_000;
