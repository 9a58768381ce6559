/** Pages (by their render request) that have shown an example file already. */
const pagesWithAFile = new WeakSet<Request>();

/** True the first time it is asked for a page's request, false after. */
export function isFirstOnPage(request: Request): boolean {
	if (pagesWithAFile.has(request)) return false;
	pagesWithAFile.add(request);
	return true;
}
