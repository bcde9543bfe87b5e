// Settings for followJob in tests: fast polls (2 ms, ×1.5, at most 10 ms), a 5 s timeout.
import { DEFAULT_STATUS_MAPPING, type FollowSettings } from '../../nodes/shared/core';

export function followSettings(overrides: Partial<FollowSettings> = {}): FollowSettings {
	return {
		kind: 'async_batch',
		schedule: { initialMs: 2, factor: 1.5, maxIntervalMs: 10, timeoutMs: 5_000 },
		statusUrl: '/v1/batch-status/{id}',
		mapping: DEFAULT_STATUS_MAPPING,
		withSucceeded: false,
		sortBy: '',
		maxPages: 100,
		...overrides,
	};
}
