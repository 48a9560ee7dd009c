/** OpenAI said "200" but the answer is a failure: response.failed, an error event or error body,
 *  or a stream that ended before the response was complete. */
export class UpstreamAnswerError extends Error {
  constructor(message: string, readonly code: string | null | undefined) {
    super(message);
  }
}
