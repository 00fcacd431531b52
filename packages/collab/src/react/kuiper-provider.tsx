/**
 * The client behind every hook [REACT-1]. Given `client`, the caller owns it; given `url`, the
 * provider makes one (`ack: false` unless `options` say otherwise) in an effect and disconnects it
 * on unmount, so a server render or StrictMode's discarded render never opens a connection nobody
 * closes.
 */
import { createClient, type ClientOptions, type KuiperClient } from '@kuiper/client';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

const KuiperContext = createContext<KuiperClient | null | undefined>(undefined);

export type KuiperProviderProps = { readonly children?: ReactNode } & (
  | { readonly client: KuiperClient; readonly url?: undefined; readonly options?: undefined }
  | { readonly url: string; readonly options?: ClientOptions; readonly client?: undefined }
);

export function KuiperProvider(props: KuiperProviderProps): ReactNode {
  const { client: given, url, options } = props;
  const [owned, setOwned] = useState<KuiperClient | null>(null);
  useEffect(() => {
    if (given || url === undefined) return;
    // [COLLAB-25] Rooms re-sync by state vector after a drop: the ack extension's round trip per
    // delivery buys them nothing (README, "A client for collaboration"). `options.ack` still wins.
    const made = createClient(url, { ack: false, ...options });
    setOwned(made);
    return () => {
      setOwned((current) => (current === made ? null : current));
      void made.disconnect();
    };
    // Options are read once per url: a new object each render must not reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [given, url]);
  return <KuiperContext.Provider value={given ?? owned}>{props.children}</KuiperContext.Provider>;
}

/**
 * The provider's client, or null while a `url` provider has not made it yet (and always during a
 * server render of one). Throws outside a `<KuiperProvider>`: that is a mistake, not a state.
 */
export function useClient(): KuiperClient | null {
  const client = useContext(KuiperContext);
  if (client === undefined) throw new Error('useClient: wrap the tree in <KuiperProvider url=… | client=…>');
  return client;
}
