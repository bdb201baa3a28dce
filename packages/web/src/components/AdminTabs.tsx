import { Link, useLocation } from '../router';

const TABS = [
  { to: '/admin', label: 'People and roles' },
  { to: '/admin/agencies', label: 'Agencies' },
  { to: '/admin/policies', label: 'Request policies' },
  { to: '/admin/legal', label: 'Legal demands' },
];

/** Navigation between the admin pages. */
export function AdminTabs() {
  const { path } = useLocation();
  return (
    <nav className="admin-tabs" aria-label="Admin">
      {TABS.map((t) => (
        <Link key={t.to} to={t.to} aria-current={path === t.to ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
