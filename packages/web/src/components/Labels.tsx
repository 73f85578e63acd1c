export function Labels({ labels }: { labels: string[] }) {
  if (labels.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="labels" aria-label="Labels">
      {labels.map((l) => (
        <li key={l} className="tag">
          {l}
        </li>
      ))}
    </ul>
  );
}
