import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEvent } from '../api/contract.js';

/** Events go one way, server to page; the page never sends anything that needs room. */
const MAX_CLIENT_MESSAGE_BYTES = 1024;

/** The `/api/events` WebSocket: every API event, as JSON, to every authorized page. */
export class EventSocket {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });

  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (client: WebSocket) => {
      client.on('message', () => undefined);
      client.on('error', () => client.terminate());
    });
  }

  broadcast(event: ApiEvent): void {
    const message = JSON.stringify(event);
    for (const client of this.server.clients) {
      if (client.readyState === client.OPEN) client.send(message);
    }
  }

  close(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }
}

/** Answers an upgrade that is not allowed, on the raw socket (there is no response object yet). */
export function refuseUpgrade(socket: Duplex, status: 401 | 404, reason: string): void {
  const text = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}
