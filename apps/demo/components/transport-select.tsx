'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { TRANSPORTS, type TransportName } from './transports';

/** [DEMO-4] Forces one transport: the page's client is made again with only that one offered. */
export function TransportSelect({ value }: { value: TransportName | undefined }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const choose = (transport: string) => {
    const next = new URLSearchParams(params.toString());
    if (transport) next.set('transport', transport);
    else next.delete('transport');
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname);
  };
  return (
    <label className="transport">
      Transport{' '}
      <select value={value ?? ''} onChange={(e) => choose(e.target.value)}>
        <option value="">automatic</option>
        {TRANSPORTS.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}
