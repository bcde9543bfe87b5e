import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
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

	icon: Icon = 'file:meta.svg';

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
			placeholder: 'e.g. v24.0',
			description: 'Graph API version used for paths without one, written like v24.0',
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

	// n8n's credential test shows a rule's fixed message or the request error's generic text
	// ("Bad request - please check your parameters"), never Meta's body. So Meta's answer is read
	// as data (ignoreHttpStatusErrors) and each known failure gets a message saying what to fix;
	// rules are tried in order, the last one catches any answer without the user's id.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '=/{{$credentials.apiVersion}}/me',
			qs: { fields: 'id,name' },
			ignoreHttpStatusErrors: true,
		},
		rules: [
			rule('error.code', 190, 'Meta rejected the access token (error 190): it is invalid, expired or was revoked. Generate a new one (a System User token does not expire) and paste it into Access Token.'),
			rule('error.code', 102, 'Meta says the session behind this token is no longer valid (error 102): generate a new access token.'),
			rule('error.code', 104, 'Meta received no access token (error 104): paste one into Access Token.'),
			rule('error.message', 'Invalid appsecret_proof provided in the API argument', "App Secret does not belong to the token's app (Meta: invalid appsecret_proof). Use the secret of the app that issued the token, or leave App Secret empty."),
			rule('error.message', 'API calls from the server require an appsecret_proof argument', 'This app requires appsecret_proof (Meta setting "Require App Secret"): fill in App Secret.'),
			rule('error.code', 10, 'The token lacks a permission needed to read /me (error 10): check the permissions granted to the token.'),
			...[4, 17, 32, 613].map((code) =>
				rule('error.code', code, `Meta is rate-limiting this token or app (error ${code}): the token may be fine; test again in a few minutes.`),
			),
			rule('error.type', 'OAuthException', 'Meta refused the request (OAuthException): check the access token is valid and unexpired, and that Base URL and API Version point at the Graph API.'),
			rule('id', undefined, 'No Graph API user came back from Base URL + API Version + /me: check the token, Base URL (e.g. https://graph.facebook.com) and API Version (e.g. v24.0).'),
		],
	};
}

function rule(key: string, value: unknown, message: string): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key, value, message } };
}
