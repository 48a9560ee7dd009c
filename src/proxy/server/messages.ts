// POST /v1/messages: validate -> route -> build the OpenAI request -> call upstream (with
// retries, aborted when the client leaves) -> translate the answer, streamed or whole.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openAIApis, type Translation } from '../apis';
import { AnthropicError } from '../errors';
import { messagesRequest, type MessagesRequest } from '../request/schema';
import { ResponseAssembler } from '../response/assembler';
import { randomMessageId } from '../response/ids';
import { MessageCollector } from '../response/message-collector';
import { SseWriter } from '../response/sse-writer';
import { noUsage, type UpstreamUsage } from '../response/usage';
import { countInputTokens } from '../tokens/count-tokens';
import { loadOpenAISdk } from '../upstream/client';
import { toAnthropicError } from '../upstream/errors';
import { withRetries } from '../upstream/retry';
import { ToolNameMap } from '../upstream/tools';
import type { ProxyContext, RequestRecord } from './context';
import { sendError, sendJson } from './http-io';
import { parseOrThrow } from './validation';

export async function handleMessages(body: unknown, request: IncomingMessage, response: ServerResponse, context: ProxyContext, record: RequestRecord): Promise<void> {
  const parsed = parseOrThrow(messagesRequest, body);
  record.claudeModel = parsed.model;
  record.stream = parsed.stream === true;
  const route = context.routes.find(parsed.model);
  if (!route) {
    throw new AnthropicError('not_found_error',
      `model: ${parsed.model} is not served by this proxy. Served: ${context.routes.servedNames().join(', ')} (and the families their patterns match)`);
  }
  record.openaiModel = route.model;
  record.api = route.api;
  const api = openAIApis[route.api];
  const names = new ToolNameMap(parsed);
  const upstreamBody = api.buildRequest(parsed, route, names, context.signer);

  const abort = new AbortController();
  const onClose = (): void => {
    if (!response.writableFinished) abort.abort();
  };
  response.on('close', onClose);
  const errorContext = {
    baseURL: context.upstream.settings.baseURL,
    openaiModel: route.model,
    promptTokens: () => countInputTokens(parsed),
  };
  const client = await context.upstream.get();
  const sdk = await loadOpenAISdk();
  const retry = (attempt: number, error: unknown) => context.logger.warn(`retrying ${route.model} (attempt ${attempt + 1}): ${(error as Error).message}`);

  try {
    const makeTranslation = (sink: ConstructorParameters<typeof ResponseAssembler>[0]): Translation => ({
      assembler: new ResponseAssembler(sink, { messageId: randomMessageId(), model: parsed.model, stopSequences: parsed.stop_sequences }),
      signer: context.signer,
      clientToolName: (name) => names.client(name),
    });
    if (parsed.stream === true) {
      const stream = await withRetries(() => api.openStream(client, upstreamBody, abort.signal), sdk, context.retryPolicy, abort.signal, retry);
      record.usage = await streamAnswer(stream, response, context, makeTranslation, abort, errorContext, record);
    } else {
      const answer = await withRetries(() => api.complete(client, upstreamBody, abort.signal), sdk, context.retryPolicy, abort.signal, retry);
      const collector = new MessageCollector();
      record.usage = api.translateWhole(answer, makeTranslation(collector));
      record.status = 200;
      sendJson(response, 200, collector.result());
    }
  } catch (error) {
    if (abort.signal.aborted) {
      record.outcome = 'client closed';
      return;
    }
    throw await toAnthropicError(error, errorContext);
  } finally {
    response.off('close', onClose);
  }

  async function streamAnswer(
    stream: AsyncIterable<unknown>,
    res: ServerResponse,
    ctx: ProxyContext,
    translationFor: (sink: SseWriter) => Translation,
    controller: AbortController,
    errors: typeof errorContext,
    rec: RequestRecord,
  ): Promise<UpstreamUsage> {
    const writer = new SseWriter(res, { pingIntervalMs: ctx.pingIntervalMs });
    rec.status = 200;
    const translation = translationFor(writer);
    // message_start goes out as soon as OpenAI accepted the call, before its first token.
    translation.assembler.start();
    try {
      const usage = await api.translateStream(stream, translation);
      if (translation.assembler.stoppedBySequence) controller.abort(); // a stop sequence ends the upstream call
      return usage;
    } catch (error) {
      if (controller.signal.aborted && !translation.assembler.stoppedBySequence) {
        rec.outcome = 'client closed';
        return noUsage;
      }
      const mapped = await toAnthropicError(error, errors);
      rec.outcome = `stream error: ${mapped.type}`;
      writer.error(mapped.type, mapped.message);
      return noUsage;
    } finally {
      writer.end();
    }
  }
}

export type { MessagesRequest };

/** Sends an error the right way for the moment it happens: JSON before headers, nothing after. */
export function failRequest(response: ServerResponse, error: AnthropicError): void {
  if (!response.headersSent) sendError(response, error);
  else if (!response.writableEnded) response.end();
}
