import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	DEFAULT_API_VERSION,
	DEFAULT_BASE_URL,
	metaAuthParts,
	parseMetaCredential,
} from '../nodes/shared/n8n/credential';

export class MetaGraphApi implements ICredentialType {
	name = 'metaGraphApi';

	displayName = 'Meta Graph API';

	// The Meta Request node's icon file, so the credential and the nodes show the same mark.
	icon: Icon = 'file:../nodes/MetaRequest/meta.svg';

	// A community credential links to a full URL; this rule expects an n8n-docs slug.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://developers.facebook.com/docs/facebook-login/guides/access-tokens';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A Meta access token (Page, User or System User). A System User token from Business Settings does not expire.',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. When set, every request carries appsecret_proof (HMAC-SHA256 of the token keyed with this secret), as apps with "Require App Secret" need.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: DEFAULT_API_VERSION,
			placeholder: 'e.g. v26.0',
			description: "Graph API version used for paths without one, written like v26.0. Meta ends each version on a published date (the Marketing API years before the Graph API): Meta Health Check's API Version check warns ahead.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			placeholder: 'e.g. https://graph.facebook.com',
			description: 'Change only to go through a proxy or a test server. The token is sent to this host only.',
		},
	];

	// A function rather than a generic header so that the optional appsecret_proof can be derived.
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const { headers, query } = metaAuthParts(parseMetaCredential(credentials));
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, ...headers },
			qs: { ...requestOptions.qs, ...query },
		};
	};

	// No declarative `test` here, on purpose: n8n would send it through its request helper, which
	// follows redirects and sends the Authorization header to whatever host Base URL redirects to,
	// and a declarative rule's message is fixed text. n8n tests a credential type without `test`
	// with the `testedBy` function of a node that uses it: Meta Request's `metaGraphApiTest`
	// (nodes/shared/n8n/credentialTest.ts) sends GET {Base URL}/{API Version}/me itself, follows
	// no redirect, names the host a redirect points at, and explains Meta's error codes.
}
