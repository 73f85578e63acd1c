import { Link, usePath } from '../lib/router';

/** Settings sections; all admin-only screens. */
export function SettingsTabs() {
  const path = usePath();
  const tabs = [
    { href: '/settings/slack', label: 'Slack' },
    { href: '/settings/api-keys', label: 'API keys' },
    { href: '/settings/audit', label: 'Audit log' },
  ];
  return (
    <nav aria-label="Settings" className="tabs">
      {tabs.map((t) => (
        <Link key={t.href} href={t.href} aria-current={path === t.href ? 'page' : undefined} className="tab">
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
