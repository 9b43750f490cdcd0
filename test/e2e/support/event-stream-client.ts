/** One server-sent event as received, with Date.now() at its arrival. */
export interface ReceivedEvent {
  event: string;
  data: string;
  at: number;
}

/** Opens GET /result/{id}/events; the response is checked by the caller. */
export function openEvents(
  baseUrl: string,
  taskId: string,
  token: string,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${baseUrl}/result/${taskId}/events`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    signal,
  });
}

/** The events of a text/event-stream body in order (comments and retry lines skipped), until it ends. */
export async function* serverSentEvents(response: Response): AsyncGenerator<ReceivedEvent> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) yield { event, data: data.join('\n'), at: Date.now() };
    }
  }
}

/** Every event until the stream ends. */
export async function collectEvents(response: Response): Promise<ReceivedEvent[]> {
  const events: ReceivedEvent[] = [];
  for await (const event of serverSentEvents(response)) events.push(event);
  return events;
}
