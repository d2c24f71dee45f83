/** Whether live events reach the page (web mode's WebSocket; IPC is always open). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface Connection {
  readonly state: ConnectionState;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
}
