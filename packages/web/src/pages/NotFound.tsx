import { PageHeader } from '../components/Layout';
import { Link, useTitle } from '../lib/router';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <>
      <PageHeader title="Not found" />
      <p>This page does not exist, or you do not have access to it.</p>
      <p>
        <Link href="/stacks">Back to stacks</Link>
      </p>
    </>
  );
}
