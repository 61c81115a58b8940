import { createContext, useContext } from 'react';

/**
 * The CSP nonce of the current HTML response, provided by entry.server. Browsers hide nonce
 * attributes from scripts, so on the client this is empty and only the server render uses it.
 */
const NonceContext = createContext('');

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
