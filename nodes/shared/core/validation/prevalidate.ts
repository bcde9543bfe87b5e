// "Validate before sending": local checks of a write before it goes to Meta, for the mistakes that
// Meta answers with a bad request (or, worse, accepts and fails later at the ad level). Each rule
// is one small pure function over the request; RULES is the table the node runs. Nothing here
// knows n8n. Messages name the field and say what to send instead, and never echo a value that
// could be a secret (a pasted URL or token): only an object's keys, an extension, a count.
import { isObject } from '../util';

/** One write, as the node is about to send it. */
export interface PrevalidationRequest {
	/** HTTP method; only writes (POST, PUT, PATCH, DELETE) are checked by the node. */
	method: string;
	/** The Object ID parameter as given (before it is turned into text), when the operation has one. */
	objectId?: unknown;
	/** Custom API Call: the path as given. */
	path?: string;
	/** The JSON body. */
	body?: unknown;
	/** Extra request headers given by the user (name → value). */
	headers?: Record<string, unknown>;
}

export type PrevalidationRule = 'raw_id' | 'media_type' | 'carousel' | 'whatsapp_template' | 'auth_header';

/** The internal error code of each rule (UPPER_SNAKE like the package's other internal codes). */
export const PREVALIDATION_CODES: Record<PrevalidationRule, string> = {
	raw_id: 'VALIDATION_RAW_ID',
	media_type: 'VALIDATION_MEDIA_TYPE',
	carousel: 'VALIDATION_CAROUSEL',
	whatsapp_template: 'VALIDATION_TEMPLATE',
	auth_header: 'VALIDATION_AUTH_HEADER',
};

export interface PrevalidationProblem {
	rule: PrevalidationRule;
	code: string;
	/** Where: `Object ID`, `Path`, a body path such as `object_story_spec.page_id`, `header x-api-key`. */
	field: string;
	/** Names the field and says what to send instead. */
	message: string;
}

type Check = (request: PrevalidationRequest) => Array<Omit<PrevalidationProblem, 'rule' | 'code'>>;

/**
 * Bodies are checked whole, bounded by their size, not by a count of nodes (a page object after a
 * long targeting list is still reached): a body larger than this is refused as too large to check.
 */
export const MAX_CHECKED_BODY_BYTES = 2_000_000;
const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// Raw IDs

/**
 * A Graph ID as the API takes it in a path or a body: digits (`470703006115773`), a post or
 * comment ID (`<page>_<post>`, digits), an ad account (`act_<digits>`), or `me`.
 */
const GRAPH_ID = /^(?:\d+(?:_\d+)?|act_\d+|me)$/;

/** Body fields that hold one object's ID, wherever they are (`object_story_spec.page_id`, `creative.creative_id`…). */
export const ID_FIELDS: readonly string[] = [
	'page_id',
	'instagram_user_id',
	'instagram_actor_id',
	'adset_id',
	'campaign_id',
	'creative_id',
	'ad_id',
	'video_id',
	'pixel_id',
	'business_id',
	'account_id',
];

/** What is wrong with a value where one ID belongs, or undefined when it is an ID. */
export function idProblem(value: unknown): string | undefined {
	if (typeof value === 'number') {
		if (Number.isSafeInteger(value) && value > 0) return undefined;
		return 'is a number that is not an exact ID (above 2^53 its last digits are already lost); send the ID as text, e.g. "470703006115773"';
	}
	if (isObject(value)) {
		const id = value.id;
		const keys = Object.keys(value).slice(0, 5).join(', ');
		const hint = typeof id === 'string' || typeof id === 'number' ? `send only its id (e.g. {{ $json.page.id }}), "${String(id)}"` : 'send the ID as text, e.g. "470703006115773"';
		return `is an object (keys: ${keys || 'none'}), not a raw ID string; ${hint}`;
	}
	if (Array.isArray(value)) return 'is a list, not one ID; send one ID as text, e.g. "470703006115773"';
	if (typeof value !== 'string') return `is ${value === null ? 'null' : typeof value}; send the ID as text, e.g. "470703006115773"`;
	const text = value.trim();
	if (text === '') return 'is empty; send the ID as text, e.g. "470703006115773"';
	if (text !== value && GRAPH_ID.test(text)) {
		return `has ${/[\r\n]/.test(value) ? 'a line break' : 'spaces'} around the ID, which would be sent with it; send "${text}" (e.g. {{ $json.page_id.trim() }})`;
	}
	if (/^\[object \w+\]$/.test(text)) {
		return 'is "[object Object]": an object was turned into text; send its id field instead (e.g. {{ $json.page.id }})';
	}
	if (text.startsWith('{')) {
		const id = /"id"\s*:\s*"?(\d+(?:_\d+)?)"?/.exec(text)?.[1];
		return `is an object written as JSON text, not a raw ID string; send only its id${id ? `, "${id}"` : ''}`;
	}
	if (GRAPH_ID.test(text)) return undefined;
	return 'is not a Graph ID (digits such as "470703006115773", "<page>_<post>", act_<digits> or me); send the ID, not a name, a URL or a placeholder';
}

const objectIdRule: Check = ({ objectId }) => {
	// A number is the parameter check's (it stops the node on one that lost digits, before anything is sent).
	if (objectId === undefined || typeof objectId === 'number') return [];
	const problem = idProblem(objectId);
	return problem ? [{ field: 'Object ID', message: `Object ID ${problem}.` }] : [];
};

/** Path segments that cannot be an ID or an edge: what an expression gives for an object or nothing. */
const GARBAGE_SEGMENT = /^(?:\[object \w+\]|undefined|null|NaN)$|[{}"\s]/;

const pathRule: Check = ({ path }) => {
	if (path === undefined) return [];
	let rest = path.trim();
	// A full URL: the host is MetaClient's business, only the path is read here.
	const url = /^https?:\/\/[^/]*(.*)$/i.exec(rest);
	if (url) rest = url[1];
	const segments = rest.split(/[?#]/)[0].split('/').map(safeDecode).filter((segment) => segment !== '');
	const bad = segments.find((segment) => GARBAGE_SEGMENT.test(segment));
	if (bad === undefined) return [];
	const what = /^\[object/.test(bad) ? '"[object Object]" (an object turned into text)' : /^(undefined|null|NaN)$/.test(bad) ? `"${bad}" (an expression that found nothing)` : 'an object, JSON or spaces';
	return [{ field: 'Path', message: `Path holds ${what} where an ID belongs; build it from the raw ID, e.g. {{ $json.page.id }}/feed.` }];
};

const bodyIdRule: Check = ({ body }) => {
	const problems: Array<Omit<PrevalidationProblem, 'rule' | 'code'>> = [];
	const size = bodyBytes(body);
	if (size > MAX_CHECKED_BODY_BYTES) {
		return [
			{
				field: 'JSON Body',
				message: `JSON Body is ${(size / 1_000_000).toFixed(1)} MB, too large to check before sending (at most ${MAX_CHECKED_BODY_BYTES / 1_000_000} MB); split it, or turn off Validate Before Sending for this request.`,
			},
		];
	}
	walk(body, (key, value, at) => {
		if (!ID_FIELDS.includes(key)) return;
		const problem = idProblem(value);
		if (problem) problems.push({ field: at, message: `JSON Body field ${at} ${problem}.` });
		return 'skip';
	});
	return problems;
};

// ---------------------------------------------------------------------------------------------
// Media types

export type MediaKind = 'image' | 'video';

const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp'];
const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v', '3gp', 'avi', 'webm'];

/** The media kind a link's file extension says (query string and fragment ignored), or undefined when unknown. */
export function mediaKindOf(link: unknown): MediaKind | undefined {
	if (typeof link !== 'string') return undefined;
	const path = link.trim().split(/[?#]/)[0];
	const name = path.slice(path.lastIndexOf('/') + 1);
	const dot = name.lastIndexOf('.');
	if (dot < 0) return undefined;
	const extension = name.slice(dot + 1).toLowerCase();
	if (IMAGE_EXTENSIONS.includes(extension)) return 'image';
	if (VIDEO_EXTENSIONS.includes(extension)) return 'video';
	return undefined;
}

/** Body fields that take one kind of media by URL (Marketing API creatives, Instagram containers). */
export const MEDIA_URL_FIELDS: Record<string, MediaKind> = {
	image_url: 'image',
	picture: 'image',
	thumbnail_url: 'image',
	video_url: 'video',
};

const extensionOf = (link: string) => {
	const name = link.split(/[?#]/)[0];
	return name.slice(name.lastIndexOf('.')).toLowerCase();
};

const mediaRule: Check = ({ body }) => {
	const problems: Array<Omit<PrevalidationProblem, 'rule' | 'code'>> = [];
	walk(body, (key, value, at, parent) => {
		// WhatsApp: { type: "image", image: { link } } — a message, or a template header parameter.
		if ((key === 'image' || key === 'video') && parent.type === key && isObject(value)) {
			const kind = mediaKindOf(value.link);
			if (kind && kind !== key) {
				const link = value.link as string;
				problems.push({
					field: `${at}.link`,
					message: `JSON Body field ${at}.link is a ${kind} (${extensionOf(link)}) but the type is "${key}"; send type "${kind}" with the link under ${siblingPath(at, kind)}.link, or link ${key === 'image' ? 'an image file (.jpg or .png)' : 'a video file (.mp4 or .mov)'}.`,
				});
			}
			return;
		}
		const expected = MEDIA_URL_FIELDS[key];
		if (!expected) return;
		const kind = mediaKindOf(value);
		if (kind && kind !== expected) {
			const other = Object.keys(MEDIA_URL_FIELDS).find((name) => MEDIA_URL_FIELDS[name] === kind);
			problems.push({
				field: at,
				message: `JSON Body field ${at} takes ${expected === 'image' ? 'an image' : 'a video'}, but its link is a ${kind} (${extensionOf(value as string)}); send the ${kind} in ${other ?? `a ${kind} field`} instead, or link ${expected === 'image' ? 'a .jpg or .png' : 'an .mp4 or .mov'} file here.`,
			});
		}
	});
	return problems;
};

const siblingPath = (at: string, key: string) => {
	const dot = at.lastIndexOf('.');
	return dot < 0 ? key : `${at.slice(0, dot)}.${key}`;
};

// ---------------------------------------------------------------------------------------------
// Carousel ads (object_story_spec.link_data.child_attachments)

export const CAROUSEL_CARDS = { min: 2, max: 10 };

const carouselRule: Check = ({ body }) => {
	const spec = isObject(body) ? body.object_story_spec : undefined;
	const linkData = isObject(spec) ? spec.link_data : undefined;
	if (!isObject(linkData) || linkData.child_attachments === undefined) return [];
	const at = 'object_story_spec.link_data.child_attachments';
	const cards = linkData.child_attachments;
	if (!Array.isArray(cards)) return [{ field: at, message: `JSON Body field ${at} must be a list of 2 to 10 cards, each { link, name, picture or image_hash or video_id }.` }];
	if (cards.length < CAROUSEL_CARDS.min || cards.length > CAROUSEL_CARDS.max) {
		return [{ field: at, message: `JSON Body field ${at} has ${cards.length} card${cards.length === 1 ? '' : 's'}; a carousel ad takes ${CAROUSEL_CARDS.min} to ${CAROUSEL_CARDS.max} cards.` }];
	}
	const problems: Array<Omit<PrevalidationProblem, 'rule' | 'code'>> = [];
	cards.forEach((card, index) => {
		const cardAt = `${at}[${index}]`;
		if (!isObject(card)) {
			problems.push({ field: cardAt, message: `JSON Body field ${cardAt} must be a card object { link, name, picture or image_hash or video_id }.` });
			return;
		}
		const missing: string[] = [];
		if (!filled(card.link)) missing.push('link (the URL the card opens)');
		if (!filled(card.name)) missing.push('name (the card title, the "carousel title")');
		if (!filled(card.picture) && !filled(card.image_hash) && !filled(card.video_id)) missing.push('one of picture, image_hash or video_id (the card media)');
		if (missing.length > 0) problems.push({ field: cardAt, message: `JSON Body field ${cardAt} lacks ${missing.join(', ')}; every carousel card needs them.` });
	});
	return problems;
};

const filled = (value: unknown) => (typeof value === 'string' ? value.trim() !== '' : typeof value === 'number');

// ---------------------------------------------------------------------------------------------
// WhatsApp template sends ({ messaging_product: "whatsapp", type: "template", template: {...} })

/**
 * Parameter types a template component takes (Meta's Cloud API reference, "Template messages":
 * components and their parameters, with limited-time offers, catalog and product messages), and
 * the field that holds each one's value. A type not listed here is a warning, not a refusal: Meta
 * adds types, and one it knows must not be refused here.
 */
const TEMPLATE_PARAMETER_VALUE: Record<string, string> = {
	text: 'text',
	currency: 'currency',
	date_time: 'date_time',
	image: 'image',
	video: 'video',
	document: 'document',
	location: 'location',
	payload: 'payload',
	coupon_code: 'coupon_code',
	action: 'action',
	limited_time_offer: 'limited_time_offer',
	product: 'product',
	order_status: 'order_status',
	tap_target_configuration: 'tap_target_configuration',
	expiration_time_ms: 'expiration_time_ms',
};
/** Text values (the others are objects); `expiration_time_ms` is a number. */
const TEMPLATE_TEXT_TYPES = ['text', 'payload', 'coupon_code'];

const templateRule: Check = ({ body }) => {
	if (!isObject(body) || body.type !== 'template') return [];
	const template = body.template;
	if (!isObject(template)) return [{ field: 'template', message: 'JSON Body has type "template" but no template object; send template: { name, language: { code }, components }.' }];
	const problems: Array<Omit<PrevalidationProblem, 'rule' | 'code'>> = [];
	if (!filled(template.name)) problems.push({ field: 'template.name', message: 'JSON Body field template.name is missing; send the approved template name, e.g. "order_update".' });
	const language = template.language;
	if (!isObject(language) || !filled(language.code)) {
		problems.push({
			field: 'template.language.code',
			message: `JSON Body field template.language.code is missing${typeof language === 'string' ? ' (language is text; it must be an object)' : ''}; send language: { "code": "en_US" } with the template's language.`,
		});
	}
	const components = template.components;
	if (components === undefined) return problems;
	if (!Array.isArray(components)) {
		problems.push({ field: 'template.components', message: 'JSON Body field template.components must be a list, e.g. [{ "type": "body", "parameters": [{ "type": "text", "text": "Ada" }] }].' });
		return problems;
	}
	components.forEach((component, index) => {
		const at = `template.components[${index}]`;
		if (!isObject(component) || !filled(component.type)) {
			problems.push({ field: `${at}.type`, message: `JSON Body field ${at}.type is missing; send "header", "body" or "button".` });
			return;
		}
		if (component.parameters === undefined) return;
		if (!Array.isArray(component.parameters)) {
			problems.push({ field: `${at}.parameters`, message: `JSON Body field ${at}.parameters must be a list of { type, <type>: value }.` });
			return;
		}
		component.parameters.forEach((parameter, position) => {
			const parameterAt = `${at}.parameters[${position}]`;
			const type = isObject(parameter) ? parameter.type : undefined;
			if (typeof type !== 'string' || type.trim() === '') {
				problems.push({
					field: `${parameterAt}.type`,
					message: `JSON Body field ${parameterAt}.type is missing; send one of ${Object.keys(TEMPLATE_PARAMETER_VALUE).join(', ')} with the value under the field of that name, e.g. { "type": "text", "text": "Ada" }.`,
				});
				return;
			}
			// A type this package does not know: Meta may (prevalidationWarnings says so on the item).
			if (!TEMPLATE_PARAMETER_VALUE[type]) return;
			const valueField = TEMPLATE_PARAMETER_VALUE[type];
			const value = (parameter as Record<string, unknown>)[valueField];
			const isText = TEMPLATE_TEXT_TYPES.includes(type);
			const present = isText ? filled(value) : type === 'expiration_time_ms' ? typeof value === 'number' : isObject(value);
			if (!present) {
				problems.push({
					field: `${parameterAt}.${valueField}`,
					message: `JSON Body field ${parameterAt} has type "${type}" but no ${valueField}${isText ? '' : ' object'}; send { "type": "${type}", "${valueField}": ${type === 'text' ? '"…"' : type === 'image' || type === 'video' || type === 'document' ? '{ "link": "https://…" }' : '{ … }'} }.`,
				});
			}
		});
	});
	return problems;
};

// ---------------------------------------------------------------------------------------------
// Authentication: the credential does it

/** Headers that carry authentication: the credential sends `Authorization: Bearer <token>` itself. */
export const AUTH_HEADERS: readonly string[] = ['authorization', 'x-api-key', 'api-key', 'apikey', 'x-access-token'];
/** Body fields Meta would read as the token (or its proof), beside the credential's. */
const AUTH_BODY_FIELDS = ['access_token', 'appsecret_proof'];

const authRule: Check = ({ headers, body }) => {
	const problems: Array<Omit<PrevalidationProblem, 'rule' | 'code'>> = [];
	for (const name of Object.keys(headers ?? {})) {
		const lower = name.trim().toLowerCase();
		if (!AUTH_HEADERS.includes(lower)) continue;
		const value = headers?.[name];
		const why =
			lower === 'authorization'
				? typeof value === 'string' && /^\s*bearer\s/i.test(value)
					? 'would replace the credential\'s own "Authorization: Bearer" header'
					: 'lacks the "Bearer " prefix Meta needs, and the credential already sends "Authorization: Bearer <token>"'
				: 'is not read by Meta (the Graph API takes no API key header)';
		problems.push({
			field: `header ${name}`,
			message: `Header "${name}" ${why}; remove it: the Meta Graph API credential does the authentication (put the token there).`,
		});
	}
	if (isObject(body)) {
		for (const key of AUTH_BODY_FIELDS) {
			if (key in body) {
				problems.push({
					field: key,
					message: `JSON Body field ${key} would send a second token beside the credential's; remove it: the Meta Graph API credential does the authentication (put the token there).`,
				});
			}
		}
	}
	return problems;
};

// ---------------------------------------------------------------------------------------------
// The table

export const RULES: ReadonlyArray<{ rule: PrevalidationRule; description: string; checks: Check[] }> = [
	{ rule: 'auth_header', description: 'no authentication of its own: the credential sends the token', checks: [authRule] },
	{ rule: 'raw_id', description: 'IDs are raw ID strings, not objects or names', checks: [objectIdRule, pathRule, bodyIdRule] },
	{ rule: 'media_type', description: "a link's file extension matches the media type it is declared as", checks: [mediaRule] },
	{ rule: 'carousel', description: 'carousel cards: 2 to 10, each with link, name and media', checks: [carouselRule] },
	{ rule: 'whatsapp_template', description: 'WhatsApp template sends: name, language code, well-formed parameters', checks: [templateRule] },
];

/** What a write may get wrong without being refused: template parameter types this package does not know. */
export function prevalidationWarnings(request: PrevalidationRequest): string[] {
	const { body } = request;
	if (!isObject(body) || body.type !== 'template' || !isObject(body.template) || !Array.isArray(body.template.components)) return [];
	const warnings: string[] = [];
	body.template.components.forEach((component, index) => {
		if (!isObject(component) || !Array.isArray(component.parameters)) return;
		component.parameters.forEach((parameter, position) => {
			const type = isObject(parameter) ? parameter.type : undefined;
			if (typeof type === 'string' && type.trim() !== '' && !TEMPLATE_PARAMETER_VALUE[type]) {
				warnings.push(`template.components[${index}].parameters[${position}].type "${type}" is not a parameter type this node knows; sent as given (Meta refuses it if it does not know it either).`);
			}
		});
	});
	return warnings;
}

/** Every problem of a write, in the order of RULES; empty when it may be sent. Never throws. */
export function prevalidate(request: PrevalidationRequest): PrevalidationProblem[] {
	const problems: PrevalidationProblem[] = [];
	for (const { rule, checks } of RULES) {
		for (const check of checks) {
			for (const problem of check(request)) problems.push({ rule, code: PREVALIDATION_CODES[rule], ...problem });
		}
	}
	return problems;
}

// ---------------------------------------------------------------------------------------------

/**
 * Calls `visit(key, value, path, parent)` for every property of every object in `value`
 * (arrays walked, paths like `a.b[2].c`); `'skip'` does not descend into that value.
 */
function walk(value: unknown, visit: (key: string, value: unknown, path: string, parent: Record<string, unknown>) => 'skip' | void): void {
	const go = (current: unknown, path: string, depth: number) => {
		if (depth > MAX_DEPTH) return;
		// A field given as JSON text (object_story_spec as Meta's curl examples write it) is read as what it holds.
		const parsed = jsonText(current);
		if (parsed !== undefined) current = parsed;
		if (Array.isArray(current)) {
			current.forEach((entry, index) => go(entry, `${path}[${index}]`, depth + 1));
			return;
		}
		if (!isObject(current)) return;
		for (const [key, child] of Object.entries(current)) {
			const at = path === '' ? key : `${path}.${key}`;
			if (visit(key, child, at, current) === 'skip') continue;
			go(child, at, depth + 1);
		}
	};
	go(value, '', 0);
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** The object or list a string holds as JSON text, else undefined. */
function jsonText(value: unknown): unknown {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (!(text.startsWith('{') && text.endsWith('}')) && !(text.startsWith('[') && text.endsWith(']'))) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
	} catch {
		return undefined;
	}
}

/** The body's size as JSON, in bytes (0 when it cannot be written as JSON). */
function bodyBytes(body: unknown): number {
	if (body === undefined) return 0;
	try {
		return Buffer.byteLength(JSON.stringify(body) ?? '', 'utf8');
	} catch {
		return 0;
	}
}
