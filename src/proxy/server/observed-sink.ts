// Notes what the request log wants from an answer as its events go by: the time to the first
// token and, when body capture is on, the whole answer. One branch per event when capture is off.
import type { EventSink } from '../anthropic/events';
import { MessageCollector } from '../anthropic/message-collector';
import type { RequestRecord } from './context';

export function observedSink(inner: EventSink, record: RequestRecord, capture: MessageCollector | undefined): EventSink {
  let waitingForFirstToken = true;
  return {
    emit(event) {
      if (waitingForFirstToken && event.type === 'content_block_start') {
        waitingForFirstToken = false;
        record.firstTokenMs = Date.now() - record.startedAt;
      }
      capture?.emit(event);
      inner.emit(event);
    },
  };
}

export function captureCollector(enabled: boolean): MessageCollector | undefined {
  return enabled ? new MessageCollector() : undefined;
}
