/** The public demo account of the emulator: what `npm run demo`, `npm run dev` and the CLI start with. */
export const DEMO_WEBHOOK: { id: string; secret: string } = Object.freeze({
	id: 'wh_demo',
	secret: 'demo-secret-change-me',
});

/** The public demo Webhook Signing Secret the emulator signs callbacks with under `npm run emulator` and `npm run dev -- --emulator`. */
export const DEMO_SIGNING_SECRET = 'demo-signing-secret-change-me';

/** doc_001 .. doc_NNN (at least three digits). */
export function demoDocIds(count: number): string[] {
	const width = Math.max(3, String(count).length);
	const ids: string[] = [];
	for (let i = 1; i <= count; i++) ids.push(`doc_${String(i).padStart(width, '0')}`);
	return ids;
}
