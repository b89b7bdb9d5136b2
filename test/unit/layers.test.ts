/**
 * The layer rule of the product code. Inside nodes/OneFlow each folder imports only its own
 * folder and the ones below it: actions/ -> helpers/ -> texts/ -> transport/ -> shared/.
 * shared/ imports nothing of the package; the credentials and the Trigger import only shared/.
 * No import cycle between any two files of nodes/ or credentials/.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { REPO_ROOT } from '../../testkit/repo';

const ORDER = ['shared', 'transport', 'texts', 'helpers', 'actions'];

/** file (relative to the repository) -> the package files it imports. */
type Imports = Map<string, string[]>;

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = join(dir, entry.name);
		if (entry.isDirectory()) return sources(full);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
	});
}

function importsOfTree(root: string): Imports {
	const imports: Imports = new Map();
	for (const file of ['nodes', 'credentials'].flatMap((dir) => sources(join(root, dir)))) {
		const text = readFileSync(file, 'utf8');
		const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)]
			.map((match) => resolve(dirname(file), match[1]))
			.map((base) => [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path)))
			.filter((path): path is string => path !== undefined);
		imports.set(
			relative(root, file),
			targets.map((target) => relative(root, target)),
		);
	}
	return imports;
}

/** Where a file sits: a layer of nodes/OneFlow, the node file, the Trigger, or a credential. */
function placeOf(file: string): string {
	const parts = file.split('/');
	if (parts[0] === 'credentials') return 'credentials';
	if (parts[1] === 'OneFlowTrigger') return 'trigger';
	return ORDER.includes(parts[2]) ? parts[2] : 'node';
}

function allowed(from: string, to: string): boolean {
	if (from === to) return true;
	if (from === 'credentials' || from === 'trigger') return to === 'shared';
	if (from === 'node') return to !== 'credentials' && to !== 'trigger';
	return ORDER.includes(to) && ORDER.indexOf(to) < ORDER.indexOf(from);
}

function layerBreaks(imports: Imports): string[] {
	const breaks: string[] = [];
	for (const [file, targets] of imports)
		for (const target of targets)
			if (!allowed(placeOf(file), placeOf(target)))
				breaks.push(`${file} -> ${target} (${placeOf(file)} must not import ${placeOf(target)})`);

	// A depth-first walk; a file met again while still on the path closes a cycle.
	const state = new Map<string, 'open' | 'done'>();
	const visit = (file: string, trail: string[]) => {
		state.set(file, 'open');
		for (const target of imports.get(file) ?? []) {
			if (state.get(target) === 'open')
				breaks.push(`cycle: ${[...trail.slice(trail.indexOf(target)), target].join(' -> ')}`);
			else if (!state.has(target)) visit(target, [...trail, target]);
		}
		state.set(file, 'done');
	};
	for (const file of imports.keys()) if (!state.has(file)) visit(file, [file]);
	return breaks;
}

describe('layers of the product code', () => {
	it('every import goes down a layer, and no files import each other in a cycle', () => {
		const imports = importsOfTree(REPO_ROOT);
		expect(imports.size).toBeGreaterThan(20);
		expect(layerBreaks(imports)).toEqual([]);
	});

	it('the check reports an import upwards, a Trigger reaching into the node, and a cycle', () => {
		const base = 'nodes/OneFlow';
		const imports: Imports = new Map([
			[`${base}/transport/index.ts`, [`${base}/helpers/loop.ts`]],
			[`${base}/helpers/loop.ts`, [`${base}/transport/index.ts`]],
			['nodes/OneFlowTrigger/OneFlowTrigger.node.ts', [`${base}/actions/document/common.ts`]],
			[`${base}/actions/document/common.ts`, [`${base}/shared/failure.ts`]],
			[`${base}/shared/failure.ts`, []],
		]);
		expect(layerBreaks(imports)).toEqual([
			`${base}/transport/index.ts -> ${base}/helpers/loop.ts (transport must not import helpers)`,
			`nodes/OneFlowTrigger/OneFlowTrigger.node.ts -> ${base}/actions/document/common.ts (trigger must not import actions)`,
			`cycle: ${base}/transport/index.ts -> ${base}/helpers/loop.ts -> ${base}/transport/index.ts`,
		]);
	});
});
