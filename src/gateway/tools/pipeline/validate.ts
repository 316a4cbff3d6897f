// Step 5, validate: the arguments against the tool's input schema (zod). Handlers only ever see
// what the schema parsed (call.input), never the raw JSON.
import type { z } from 'zod';
import { errorResult } from './results.js';
import type { Step } from './types.js';

// zod says only "Invalid input" when a value matches none of a union's forms (tail: number or
// "all"); the forms' own messages say what would have been accepted.
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue.message;
  const forms = issue.errors.map((form) =>
    form.map((inner) => `${inner.path.length ? `${inner.path.join('.')}: ` : ''}${inner.message.replace(/^Invalid input: /, '')}`).join(', '));
  return `matches none of its accepted forms (${forms.join('; or ')})`;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issueMessage(issue)}`)
    .join('; ');
}

// Issue 18 (confirm_destructive, plan 3.5): this is where a top-level `confirm` argument will be
// taken off a destructive tool's arguments before the schema sees them.
export const validateStep: Step = (call, next) => {
  const parsed = call.tool.inputSchema.safeParse(call.args ?? {});
  if (!parsed.success) {
    return Promise.resolve({
      outcome: 'invalid_args',
      result: errorResult(`Invalid arguments for ${call.tool.name}: ${describeIssues(parsed.error)}`,
        'Check the tool\'s inputSchema in tools/list.'),
    });
  }
  call.input = parsed.data;
  return next(call);
};
