/**
 * The 1,000 items of the mixed-fault bulk run (../invariants.test.ts), and how that test reads
 * the emulator's record and the output: which fault a request met, which answers may hide a
 * delete that happened, which end a document's delete.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { mulberry32, type RecordedRequest } from '../../../testkit/emulator';

export const ITEM_COUNT = 1000;

function id(prefix: string, n: number): string {
	return `${prefix}_${String(n).padStart(4, '0')}`;
}

type Kind = 'unique' | 'duplicate' | 'unknown' | 'bad';

interface Planned {
	kind: Kind;
	/** The document ID the item asks for; null for bad input. */
	docId: string | null;
	json: Record<string, unknown>;
}

export const BAD_VALUES: unknown[] = ['', '   ', null, { id: 'doc_0001' }, ['doc_0002'], true];

/** 1,000 items: unique documents, duplicated ones, unknown ones and bad input, shuffled. */
export function planItems(): {
	items: Planned[];
	existing: string[];
	untouched: string[];
	duplicates: string[];
} {
	const random = mulberry32(20261129);
	const planned: Planned[] = [];
	const byField = (docId: unknown, n: number): Record<string, unknown> =>
		// 1Flow's "document processed" callback names the field documentId.
		n % 7 === 0 ? { documentId: docId, row: n } : { docId, row: n };

	const duplicates: string[] = [];
	for (let n = 1; n <= 15; n++) {
		const docId = id('dup', n);
		duplicates.push(docId);
		for (let copy = 0; copy < (n === 15 ? 2 : 3); copy++)
			planned.push({ kind: 'duplicate', docId, json: byField(docId, n) });
	}
	for (let n = 1; n <= 10; n++)
		planned.push({ kind: 'unknown', docId: id('missing', n), json: byField(id('missing', n), n) });
	BAD_VALUES.forEach((value, n) =>
		planned.push({ kind: 'bad', docId: null, json: { docId: value, row: n } }),
	);
	const unique = ITEM_COUNT - planned.length;
	for (let n = 1; n <= unique; n++)
		planned.push({ kind: 'unique', docId: id('doc', n), json: byField(id('doc', n), n) });

	for (let i = planned.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[planned[i], planned[j]] = [planned[j], planned[i]];
	}
	const untouched = [
		...Array.from({ length: 40 }, (_, n) => id('doc', unique + 1 + n)),
		...Array.from({ length: 20 }, (_, n) => id('keep', n + 1)),
	];
	return {
		items: planned,
		existing: [...Array.from({ length: unique }, (_, n) => id('doc', n + 1)), ...duplicates],
		untouched,
		duplicates,
	};
}

/** What the emulator did with one request, as a fault kind (undefined: a normal answer). */
export function faultOf(request: RecordedRequest): string | undefined {
	if (request.status === 429) return 'rateLimited429';
	if (typeof request.status === 'number' && request.status >= 500) return `http${request.status}`;
	if (request.status === 'dropped') return 'dropped';
	if (request.status === 'hung') return 'hungTimeout';
	if (request.status === 'lost') return 'lostResponse';
	if (request.status === 200 && !request.deleted) return 'nonJson';
	return undefined;
}

/** Answers after which the request may have been carried out although no answer said so. */
export function maybeCarriedOut(request: RecordedRequest): boolean {
	return (
		request.status === 'dropped' ||
		request.status === 'hung' ||
		request.status === 'lost' ||
		request.status === 502
	);
}

/** Answers that end the delete of a document: nothing may be sent for it afterwards. */
export function isFinal(request: RecordedRequest): boolean {
	return (
		request.status === 200 ||
		request.status === 400 ||
		request.status === 401 ||
		request.status === 404
	);
}

export function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	if (typeof paired !== 'object' || paired === null || Array.isArray(paired)) {
		throw new Error(`unexpected pairedItem ${JSON.stringify(paired)}`);
	}
	return paired.item;
}
