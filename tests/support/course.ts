/** The course pages in reading order, as the sidebar and prev/next links must show them. */
export const coursePages = [
	'/course/client-server/',
	'/course/protocol-stack/',
	'/course/python-apis/',
	'/course/sync-vs-async/',
	'/course/sockets/',
	'/course/socket-functions/',
] as const;

export const allPages = ['/', ...coursePages] as const;

/** The source file behind a page, relative to the repository root. */
export function sourceFile(path: string): string {
	return path === '/' ? 'content/docs/index.mdx' : `content/docs${path.replace(/\/$/, '')}.mdx`;
}
