// Values as Meta's job statuses send them, read leniently (a number may come as text, an id as a
// number, a list may be missing), and the body a status message is wrapped in to be classified.
// Shared by the job kinds' files; not part of the package's API.

/** A number, or a text that holds one (`"42"`). */
export function num(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return undefined;
}

/** A text, or a number as text (Graph ids come as either). */
export function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A status message as a generic internal failure (input kind 4), for the classifier. */
export const internalFailure = (message: string) => ({ success: false, message });
export const lower = (value: unknown) => str(value)?.toLowerCase();
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
