/**
 * The part of n8n's credentials service that node executions reach, backed by an
 * in-memory store instead of the database.
 *
 * n8n-core calls this while a node runs: `getDecrypted` (from `this.getCredentials`),
 * `authenticate` and `preAuthentication` (from `httpRequestWithAuthentication`),
 * `isCredentialUsableByNode`, `getParentTypes` ... What it does mirrors what the n8n server
 * does with a stored credential: defaults of the credential type are filled in, expressions
 * in the stored values are resolved, and a generic `authenticate` block is resolved through
 * the workflow's real expression engine (`workflow.expression`) with `$credentials` bound.
 */
import './env';

import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	isExpression,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	ICredentialsExpressionResolveValues,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

/** Where the credential types come from (a loaded package). */
export interface CredentialTypeSource {
	getCredentialType(name: string): ICredentialType;
	/** Full node type names (`package.node`) that declare the credential. */
	getSupportedNodes(name: string): string[];
}

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/** The node types of the throw-away workflow used to resolve credential expressions. */
const MOCK_NODE_TYPE = {
	description: { properties: [] as INodeProperties[] },
} as unknown as INodeType;
const MOCK_NODE_TYPES: INodeTypes = {
	getByName: () => MOCK_NODE_TYPE,
	getByNameAndVersion: () => MOCK_NODE_TYPE,
	getKnownTypes: () => ({}),
};

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly store = new Map<string, StoredCredential>();

	constructor(private readonly types: CredentialTypeSource) {
		super();
	}

	/** Stores a credential the way a user saves it in the n8n UI. */
	addCredential(credential: StoredCredential): INodeCredentialsDetails {
		this.store.set(this.key(credential.id, credential.type), {
			...credential,
			data: { ...credential.data },
		});
		return { id: credential.id, name: credential.name };
	}

	private key(id: string | null, type: string): string {
		return `${type}\u0000${id ?? ''}`;
	}

	private stored(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		if (!nodeCredentials.id) {
			throw new UnexpectedError(`Credential "${nodeCredentials.name}" has no ID`);
		}
		const found = this.store.get(this.key(nodeCredentials.id, type));
		if (found === undefined) {
			throw new UnexpectedError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		return found;
	}

	getParentTypes(name: string): string[] {
		const parents: string[] = [];
		const visit = (typeName: string) => {
			let type: ICredentialType;
			try {
				type = this.types.getCredentialType(typeName);
			} catch {
				return;
			}
			for (const parent of type.extends ?? []) {
				parents.push(parent);
				visit(parent);
			}
		};
		visit(name);
		return parents;
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		let type: ICredentialType;
		try {
			type = this.types.getCredentialType(credentialType);
		} catch {
			return true;
		}
		if (type.restrictToSupportedNodes !== true) return true;
		return this.types.getSupportedNodes(credentialType).includes(nodeType);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types.getCredentialType(typeName);
		const { authenticate } = type;
		if (authenticate === undefined) return requestOptions as IHttpRequestOptions;

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}

		if (workflow === undefined || node === undefined) {
			throw new UnexpectedError(
				'Workflow and node are required for declarative credential authentication',
			);
		}
		if (authenticate.type !== 'generic') return requestOptions as IHttpRequestOptions;

		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		target.headers ??= {};
		for (const [section, entries] of Object.entries(authenticate.properties)) {
			for (const [rawKey, rawValue] of Object.entries(entries as Record<string, unknown>)) {
				const key = this.resolveAuthValue(rawKey, credentials, workflow, node);
				const value = this.resolveAuthValue(rawValue, credentials, workflow, node);
				const bucket = (target[section] ??= {});
				bucket[key] = value;
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/** A generic-auth entry: plain values pass unchanged, expressions see `$credentials`. */
	private resolveAuthValue(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (typeof value !== 'string' || !isExpression(value)) return value as string;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		if (resolved === undefined || resolved === null || resolved === '' || resolved === false) {
			return '';
		}
		return resolved.toString();
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.getCredentialType(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof type.preAuthentication !== 'function') {
			return undefined;
		}
		// A credential test runs as a temporary No-Op node with an empty `temp` parameter;
		// n8n always refreshes the expirable value then.
		const isCredentialTest = node.type === 'n8n-nodes-base.noOp' && node.parameters?.temp === '';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isCredentialTest) {
			return undefined;
		}

		const output = (await type.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		const nodeCredentials = node.credentials?.[typeName];
		if (nodeCredentials !== undefined) {
			const stored = this.stored(nodeCredentials, typeName);
			stored.data = { ...stored.data, ...output };
		}
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.getCredentialType(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const stored = this.stored(nodeCredentials, type);
		const credentials = new Credentials({ id: stored.id, name: stored.name }, type);
		await credentials.setData(stored.data);
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.stored(nodeCredentials, type);
		const data = { ...stored.data };
		if (raw === true) return data;
		return await this.applyDefaultsAndResolve(
			additionalData,
			data,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/**
	 * Fills in the credential type's defaults and resolves expressions in the values, with
	 * the running workflow when there is one, else with a throw-away workflow (as n8n does
	 * for a credential test).
	 */
	async applyDefaultsAndResolve(
		additionalData: IWorkflowExecuteAdditionalData,
		data: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		let withDefaults = NodeHelpers.getNodeParameters(
			properties,
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (data.oauthTokenData !== undefined) withDefaults.oauthTokenData = data.oauthTokenData;

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });

		if (expressionResolveValues !== undefined) {
			try {
				withDefaults = expressionResolveValues.workflow.expression.getParameterValue(
					withDefaults as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					withDefaults,
				) as ICredentialDataDecryptedObject;
			} catch (error) {
				(error as Error).message += ' [Error resolving credentials]';
				throw error;
			}
			return withDefaults;
		}

		const mockNode: INode = {
			id: 'credential-resolution',
			name: '',
			type: 'mock',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({
			nodes: [mockNode],
			connections: {},
			active: false,
			nodeTypes: MOCK_NODE_TYPES,
		});
		await workflow.expression.acquireIsolate();
		try {
			return workflow.expression.getComplexParameterValue(
				mockNode,
				withDefaults as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				withDefaults,
			) as ICredentialDataDecryptedObject;
		} finally {
			await workflow.expression.releaseIsolate();
		}
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.stored(nodeCredentials, type).data = { ...data };
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.stored(nodeCredentials, type);
		stored.data = { ...stored.data, oauthTokenData: data.oauthTokenData };
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types.getCredentialType(type);
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}
