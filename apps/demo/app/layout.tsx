import type { ReactNode } from 'react';
import Link from 'next/link';
import './globals.css';

export const metadata = { title: 'Kuiper demo', description: 'A whiteboard and chat on Kuiper' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav className="top">
          <Link href="/">Lobby</Link>
          <Link href="/inspector">Inspector</Link>
        </nav>
        <main>{children}</main>
      </body>
    </html>
  );
}
