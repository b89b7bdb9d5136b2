/**
 * 1Flow's outbound callbacks: what the emulator POSTs to the callback URL set in its
 * Organization Settings > Webhooks, signed with the Webhook Signing Secret (headers
 * X-Webhook-Signature, HMAC-SHA256, and X-Webhook-Timestamp in milliseconds).
 *
 * 1Flow does not document which string it signs nor how it encodes the digest, so the form is
 * selectable: every form the 1Flow Trigger accepts. Besides correct callbacks the sender makes
 * the attacks and mistakes the trigger must refuse, on demand (`CallbackKind`).
 * Node builtins only (global fetch), like the rest of the emulator.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { documentReadyBody, type DocumentView } from './callback-body';

const SIGNED_STRINGS = ['body', 'timestamp.body'] as const;
const ENCODINGS = ['hex', 'sha256=hex', 'base64', 'base64url'] as const;

export interface SignatureForm {
	/** The raw body alone, or `<timestamp>.<raw body>`. */
	signs: (typeof SIGNED_STRINGS)[number];
	encoding: (typeof ENCODINGS)[number];
}

/** Every signature form the 1Flow Trigger accepts. */
export const SIGNATURE_FORMS: readonly SignatureForm[] = SIGNED_STRINGS.flatMap((signs) =>
	ENCODINGS.map((encoding) => ({ signs, encoding })),
);

export const formName = (form: SignatureForm): string => `${form.encoding} of ${form.signs}`;

/**
 * - signed: what 1Flow sends.
 * - forged: signed with another secret (an attacker's guess, or a mistyped secret).
 * - tampered: a correct signature of another body (the document ID changed after signing).
 * - stale / future: correctly signed, the timestamp `ageMs` (default 10 minutes) in the past / future.
 * - replayed: the last callback sent, same bytes and headers, again.
 * - resent: the last callback's body signed anew with a fresh timestamp (a sender retrying).
 * - unsigned: neither header (what 1Flow sends without a signing secret).
 * - no-signature / no-timestamp: one of the two headers left out.
 * - malformed: correctly signed, the body not JSON.
 */
const CALLBACK_KINDS = [
	'signed',
	'forged',
	'tampered',
	'stale',
	'future',
	'replayed',
	'resent',
	'unsigned',
	'no-signature',
	'no-timestamp',
	'malformed',
] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

export interface CallbackConfig {
	/** Where callbacks go; nothing is sent while unset. */
	url?: string;
	/** The Webhook Signing Secret; without one, callbacks are unsigned (as 1Flow sends them then). */
	secret?: string;
	/** Default: hex of `<timestamp>.<raw body>`. */
	form?: SignatureForm;
	/** How long a delivery may wait for the answer (default 30 s). */
	timeoutMs?: number;
}

export interface CallbackRequest {
	docId: string;
	kind?: CallbackKind;
	/** Default `document.ready`. */
	event?: string;
	/** Line items of the sample document (default 3); ignored when `document` is given. */
	lineItems?: number;
	/** The document as the emulator holds it (status, document, extraction); default: a sample invoice. */
	document?: DocumentView;
	/** Default `application/json`, what 1Flow sends. */
	contentType?: string;
	/** How far off the timestamp of a stale or future callback is (default 10 minutes). */
	ageMs?: number;
	/** Start the body with a UTF-8 byte-order mark (signed as sent, mark included). */
	bom?: boolean;
	/** Top-level fields added to the body (or replacing 1Flow's), e.g. to try what a body may claim. */
	extra?: Record<string, unknown>;
}

export interface SentCallback {
	kind: CallbackKind;
	url: string;
	documentId: string;
	headers: Record<string, string>;
	body: Buffer;
	/** Date.now() just before sending. */
	sentAt: number;
	/** The receiver's answer; status 0 when it could not be reached. */
	status: number;
	reply: string;
	ms: number;
}

const DEFAULT_FORM: SignatureForm = { signs: 'timestamp.body', encoding: 'hex' };
const DEFAULT_AGE_MS = 10 * 60 * 1000;
const TIMEOUT_MS = 30_000;

/** The X-Webhook-Signature value of `body` at `timestamp` in the given form. */
export function signatureOf(
	body: Buffer,
	timestamp: string,
	secret: string,
	form: SignatureForm,
): string {
	const signed = form.signs === 'body' ? body : Buffer.concat([Buffer.from(`${timestamp}.`), body]);
	const digest = createHmac('sha256', secret).update(signed).digest();
	if (form.encoding === 'sha256=hex') return `sha256=${digest.toString('hex')}`;
	return digest.toString(form.encoding);
}

function isSignatureForm(value: unknown): value is SignatureForm {
	const form = value as Partial<SignatureForm> | null;
	return (
		typeof form === 'object' &&
		form !== null &&
		SIGNATURE_FORMS.some((known) => known.signs === form.signs && known.encoding === form.encoding)
	);
}

export class CallbackSender {
	/** Every callback sent, oldest first. */
	readonly sent: SentCallback[] = [];
	private settings: CallbackConfig = {};

	constructor(config: CallbackConfig = {}) {
		this.configure(config);
	}

	/** Changes the given settings; `secret: ''` or `url: ''` clears one. */
	configure(config: CallbackConfig): void {
		if (config.form !== undefined && !isSignatureForm(config.form))
			throw new Error(`Unknown signature form: ${JSON.stringify(config.form)}`);
		if (config.url) new URL(config.url);
		this.settings = { ...this.settings, ...config };
	}

	/** The settings without the secret: what the admin API shows. */
	get view(): { url: string | null; signed: boolean; form: SignatureForm; sent: number } {
		return {
			url: this.settings.url || null,
			signed: Boolean(this.settings.secret),
			form: this.form,
			sent: this.sent.length,
		};
	}

	private get form(): SignatureForm {
		return this.settings.form ?? DEFAULT_FORM;
	}

	/**
	 * The callback 1Flow sends when a document reaches INDEXED. Does nothing while no URL is
	 * set; never throws (the outcome is in `sent`).
	 */
	async documentReady(docId: string, document?: DocumentView): Promise<SentCallback | undefined> {
		if (!this.settings.url) return undefined;
		return await this.send({ docId, document });
	}

	/** Sends one callback of the given kind and waits for the receiver's answer. */
	async send(request: CallbackRequest): Promise<SentCallback> {
		const url = this.settings.url;
		if (!url) throw new Error('No callback URL is set');
		const kind = request.kind ?? 'signed';
		if (!CALLBACK_KINDS.includes(kind)) throw new Error(`Unknown callback kind: ${String(kind)}`);
		if (kind === 'replayed') {
			const last = this.sent[this.sent.length - 1];
			if (!last) throw new Error('Nothing was sent yet, so nothing can be replayed');
			return await this.post({ ...last, kind, url });
		}
		const last = this.sent[this.sent.length - 1];
		if (kind === 'resent' && !last)
			throw new Error('Nothing was sent yet, so nothing can be resent');
		const body =
			kind === 'resent'
				? last.body
				: kind === 'malformed'
					? Buffer.from(`{"event":"document.ready","documentId":"${request.docId}",`)
					: this.body(request);
		const age = request.ageMs ?? DEFAULT_AGE_MS;
		const timestamp = String(Date.now() + (kind === 'stale' ? -age : kind === 'future' ? age : 0));
		const headers: Record<string, string> = {
			'content-type': request.contentType ?? 'application/json',
			'user-agent': '1Flow-Webhook/1.0',
		};
		const secret =
			kind === 'forged' ? `forged-${randomBytes(16).toString('hex')}` : this.settings.secret;
		if (secret && kind !== 'unsigned') {
			const signedBody =
				kind === 'tampered' ? this.body({ ...request, docId: `${request.docId}_original` }) : body;
			if (kind !== 'no-signature')
				headers['x-webhook-signature'] = signatureOf(signedBody, timestamp, secret, this.form);
			if (kind !== 'no-timestamp') headers['x-webhook-timestamp'] = timestamp;
		}
		if (kind === 'resent') headers['content-type'] = last.headers['content-type'];
		const documentId = kind === 'resent' ? last.documentId : request.docId;
		return await this.post({ kind, url, documentId, headers, body });
	}

	private body(request: CallbackRequest): Buffer {
		const bom = Buffer.from(request.bom ? [0xef, 0xbb, 0xbf] : []);
		return Buffer.concat([
			bom,
			Buffer.from(
				JSON.stringify({
					...documentReadyBody(request.docId, {
						event: request.event,
						lineItems: request.lineItems,
						document: request.document,
					}),
					...request.extra,
				}),
			),
		]);
	}

	private async post(
		callback: Pick<SentCallback, 'kind' | 'url' | 'documentId' | 'headers' | 'body'>,
	): Promise<SentCallback> {
		const sentAt = Date.now();
		let status = 0;
		let reply = '';
		try {
			const response = await fetch(callback.url, {
				method: 'POST',
				headers: callback.headers,
				body: callback.body,
				signal: AbortSignal.timeout(this.settings.timeoutMs ?? TIMEOUT_MS),
			});
			status = response.status;
			reply = await response.text();
		} catch (error) {
			reply = `not delivered: ${(error as Error).message}`;
		}
		const sent: SentCallback = { ...callback, sentAt, status, reply, ms: Date.now() - sentAt };
		this.sent.push(sent);
		return sent;
	}
}
