// @ts-check
/**
 * `npm start`: starts three peers A, B and C on free ports, types "next" into each to close
 * the ring A -> B -> C -> A, types "send" into A, waits until A says its message came back,
 * then stops all three.
 */
import { launch, startServer } from './launch.js';

launch(async () => {
	const a = await startServer('peer.js', ['--name', 'A', '--port', '0']);
	const b = await startServer('peer.js', ['--name', 'B', '--port', '0']);
	const c = await startServer('peer.js', ['--name', 'C', '--port', '0']);

	// Close the ring, and wait until every peer has taken its "next" (start watching before typing).
	const ringClosed = [a, b, c].map((peer) => peer.waitFor(/my next peer is now/, 5000));
	a.type(`next ${b.host}:${b.port}`);
	b.type(`next ${c.host}:${c.port}`);
	c.type(`next ${a.host}:${a.port}`);
	await Promise.all(ringClosed);

	const cameBack = a.waitFor(/my message came back/, 10_000);
	a.type('send hello around the ring');
	await cameBack;
	return 0;
});
