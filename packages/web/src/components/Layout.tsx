// The signed-in frame: skip link, header with navigation, and the page's main landmark.
import { useEffect, useRef, type ReactNode } from 'react';
import { Link, usePath } from '../lib/router';
import { useSession } from '../lib/session';

const NAV = [
  { href: '/stacks', label: 'Stacks', admin: false },
  { href: '/policies', label: 'Policies', admin: true },
  { href: '/settings/slack', label: 'Settings', admin: true },
];

export function Layout({ children }: { children: ReactNode }) {
  const { me, signOut } = useSession();
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(path);

  // Move focus to the new page on client-side navigation, as a full page load would. Comparing paths (not a
  // first-render flag) keeps a fresh load's focus alone, also when StrictMode runs effects twice.
  useEffect(() => {
    if (shownPath.current === path) return;
    shownPath.current = path;
    main.current?.focus();
  }, [path]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/stacks" className="brand" aria-label="Liftoff home">
          <svg viewBox="0 0 16 16" width="20" height="20" aria-hidden="true">
            <path d="M8 1l3 6H9v8H7V7H5z" fill="currentColor" />
          </svg>
          Liftoff
        </Link>
        <nav aria-label="Main" className="mainnav">
          {NAV.filter((n) => !n.admin || me.admin).map((n) => (
            <Link
              key={n.href}
              href={n.href}
              aria-current={path.startsWith(n.href.split('/').slice(0, 2).join('/')) ? 'page' : undefined}
            >
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="whoami">
          <span className="whoami-name" title={me.login}>
            {me.name}
            {me.admin && <span className="tag tag-admin">admin</span>}
          </span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="content">
        {children}
      </main>
    </div>
  );
}

export function PageHeader({
  title,
  children,
  crumbs,
}: {
  title: ReactNode;
  children?: ReactNode;
  crumbs?: ReactNode;
}) {
  return (
    <div className="page-header">
      {crumbs && (
        <nav aria-label="Breadcrumb" className="crumbs">
          {crumbs}
        </nav>
      )}
      <div className="page-header-row">
        <h1>{title}</h1>
        {children && <div className="page-actions">{children}</div>}
      </div>
    </div>
  );
}
