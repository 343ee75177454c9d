import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts an HTTP server of a fake service on 127.0.0.1, on a port the OS picks; returns its URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops it, dropping the connections the SDK keeps alive. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
