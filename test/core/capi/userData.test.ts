// Conversions API customer data: normalization and hashing on a table of test vectors. Each row:
// the field, a raw value, the normalized text and its SHA-256 (computed with `sha256sum` on the
// normalized text). Sources: Meta's "Customer Information Parameters" page (CIP) for the rule and
// the example forms, and the rules of the Node business SDK's ServerSideUtils.normalizeAndHash
// (SDK: trim and lowercase first; phone digits without leading zeros; zip before the dash).
import {
	capiEventProblems,
	fbcOf,
	hashCustomerValue,
	normalizeCustomerValue,
	prepareUserData,
	type HashedField,
} from '../../../nodes/shared/core';

const VECTORS: Array<[HashedField, string, string, string, string]> = [
	// field, raw, normalized, sha256(normalized), source
	['em', 'Jane.Doe@Example.com ', 'jane.doe@example.com', '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d', 'CIP em: trim, lowercase'],
	['em', 'John_Smith@gmail.com', 'john_smith@gmail.com', '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f', "CIP em: the page's own example address"],
	['ph', '+1 (650) 555-1212', '16505551212', 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176', 'CIP ph: symbols removed, country code kept'],
	['ph', '0049 151 2345678', '491512345678', 'b357c67e06c8005d1264c38e7613920d5948135d91f0935695cd8ba65e26a781', 'CIP ph: leading zeros removed (SDK: PHONE_NUMBER_DROP_PREFIX_ZEROS)'],
	['fn', ' Jane ', 'jane', '81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2', 'CIP fn: lowercase'],
	['fn', 'Valéry', 'valéry', '08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c', 'CIP fn: special characters kept, UTF-8'],
	['ln', 'Doe-Smith', 'doesmith', 'e27b2635677ae002d1d12d1db35822ef5bf986370daa79a53b2000ece939f7f3', 'CIP ln: no punctuation'],
	['ge', 'Female', 'f', '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111', 'CIP ge: f or m (SDK normalizeGender: female → f)'],
	['ge', 'm', 'm', '62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a', 'CIP ge'],
	['db', '1990-02-16', '19900216', '119708f926e82760ac09bbc34a1c9208e18fcda59ca7e4757e2c7de335e2da30', 'CIP db: YYYYMMDD'],
	['db', '16.02.1990', '19900216', '119708f926e82760ac09bbc34a1c9208e18fcda59ca7e4757e2c7de335e2da30', 'CIP db: YYYYMMDD, from a day-first date'],
	['db', '02/16/1990', '19900216', '119708f926e82760ac09bbc34a1c9208e18fcda59ca7e4757e2c7de335e2da30', 'CIP db: YYYYMMDD, from a US date'],
	['ct', 'New York', 'newyork', '350c754ba4d38897693aa077ef43072a859d23f613443133fecbbd90a3512ca5', 'CIP ct: lowercase, no spaces'],
	['st', 'CA', 'ca', '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126', 'CIP st: two-letter code, lowercase'],
	['st', 'California', 'ca', '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126', 'CIP st: the ANSI abbreviation of a US state'],
	['zp', '94035-1234', '94035', '1794327a4d443904421f5ca1f3d72d0a62ba2f0770d80755ec2220fc0efb052e', 'CIP zp: US, the first 5 digits (SDK: the part before the dash)'],
	['country', 'US', 'us', '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621', 'CIP country: ISO 3166-1 alpha-2, lowercase'],
	['external_id', 'CRM-42', 'crm-42', 'c995655d9d4b04d624bc48b0bf3e4e773b6a3ab4dc56e9ec623aebf3ff5be297', 'CIP external_id: hashing recommended (SDK: trimmed, lowercased)'],
];

test.each(VECTORS)('%s %j → %s (sha256 %s; %s)', (field, raw, normalized, sha) => {
	expect(normalizeCustomerValue(field, raw)).toBe(normalized);
	expect(hashCustomerValue(field, raw)).toBe(sha);
});

test('a SHA-256 digest passes unchanged (lowercased); empty and unusable values are left out, not hashed', () => {
	const digest = '86E0B9E56C17CC4D12387E1949B85053FBE73BC3CE5A1188713A9D300CC6133D';
	expect(hashCustomerValue('em', digest)).toBe(digest.toLowerCase());
	expect(hashCustomerValue('em', '   ')).toBeUndefined();
	expect(hashCustomerValue('ge', 'unknown')).toBeUndefined();
	expect(hashCustomerValue('db', '1990-02-30')).toBeUndefined();
	expect(hashCustomerValue('country', 'Germany')).toBeUndefined();
	expect(hashCustomerValue('em', null)).toBeUndefined();
});

test('user_data: customer fields hashed (lists element by element), clear fields untouched, fbclid becomes fbc', () => {
	const prepared = prepareUserData(
		{
			em: ['Jane.Doe@Example.com ', '', 'john_smith@gmail.com'],
			ph: '+1 (650) 555-1212',
			ge: 'x',
			client_ip_address: '203.0.113.7',
			client_user_agent: 'Mozilla/5.0',
			fbp: 'fb.1.1700000000000.123',
			fbclid: 'IwAR2abc',
		},
		{ hash: true, eventTime: 1_764_590_000 },
	);
	expect(prepared.userData).toEqual({
		em: ['86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d', '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f'],
		ph: 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176',
		client_ip_address: '203.0.113.7',
		client_user_agent: 'Mozilla/5.0',
		fbp: 'fb.1.1700000000000.123',
		// Meta's fbc format: fb.<subdomain index>.<creation time in ms>.<fbclid>
		fbc: 'fb.1.1764590000000.IwAR2abc',
	});
	expect(prepared).toMatchObject({ derived: ['fbc'], dropped: ['ge'], unhashed: [] });
	// From a landing URL; a given fbc wins.
	expect(prepareUserData({}, { hash: true, eventTime: 10, eventSourceUrl: 'https://shop.example/p?fbclid=IwZZ9&utm=x' }).userData).toEqual({ fbc: fbcOf('IwZZ9', 10) });
	expect(prepareUserData({ fbc: 'fb.1.1.keep', fbclid: 'IwZZ9' }, { hash: true, eventTime: 10 }).userData).toEqual({ fbc: 'fb.1.1.keep' });
});

test('hashing off: values pass as given, and an email with @ or a phone with + or spaces is named as not hashed', () => {
	const prepared = prepareUserData({ em: 'jane@example.com', ph: '+1 650 555 1212', fn: 'jane' }, { hash: false });
	expect(prepared.userData).toEqual({ em: 'jane@example.com', ph: '+1 650 555 1212', fn: 'jane' });
	expect(prepared.unhashed).toEqual(['em', 'ph']);
	expect(prepareUserData({ em: '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d' }, { hash: false }).unhashed).toEqual([]);
});

describe('what Meta refuses (Server Event Parameters, Data Processing Options)', () => {
	const now = Date.UTC(2026, 11, 6, 12);
	const nowS = Math.floor(now / 1000);
	const ok = { event_name: 'Purchase', event_time: nowS - 60, action_source: 'website', event_source_url: 'https://shop.example/done', user_data: { client_user_agent: 'Mozilla/5.0', em: 'x'.repeat(64) } };
	const codes = (event: Record<string, unknown>) => capiEventProblems(event, now).map((p) => `${p.code} ${p.field}`);

	test('a complete website event passes', () => {
		expect(codes(ok)).toEqual([]);
	});

	test.each([
		[{ event_time: undefined }, 'VALIDATION_CAPI_EVENT_TIME event_time'],
		[{ event_time: '2026-12-06' }, 'VALIDATION_CAPI_EVENT_TIME event_time'],
		[{ event_time: nowS * 1000 }, 'VALIDATION_CAPI_EVENT_TIME event_time'],
		[{ event_time: nowS - 8 * 86_400 }, 'VALIDATION_CAPI_EVENT_TIME event_time'],
		[{ event_time: nowS + 3600 }, 'VALIDATION_CAPI_EVENT_TIME event_time'],
		[{ action_source: undefined }, 'VALIDATION_CAPI_ACTION_SOURCE action_source'],
		[{ action_source: 'web' }, 'VALIDATION_CAPI_ACTION_SOURCE action_source'],
		[{ event_source_url: '' }, 'VALIDATION_CAPI_WEBSITE event_source_url'],
		[{ user_data: { em: 'x'.repeat(64) } }, 'VALIDATION_CAPI_WEBSITE user_data.client_user_agent'],
		[{ action_source: 'app', user_data: {} }, 'VALIDATION_CAPI_USER_DATA user_data'],
		[{ data_processing_options: 'LDU' }, 'VALIDATION_CAPI_DATA_PROCESSING data_processing_options'],
		[{ data_processing_options: ['LDU'] }, 'VALIDATION_CAPI_DATA_PROCESSING data_processing_options_country'],
		[{ data_processing_options: ['LDU'], data_processing_options_country: 1, data_processing_options_state: 0 }, 'VALIDATION_CAPI_DATA_PROCESSING data_processing_options_country'],
	])('%j is refused: %s', (change, expected) => {
		expect(codes({ ...ok, ...change })).toContain(expected);
	});

	test('physical store events may be 62 days old; LDU with 0/0 or 1/1000 passes', () => {
		expect(codes({ ...ok, action_source: 'physical_store', event_time: nowS - 30 * 86_400 })).toEqual([]);
		expect(codes({ ...ok, data_processing_options: ['LDU'], data_processing_options_country: 0, data_processing_options_state: 0 })).toEqual([]);
		expect(codes({ ...ok, data_processing_options: ['LDU'], data_processing_options_country: 1, data_processing_options_state: 1000 })).toEqual([]);
		expect(codes({ ...ok, data_processing_options: [] })).toEqual([]);
	});
});
