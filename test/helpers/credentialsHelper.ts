import {
	ICredentialsHelper,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type Workflow,
} from 'n8n-workflow';

/**
 * Serves the decrypted credential data given to the test, by credential type, instead of n8n's
 * encrypted store. Missing fields get the credential type's defaults (as n8n does), and
 * `authenticate` applies the type's `authenticate`: a function, or the generic form
 * (`headers`, `qs`, `body`, `auth`, with `={{$credentials.x}}` expressions). No OAuth, no
 * `preAuthentication`, no credential tests.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
		private readonly types: Record<string, ICredentialType>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents = this.types[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types[type];
		if (!credentialType) throw new Error(`Unknown credential type "${type}" in the engine harness`);
		return [...this.getParentTypes(type).flatMap((parent) => this.getCredentialsProperties(parent)), ...credentialType.properties];
	}

	async getDecrypted(_additionalData: unknown, nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
		const given = this.data[type];
		if (!given) {
			throw new Error(
				`No "${type}" credentials given to the engine harness (node credential "${nodeCredentials.name}"); pass options.credentials.${type}`,
			);
		}
		const defaults = this.types[type]
			? Object.fromEntries(this.getCredentialsProperties(type).map((p) => [p.name, p.default]))
			: {};
		return structuredClone({ ...defaults, ...given }) as ICredentialDataDecryptedObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const options = requestOptions as IHttpRequestOptions;
		const authenticate = this.types[typeName]?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		if (authenticate?.type !== 'generic') return options;
		const resolve = (value: unknown) =>
			typeof value === 'string'
				? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials })
				: value;
		for (const [target, entries] of Object.entries(authenticate.properties) as Array<[string, IDataObject]>) {
			const current = ((options as unknown as IDataObject)[target] ?? {}) as IDataObject;
			const resolved = Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, resolve(value)]));
			(options as unknown as IDataObject)[target] = { ...current, ...resolved };
		}
		return options;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(_details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new Error(`getCredentials("${type}") (encrypted credentials) is not supported by the engine harness`);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}
}
