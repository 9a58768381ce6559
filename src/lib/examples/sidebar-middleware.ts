/**
 * Starlight route middleware (astro.config.mjs `routeMiddleware`): every page's sidebar gets
 * its example links and the previous/next links that follow from them (./sidebar.ts).
 */
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { courseExamples } from './course-examples.ts';
import { addExampleLinks, sidebarPagination } from './sidebar.ts';

export const onRequest = defineRouteMiddleware(async (context) => {
	const route = context.locals.starlightRoute;
	addExampleLinks(route.sidebar, await courseExamples(), import.meta.env.BASE_URL, context.url.pathname);
	route.pagination = sidebarPagination(route.sidebar, route.entry.data);
});
