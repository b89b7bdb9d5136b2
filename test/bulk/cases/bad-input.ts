/** Bad input the node must refuse before sending anything: document IDs, webhook IDs, secrets, base URLs. */
import { NodeOperationError } from 'n8n-workflow';

import { SECRET, WEBHOOK_ID } from '../../support/one-flow-node';
import { one, type Row } from './row';

const NO_ID = /^No document ID \[item 0\]$/;
const BAD_WEBHOOK_ID =
	'The Webhook ID in the 1Flow API credential contains characters a webhook ID cannot have';
const CONTROL_IN_SECRET =
	'The Webhook Secret in the 1Flow API credential contains a line break or control character';
const NOT_HTTPS = /^The Base URL must use https:\/\/ \(got /;
const URL_PARTS = 'The Base URL must not contain a user name, password, query or fragment';

export const inputRows: Row[] = [
	// Document ID
	{
		name: 'docId: empty string',
		items: one(''),
		error: NodeOperationError,
		message: NO_ID,
		requests: 0,
	},
	{
		name: 'docId: whitespace only',
		items: one(' \t '),
		error: NodeOperationError,
		message: 'The document ID is empty',
		requests: 0,
	},
	{ name: 'docId: null', items: one(null), error: NodeOperationError, message: NO_ID, requests: 0 },
	{
		name: 'docId: no docId or documentId field',
		items: [{ id: 'doc_001' }],
		error: NodeOperationError,
		message: NO_ID,
		requests: 0,
	},
	{
		name: 'docId: an object',
		items: one({ id: 'doc_001' }),
		error: NodeOperationError,
		message: 'The document ID must be text or a number, not an object',
		requests: 0,
	},
	{
		name: 'docId: an array',
		items: one(['doc_001']),
		error: NodeOperationError,
		message: 'The document ID must be text or a number, not a list',
		requests: 0,
	},
	{
		name: 'docId: a boolean',
		items: one(false),
		error: NodeOperationError,
		message: 'The document ID must be text or a number, not a boolean',
		requests: 0,
	},
	{
		name: 'docId: expression giving NaN',
		docIdParameter: '={{ Number("doc_001") }}',
		error: NodeOperationError,
		message: 'The document ID is not a finite number (NaN)',
		requests: 0,
	},
	{
		name: 'docId: expression giving Infinity',
		docIdParameter: '={{ 1 / 0 }}',
		error: NodeOperationError,
		message: 'The document ID is not a finite number (Infinity)',
		requests: 0,
	},
	{
		name: 'docId: number too large to be exact',
		items: one(2 ** 64),
		error: NodeOperationError,
		message: 'The document ID is a number too large to be exact',
		description: /as text/,
		requests: 0,
	},
	{
		// n8n's expression engine swallows a plain Error thrown inside {{ }} and yields undefined.
		name: 'docId: expression that throws',
		docIdParameter: '={{ (() => { throw new Error("boom") })() }}',
		error: NodeOperationError,
		message: NO_ID,
		requests: 0,
	},
	{
		name: 'docId: expression with a syntax error',
		docIdParameter: '={{ $json.docId ( }}',
		error: NodeOperationError,
		message: 'The "Document ID" expression failed',
		requests: 0,
	},
	{
		name: 'docId: bad in the last item, so not even the good items before it are sent',
		items: [{ docId: 'doc_001' }, { docId: 'doc_002' }, { docId: { nested: true } }],
		error: NodeOperationError,
		message: 'not an object [item 2]',
		requests: 0,
	},
	// Webhook ID
	...[
		'..',
		'.',
		'a/b',
		'a?b',
		'a#b',
		'%2e%2e',
		`../${WEBHOOK_ID}`,
		'wh test',
		'wh_tëst',
		`${WEBHOOK_ID}\u200b`,
	].map((webhookId): Row => ({
		name: `webhook ID: ${JSON.stringify(webhookId)}`,
		credentials: { webhookId },
		error: NodeOperationError,
		message: BAD_WEBHOOK_ID,
		requests: 0,
	})),
	...['', '   '].map((webhookId): Row => ({
		name: `webhook ID: ${JSON.stringify(webhookId)}`,
		credentials: { webhookId },
		error: NodeOperationError,
		message: 'The 1Flow API credential has no Webhook ID',
		requests: 0,
	})),
	// Webhook secret
	...(
		[
			['CR LF (header injection)', `${SECRET}\r\nX-Injected: yes`],
			['LF', `${SECRET}\nsecond-line`],
			['NUL', `${SECRET}\u0000`],
			['DEL', `${SECRET}\u007f`],
		] as const
	).map(([what, webhookSecret]): Row => ({
		name: `secret with ${what}`,
		credentials: { webhookSecret },
		error: NodeOperationError,
		message: CONTROL_IN_SECRET,
		requests: 0,
	})),
	// Base URL
	{
		name: 'base URL: http to a remote host',
		credentials: { baseUrl: 'http://app.1flow.io' },
		error: NodeOperationError,
		message: NOT_HTTPS,
		requests: 0,
	},
	{
		name: 'base URL: http to a host that only starts like loopback',
		credentials: { baseUrl: 'http://127.0.0.1.example.com' },
		error: NodeOperationError,
		message: NOT_HTTPS,
		requests: 0,
	},
	{
		name: 'base URL: http to localhost.<domain>',
		credentials: { baseUrl: 'http://localhost.example.com' },
		error: NodeOperationError,
		message: NOT_HTTPS,
		requests: 0,
	},
	{
		name: 'base URL: ftp',
		credentials: { baseUrl: 'ftp://app.1flow.io' },
		error: NodeOperationError,
		message: NOT_HTTPS,
		requests: 0,
	},
	{
		name: 'base URL: credentials in the URL',
		credentials: { baseUrl: `https://user:${SECRET}@app.1flow.io` },
		error: NodeOperationError,
		message: URL_PARTS,
		requests: 0,
	},
	{
		name: 'base URL: http with credentials in the URL',
		credentials: { baseUrl: `http://user:${SECRET}@app.1flow.io` },
		error: NodeOperationError,
		message: NOT_HTTPS,
		requests: 0,
	},
	{
		name: 'base URL: query',
		credentials: { baseUrl: `https://app.1flow.io/?token=${SECRET}` },
		error: NodeOperationError,
		message: URL_PARTS,
		requests: 0,
	},
	{
		name: 'base URL: fragment',
		credentials: { baseUrl: 'https://app.1flow.io/#top' },
		error: NodeOperationError,
		message: URL_PARTS,
		requests: 0,
	},
	{
		name: 'base URL: the whole webhook URL pasted',
		credentials: { baseUrl: `https://app.1flow.io/api/webhook/${WEBHOOK_ID}/document/delete` },
		error: NodeOperationError,
		message: 'The Base URL contains a webhook path',
		requests: 0,
	},
	{
		name: 'base URL: not a URL',
		credentials: { baseUrl: 'app 1flow io' },
		error: NodeOperationError,
		message: 'The Base URL in the 1Flow API credential is not a valid URL',
		requests: 0,
	},
	{
		name: 'base URL: no scheme',
		credentials: { baseUrl: 'app.1flow.io' },
		error: NodeOperationError,
		message: 'The Base URL in the 1Flow API credential is not a valid URL',
		requests: 0,
	},
	{
		name: 'base URL: empty',
		credentials: { baseUrl: '' },
		error: NodeOperationError,
		message: 'The 1Flow API credential has no Base URL',
		requests: 0,
	},
];
