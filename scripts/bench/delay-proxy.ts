/**
 * A loopback TCP proxy that makes a network round trip out of 127.0.0.1: every chunk waits half
 * a round trip in each direction, and the first bytes of a connection one round trip more, for
 * the TCP handshake a real network costs before a client may send. A new connection then pays
 * what it pays against a server RTT away: one round trip for TCP, one for the TLS 1.3
 * handshake, one for the request itself; a reused connection pays the last one only.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Timers fire up to a millisecond late: a chunk due within half of one goes now, so delays are right on average. */
const DUE_WITHIN_MS = 0.5;

/** One direction of one connection: chunks released in order, each no earlier than its time. */
class DelayedPipe {
	private readonly queue: Array<{ at: number; chunk: Buffer | 'end' | 'close' }> = [];
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly to: Socket,
		private readonly delayMs: number,
		/** No byte leaves before this time (performance.now(): the client's TCP handshake). */
		private notBefore = 0,
	) {}

	/** A chunk, the end of the stream, or the connection's close (passed on after what came before it). */
	push(chunk: Buffer | 'end' | 'close'): void {
		const at = Math.max(performance.now() + this.delayMs, this.notBefore);
		this.notBefore = at;
		this.queue.push({ at, chunk });
		this.schedule();
	}

	private schedule(): void {
		if (this.timer !== undefined || this.queue.length === 0) return;
		this.timer = setTimeout(
			() => this.release(),
			Math.max(0, Math.round(this.queue[0].at - performance.now())),
		);
	}

	private release(): void {
		this.timer = undefined;
		const now = performance.now();
		while (this.queue.length > 0 && this.queue[0].at <= now + DUE_WITHIN_MS) {
			const { chunk } = this.queue.shift()!;
			if (this.to.destroyed) continue;
			if (chunk === 'end') this.to.end();
			else if (chunk === 'close') this.to.destroy();
			else this.to.write(chunk);
		}
		this.schedule();
	}
}

export class DelayProxy {
	private server: Server | undefined;
	private readonly sockets = new Set<Socket>();

	constructor(
		private readonly target: { host: string; port: number },
		private readonly roundTripMs: number,
	) {}

	/** Listens on 127.0.0.1; returns the port. */
	async start(): Promise<number> {
		const server = createServer((client) => this.accept(client));
		this.server = server;
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return (server.address() as { port: number }).port;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private accept(client: Socket): void {
		const oneWay = this.roundTripMs / 2;
		const upstream = connect(this.target.port, this.target.host);
		for (const socket of [client, upstream]) {
			socket.setNoDelay(true);
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		}
		const toServer = new DelayedPipe(
			upstream,
			oneWay,
			performance.now() + this.roundTripMs + oneWay,
		);
		const toClient = new DelayedPipe(client, oneWay);
		const wire = (from: Socket, pipe: DelayedPipe) => {
			from.on('data', (chunk: Buffer) => pipe.push(chunk));
			from.on('end', () => pipe.push('end'));
			from.on('close', () => pipe.push('close'));
			from.on('error', () => undefined);
		};
		wire(client, toServer);
		wire(upstream, toClient);
	}
}
