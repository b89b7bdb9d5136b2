#!/usr/bin/env node
'use strict';
/**
 * The layer rule of the product code, run by `npm run lint`. Inside nodes/OneFlow each folder
 * imports only its own folder and the ones below it:
 *   actions/ -> helpers/ -> texts/ -> transport/ -> shared/
 * shared/ imports nothing of the package; the credentials and the Trigger import only shared/.
 * No import cycle between any two files of nodes/ or credentials/. Prints each break; exit 1 if any.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const ORDER = ['shared', 'transport', 'texts', 'helpers', 'actions'];

function sources(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sources(full);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
	});
}

function resolveImport(from, specifier) {
	const base = path.resolve(path.dirname(from), specifier);
	return [`${base}.ts`, path.join(base, 'index.ts')].find((file) => fs.existsSync(file));
}

/** Where a file sits: a layer of nodes/OneFlow, the node file, the Trigger, or a credential. */
function placeOf(file) {
	const relative = path.relative(ROOT, file).split(path.sep);
	if (relative[0] === 'credentials') return 'credentials';
	if (relative[1] === 'OneFlowTrigger') return 'trigger';
	return ORDER.includes(relative[2]) ? relative[2] : 'node';
}

function allowed(from, to) {
	if (from === to) return true;
	if (from === 'credentials' || from === 'trigger') return to === 'shared';
	if (from === 'node') return to !== 'credentials' && to !== 'trigger';
	return ORDER.includes(to) && ORDER.indexOf(to) < ORDER.indexOf(from);
}

const files = ['nodes', 'credentials'].flatMap((dir) => sources(path.join(ROOT, dir)));
const edges = new Map();
for (const file of files) {
	const text = fs.readFileSync(file, 'utf8');
	const imports = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)];
	edges.set(file, imports.map((match) => resolveImport(file, match[1])).filter(Boolean));
}

const name = (file) => path.relative(ROOT, file);
const breaks = [];
for (const [file, targets] of edges) {
	for (const target of targets) {
		if (!allowed(placeOf(file), placeOf(target)))
			breaks.push(
				`${name(file)} -> ${name(target)} (${placeOf(file)} must not import ${placeOf(target)})`,
			);
	}
}

// Cycles: a depth-first walk; a file met again while still on the path closes one.
const state = new Map();
function visit(file, trail) {
	state.set(file, 'open');
	for (const target of edges.get(file) ?? []) {
		if (state.get(target) === 'open')
			breaks.push(
				`cycle: ${[...trail.slice(trail.indexOf(target)), target].map(name).join(' -> ')}`,
			);
		else if (!state.has(target)) visit(target, [...trail, target]);
	}
	state.set(file, 'done');
}
for (const file of files) if (!state.has(file)) visit(file, [file]);

for (const line of breaks) process.stdout.write(`${line}\n`);
if (breaks.length > 0) {
	process.stdout.write(`layers: ${breaks.length} break(s) over ${files.length} files\n`);
	process.exitCode = 1;
}
