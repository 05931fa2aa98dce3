import type * as z from 'zod/mini';

/** One readable line per problem, naming where it is ("retention.raw: expected ..."). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
      const what = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
      return `${where}: ${what}`;
    })
    .join('; ');
}
