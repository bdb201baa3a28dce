import { useEffect, useLayoutEffect } from 'react';

/** The site name every title ends with. */
export const SITE = 'Porchlight';

/** `"<page> · Porchlight"`, or just the site name. */
export const pageTitle = (page: string | undefined): string => (page ? `${page} · ${SITE}` : SITE);

/**
 * Routes and their page names, first match wins. The app shell titles every page from this one list, so a new
 * route gets a title by adding a line here; a path matching nothing is not a page (the shell shows the 404).
 */
const ROUTES: [RegExp, string][] = [
  [/^\/$/, 'Feed'],
  [/^\/new$/, 'New post'],
  [/^\/home$/, 'Home area'],
  [/^\/posts\/po_[A-Za-z0-9_-]{22}$/, 'Post'],
  [/^\/mine$/, 'My posts'],
  [/^\/map$/, 'Incident map'],
  [/^\/inbox$/, 'Inbox'],
  [/^\/inbox\/rq_[A-Za-z0-9_-]+$/, 'Footage request'],
  [/^\/vault$/, 'Vault'],
  [/^\/vault\/upload$/, 'Upload · Vault'],
  [/^\/vault\/cameras$/, 'Cameras · Vault'],
  [/^\/vault\/hubs$/, 'Hubs · Vault'],
  [/^\/vault\/keys$/, 'Key · Vault'],
  [/^\/moderation$/, 'Moderation'],
  [/^\/moderation\/suspensions$/, 'Suspensions · Moderation'],
  [/^\/admin$/, 'Admin'],
  [/^\/admin\/agencies$/, 'Agencies · Admin'],
  [/^\/admin\/policies$/, 'Request policies · Admin'],
  [/^\/admin\/legal$/, 'Legal demands · Admin'],
  [/^\/legal-notices$/, 'Legal notices'],
  [/^\/notifications$/, 'Notifications'],
  [/^\/settings\/alerts$/, 'Alert settings'],
  [/^\/unsubscribe$/, 'Stop alert emails'],
  [/^\/redact$/, 'Redact a video'],
  [/^\/account\/security$/, 'Security'],
  [/^\/account$/, 'Account'],
  [/^\/account\/sessions$/, 'Sessions and hubs · Account'],
  [/^\/reset-password$/, 'Reset your password'],
  [/^\/verify-email$/, 'Confirm your email'],
  [/^\/agency\/keys$/, 'Agency keys'],
  [/^\/agency\/requests\/new$/, 'New footage request'],
  [/^\/agency\/requests\/rq_[A-Za-z0-9_-]+$/, 'Footage request'],
  [/^\/transparency$/, 'Transparency log'],
  [/^\/policies$/, 'Request policies'],
  [/^\/requests$/, 'Footage requests'],
  [/^\/guidelines$/, 'Community guidelines'],
  [/^\/dashboard$/, 'Dashboard'],
  [/^\/dashboard\/agencies\/[1-9][0-9]{0,15}$/, 'Agency · Dashboard'],
  [/^\/dashboard\/agencies\/[1-9][0-9]{0,15}\/report\/(19|20)[0-9]{2}$/, 'Annual report · Dashboard'],
  [/^\/requests\/rq_[A-Za-z0-9_-]+$/, 'Footage request'],
  [/^\/signin$/, 'Sign in'],
  [/^\/signup$/, 'Create an account'],
];

/** The page name of an app route, or undefined when no page lives at the path. */
export function routeTitle(path: string): string | undefined {
  return ROUTES.find(([pattern]) => pattern.test(path))?.[1];
}

/**
 * Titles the document after the current route. Runs as a layout effect so a page that knows better (the 404
 * page, which also stands in for pages a role may not see) can override it with {@link usePageTitle}, whose
 * ordinary effect runs after every layout effect.
 */
export function useRouteTitle(path: string, signedIn: boolean): void {
  useLayoutEffect(() => {
    const page = path === '/' && !signedIn ? 'Neighbourhood safety, privately' : routeTitle(path);
    if (page !== undefined) document.title = pageTitle(page);
  }, [path, signedIn]);
}

/**
 * Sets the document title for the page rendering this hook: "<page> · Porchlight". It restores nothing when
 * the page goes: the next page's route title is already set by then, and putting back the old one would
 * leave this page's name on the next.
 */
export function usePageTitle(page: string): void {
  useEffect(() => {
    document.title = pageTitle(page);
  });
}
