// The Escalation Router's node-wide settings: an Error Field that would clash with the decision.
import { LABELS, settingsSchema } from '../../../nodes/EscalationRouter/params';
import { formatZodIssues } from '../../../nodes/shared/n8n';

test('an Error Field named like a field the router writes (route, reason, routing) is refused', () => {
	for (const errorField of ['route', 'reason', 'routing']) {
		const result = settingsSchema.safeParse({ errorField });
		expect(result.success).toBe(false);
		expect(formatZodIssues(result.error!, LABELS)).toBe(
			'Error Field: must not be route, reason, routing: the router writes its decision there; keep metaError',
		);
	}
	expect(settingsSchema.parse({ errorField: 'failure' }).errorField).toBe('failure');
});
