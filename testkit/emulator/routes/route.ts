/** What an endpoint of the emulator is: a path, the methods it takes, and its handler. */
import type { CallbackSender } from '../callbacks';
import type { Exchange } from '../exchange';
import type { Faults } from '../faults';
import type { AccountStore } from '../store';

export interface RouteContext {
	exchange: Exchange;
	body: Buffer;
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
	handle(context: RouteContext): void;
}
