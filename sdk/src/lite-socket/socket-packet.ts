/**
 * Socket.IO v4 packets, text encoding only: `<type>[<nsp>,][<ack id>][<json>]`. The namespace is
 * left out for the default one (`/`), the only one the lite client speaks.
 */
export const PacketType = {
  connect: 0,
  disconnect: 1,
  event: 2,
  ack: 3,
  connectError: 4,
  binaryEvent: 5,
  binaryAck: 6,
} as const;

export type PacketTypeValue = (typeof PacketType)[keyof typeof PacketType];

export interface SocketPacket {
  type: PacketTypeValue;
  nsp: string;
  id?: number;
  data?: unknown;
}

/** Encodes a packet of the default namespace. */
export function encodePacket(type: PacketTypeValue, data?: unknown, id?: number): string {
  return `${type}${id ?? ''}${data === undefined ? '' : JSON.stringify(data)}`;
}

/**
 * Decodes a text packet; `null` when it is malformed or binary (the server never sends binary
 * packets unless an event carries a Buffer, which the chat protocol does not).
 */
export function decodePacket(text: string): SocketPacket | null {
  const type = Number(text.charAt(0));
  if (!(type >= PacketType.connect && type <= PacketType.connectError)) return null;
  let i = 1;
  let nsp = '/';
  if (text.charAt(i) === '/') {
    const end = text.indexOf(',', i);
    nsp = end === -1 ? text.slice(i) : text.slice(i, end);
    i = end === -1 ? text.length : end + 1;
  }
  const digits = /^\d*/.exec(text.slice(i))?.[0] ?? '';
  const id = digits === '' ? undefined : Number(digits);
  i += digits.length;
  let data: unknown;
  if (i < text.length) {
    try {
      data = JSON.parse(text.slice(i));
    } catch {
      return null;
    }
  }
  const packet: SocketPacket = { type: type as PacketTypeValue, nsp, id, data };
  return isValid(packet) ? packet : null;
}

function isValid({ type, data }: SocketPacket): boolean {
  switch (type) {
    case PacketType.connect:
    case PacketType.connectError:
      return typeof data === 'object' && data !== null;
    case PacketType.disconnect:
      return data === undefined;
    case PacketType.event:
      return Array.isArray(data) && typeof data[0] === 'string';
    default:
      return Array.isArray(data);
  }
}
