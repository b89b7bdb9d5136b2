/**
 * The parameters as n8n's rules for community nodes will ask, read from the descriptions n8n
 * loads from dist/ (shared and spread fields included; the lint rules see only arrays written in
 * a .node.ts file): every options and multi-options list sorted by name, case-insensitively, as
 * `options-sorted-alphabetically` on n8n's main branch asks; each collection's fields by display
 * name, as n8n's node rules ask; no option name or value twice in a list, no `*` in an option
 * name, a default on every parameter.
 */
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';

import { loadPackage } from '../../testkit/engine/package';
import { REPO_ROOT } from '../../testkit/repo';

interface ChoiceList {
	/** Where the list is: the node or credential, then the parameters leading to it. */
	path: string;
	names: string[];
	values: unknown[];
}

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base' });

/** Every parameter below `properties`, nested ones included, with its path. */
function parameters(properties: INodeProperties[], path: string): Array<[string, INodeProperties]> {
	return properties.flatMap((property) => {
		const here = `${path} › ${property.displayName}`;
		const nested = (property.options ?? []).flatMap((option) => {
			if ('type' in option) return parameters([option], here);
			if ('values' in option) return parameters(option.values, `${here} › ${option.displayName}`);
			return [];
		});
		return [[here, property] as [string, INodeProperties], ...nested];
	});
}

/** The choices each parameter offers: options by name and value, a collection's fields by display name. */
function choiceLists(properties: INodeProperties[], path: string): ChoiceList[] {
	return parameters(properties, path).flatMap(([here, property]) => {
		if (!property.options?.length) return [];
		if (property.type === 'options' || property.type === 'multiOptions') {
			const options = property.options as INodePropertyOptions[];
			return [
				{ path: here, names: options.map((o) => o.name), values: options.map((o) => o.value) },
			];
		}
		const fields = property.options as Array<INodeProperties | INodePropertyCollection>;
		return [
			{ path: here, names: fields.map((f) => f.displayName), values: fields.map((f) => f.name) },
		];
	});
}

async function described(): Promise<Array<[string, INodeProperties[]]>> {
	const loader = await loadPackage(REPO_ROOT);
	return [
		...loader.types.nodes.map(
			(node: INodeTypeDescription) =>
				[node.displayName, node.properties] as [string, INodeProperties[]],
		),
		...loader.types.credentials.map(
			(credential) =>
				[credential.displayName, credential.properties] as [string, INodeProperties[]],
		),
	];
}

test('every list of options, and every collection, is in alphabetical order', async () => {
	const lists = (await described()).flatMap(([name, properties]) => choiceLists(properties, name));
	const unsorted = lists
		.filter(({ names }) => names.join('\n') !== [...names].sort(byName).join('\n'))
		.map(({ path, names }) => ({ path, names, expected: [...names].sort(byName) }));
	expect(unsorted).toEqual([]);
	// The walk reaches what the editor shows: the operations, a shared option, the Trigger's events.
	expect(lists).toEqual(
		expect.arrayContaining([
			{
				path: '1Flow › Operation',
				names: ['Delete', 'Get', 'Upload'],
				values: ['delete', 'get', 'upload'],
			},
			expect.objectContaining({ path: '1Flow › Options › Output' }),
			expect.objectContaining({
				path: '1Flow Trigger › Events',
				names: ['Any Event', 'Document Ready'],
			}),
		]),
	);
});

test('no list names an option twice or holds a value twice, and no option name has an asterisk', async () => {
	const lists = (await described()).flatMap(([name, properties]) => choiceLists(properties, name));
	const twice = (entries: unknown[]) =>
		entries.filter((entry, index) => entries.indexOf(entry) !== index);
	expect(
		lists.flatMap(({ path, names, values }) =>
			[...twice(names), ...twice(values)].map((entry) => `${path}: ${String(entry)}`),
		),
	).toEqual([]);
	expect(
		lists.flatMap(({ path, names }) =>
			names.filter((name) => name.includes('*')).map((name) => `${path}: ${name}`),
		),
	).toEqual([]);
});

test('every parameter has a default', async () => {
	const missing = (await described())
		.flatMap(([name, properties]) => parameters(properties, name))
		.filter(([, property]) => !('default' in property))
		.map(([path]) => path);
	expect(missing).toEqual([]);
});
