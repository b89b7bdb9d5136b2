/** Plain-text tables for the benchmark output. */
import type { RunMeasurement } from './measure';

type Cell = string | number | undefined;

export interface Table {
	title: string;
	headers: string[];
	rows: Cell[][];
	notes?: string[];
}

function text(cell: Cell): string {
	if (cell === undefined) return '—';
	return typeof cell === 'number' ? String(cell) : cell;
}

export function renderTable(table: Table): string {
	const cells = table.rows.map((row) => row.map(text));
	const widths = table.headers.map((header, column) =>
		Math.max(header.length, ...cells.map((row) => (row[column] ?? '').length)),
	);
	const numeric = table.headers.map((_, column) =>
		table.rows.every(
			(row) =>
				row[column] === undefined ||
				typeof row[column] === 'number' ||
				/^[\d.,×%+-]+[a-zµ/%×]*$/i.test(String(row[column])),
		),
	);
	const line = (row: string[]) =>
		row
			.map((cell, column) =>
				numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
			)
			.join(' | ');
	const out = [
		table.title,
		line(table.headers),
		widths.map((width) => '-'.repeat(width)).join('-+-'),
	];
	for (const row of cells) out.push(line(row));
	for (const note of table.notes ?? []) out.push(`  ${note}`);
	return out.join('\n');
}

export const fixed = (value: number | undefined, digits = 2): string | undefined =>
	value === undefined || !Number.isFinite(value) ? undefined : value.toFixed(digits);

export const seconds = (ms: number | undefined, digits = 2): string | undefined =>
	ms === undefined ? undefined : (ms / 1000).toFixed(digits);

export const mb = (bytes: number | undefined): string | undefined =>
	bytes === undefined ? undefined : (bytes / 1024 / 1024).toFixed(1);

export const times = (ratio: number | undefined): string | undefined =>
	ratio === undefined || !Number.isFinite(ratio) ? undefined : `${ratio.toFixed(2)}×`;

export const connectionsPerRequest = (run: RunMeasurement): string | undefined =>
	run.emulator.requests > 0
		? fixed(run.emulator.connections / run.emulator.requests, 2)
		: undefined;

export const verdict = (ok: boolean | undefined): string =>
	ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL';
