// Workflow JSON for tests and benchmarks: nodes in a row, links by node name. No jest imports.

export interface NodeSpec {
	name: string;
	type: string;
	typeVersion?: number;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

/** [from, to, output of `from`] */
export type Link = [string, string, number?];

export function workflow(id: string, nodes: NodeSpec[], links: Link[]) {
	if (id.length > 21) throw new Error(`workflow id ${id} is longer than 21 characters`);
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: 0 }>> }> = {};
	for (const [from, to, output = 0] of links) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
	}
	return {
		id,
		name: `e2e ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: nodes.map((node, i) => ({
			id: `${id}-${i}`,
			typeVersion: 1,
			parameters: {},
			position: [i * 220, 0],
			...node,
		})),
		connections,
		pinData: {},
	};
}
