/**
 * Engine.IO v4 packets over WebSocket: one text frame is one packet, a type digit followed by
 * its data. Binary frames carry binary messages, which the SDK never uses.
 */
export const EnginePacket = {
  open: '0',
  close: '1',
  ping: '2',
  pong: '3',
  message: '4',
  upgrade: '5',
  noop: '6',
} as const;

/** The data of the server's open packet (`0{…}`). */
export interface EngineHandshake {
  sid: string;
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** Reads the open packet's data; `null` when it is not a valid handshake. */
export function parseHandshake(data: string): EngineHandshake | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return null;
    const { sid, pingInterval, pingTimeout, maxPayload } = value as Partial<EngineHandshake>;
    if (typeof sid !== 'string' || typeof pingInterval !== 'number') return null;
    if (typeof pingTimeout !== 'number') return null;
    return { sid, pingInterval, pingTimeout, maxPayload: maxPayload ?? 1_000_000 };
  } catch {
    return null;
  }
}
