/**
 * How Finnet reports an outcome: `statusCode` (`"000"` is success) and `statusDesc`, in the JSON
 * body of any HTTP status.
 */
import { isRecord } from '@org/signing-core';

/** The `statusCode` and `statusDesc` strings of an answer body, when it has them. */
export function statusFields(body: unknown): { statusCode: string | undefined; statusDesc: string | undefined } {
  if (!isRecord(body)) return { statusCode: undefined, statusDesc: undefined };
  const { statusCode, statusDesc } = body;
  return {
    statusCode: typeof statusCode === 'string' ? statusCode : undefined,
    statusDesc: typeof statusDesc === 'string' ? statusDesc : undefined,
  };
}
