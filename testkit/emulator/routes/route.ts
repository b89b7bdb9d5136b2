/** What an endpoint of the emulator is: a path, the methods it takes, and its handler. */
import type { IncomingMessage } from 'node:http';

import type { CallbackSender } from '../callbacks';
import type { Exchange } from '../exchange';
import type { Faults } from '../faults';
import type { AccountStore } from '../store';

export interface RouteContext {
	exchange: Exchange;
	/** The body, read whole (up to MAX_BODY_BYTES); empty when the route reads it itself. */
	body: Buffer;
	/** What the route's own `receive` made of the body. */
	received?: unknown;
	/** The path's capture groups, still URL-encoded. */
	params: string[];
	store: AccountStore;
	faults: Faults;
	callbacks: CallbackSender;
}

export interface Route {
	path: RegExp;
	/** Other methods on this path are answered 405 with an Allow header. */
	methods: string[];
	/** Reads the body its own way (streamed, with its own limit) instead of whole into `body`. */
	receive?(req: IncomingMessage): Promise<unknown>;
	handle(context: RouteContext): void;
}
