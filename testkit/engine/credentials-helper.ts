/**
 * The part of n8n's credentials service that a node execution reaches, backed by an
 * in-memory store instead of the database, for the credential types this package has:
 * an `authenticate` function or a generic `authenticate` block, a declarative `test`, and
 * nothing else (no `extends`, OAuth, `preAuthentication` or restriction to certain nodes;
 * a type that uses one of them is refused when it is looked up).
 *
 * As the n8n server does with a stored credential, the type's defaults are filled in, and a
 * generic `authenticate` block is resolved through the workflow's real expression engine
 * with `$credentials` bound.
 */
import './env';

import { ICredentialsHelper, NodeHelpers, UnexpectedError, isExpression } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

/** A credential's fields as a user fills them in; undefined fields get the type's default. */
export type CredentialData = Record<string, string | number | boolean | undefined>;

/** The fields a user filled in, as n8n stores them. */
export function storedFields(data: CredentialData): ICredentialDataDecryptedObject {
	return Object.fromEntries(
		Object.entries(data).filter(([, value]) => value !== undefined),
	) as ICredentialDataDecryptedObject;
}

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
	corrupt?: boolean;
}

function unsupported(what: string): never {
	throw new UnexpectedError(`${what} is not supported by the engine harness`);
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly store = new Map<string, StoredCredential>();

	constructor(private readonly types: (name: string) => ICredentialType) {
		super();
	}

	/** Stores a credential the way a user saves it in the n8n UI. */
	addCredential(credential: StoredCredential): INodeCredentialsDetails {
		this.store.set(`${credential.type}\u0000${credential.id}`, {
			...credential,
			data: { ...credential.data },
		});
		return { id: credential.id, name: credential.name };
	}

	/** Deletes a stored credential, as a user does in n8n while a workflow still names it. */
	removeCredential(type: string, id: string): void {
		this.store.delete(`${type}\u0000${id}`);
	}

	/** Makes a stored credential unreadable, as n8n finds it under another encryption key. */
	corruptCredential(type: string, id: string): void {
		const stored = this.store.get(`${type}\u0000${id}`);
		if (stored) stored.corrupt = true;
	}

	/** The credential type, refused when it needs what this helper does not do. */
	private credentialType(name: string): ICredentialType {
		const type = this.types(name);
		if (type.extends?.length)
			unsupported(`Credential type "${name}" extends ${type.extends.join(', ')}, which`);
		if (type.preAuthentication) unsupported(`preAuthentication (credential type "${name}")`);
		if (type.restrictToSupportedNodes)
			unsupported(`restrictToSupportedNodes (credential type "${name}")`);
		return type;
	}

	getParentTypes(name: string): string[] {
		this.credentialType(name);
		return [];
	}

	isCredentialUsableByNode(credentialType: string): boolean {
		this.credentialType(credentialType);
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialType(type).properties;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.store.get(`${type}\u0000${nodeCredentials.id ?? ''}`);
		if (stored === undefined) {
			throw new UnexpectedError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		if (stored.corrupt === true)
			throw new UnexpectedError(
				'Credentials could not be decrypted. The likely reason is that a different "encryptionKey" was used to encrypt the data.',
			);
		return this.withDefaults(stored.data, type);
	}

	/** The stored values over the type's defaults, as n8n hands a credential to a node. */
	withDefaults(data: ICredentialDataDecryptedObject, type: string): ICredentialDataDecryptedObject {
		for (const value of Object.values(data)) {
			if (typeof value === 'string' && isExpression(value))
				unsupported('An expression in a stored credential value');
		}
		const properties = this.getCredentialsProperties(type);
		return NodeHelpers.getNodeParameters(
			properties,
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialType(typeName);
		if (authenticate === undefined) return requestOptions as IHttpRequestOptions;
		if (typeof authenticate === 'function')
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		if (workflow === undefined || node === undefined) {
			throw new UnexpectedError(
				'Workflow and node are required for declarative credential authentication',
			);
		}
		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		target.headers ??= {};
		for (const [section, entries] of Object.entries(authenticate.properties)) {
			for (const [rawKey, rawValue] of Object.entries(entries as Record<string, unknown>)) {
				const bucket = (target[section] ??= {});
				bucket[resolveAuthValue(rawKey, credentials, workflow, node)] = resolveAuthValue(
					rawValue,
					credentials,
					workflow,
					node,
				);
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/** n8n-core asks before every request and after a 401; these types have nothing to refresh. */
	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		return unsupported('getCredentials (used for OAuth)');
	}

	async updateCredentials(): Promise<void> {
		unsupported('updateCredentials (used after preAuthentication)');
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		unsupported('updateCredentialsOauthTokenData');
	}
}

/** A generic-auth entry: plain values pass unchanged, expressions see `$credentials`. */
function resolveAuthValue(
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
	if (resolved === undefined || resolved === null || resolved === '' || resolved === false)
		return '';
	return resolved.toString();
}
