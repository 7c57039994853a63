// Where the page finds its user pool. A deployed copy gets it at build time
// from Vite env variables (see .env.example); the local pool serves its own
// at /_local/config, so the page it serves needs no settings at all.

/**
 * loadConfig returns { userPoolId, userPoolClientId, endpoint } or throws an
 * Error saying what is missing. endpoint is empty for real Cognito.
 */
export async function loadConfig(env = import.meta.env) {
  if (env.VITE_USER_POOL_ID && env.VITE_USER_POOL_CLIENT_ID) {
    return {
      userPoolId: env.VITE_USER_POOL_ID,
      userPoolClientId: env.VITE_USER_POOL_CLIENT_ID,
      endpoint: env.VITE_COGNITO_ENDPOINT || '',
    };
  }
  const local = await fetchLocal('_local/config');
  const c = local?.Auth?.Cognito ?? local ?? {};
  const userPoolId = c.userPoolId;
  const userPoolClientId = c.userPoolClientId ?? c.clientId;
  if (!userPoolId || !userPoolClientId) {
    throw new Error(
      'No user pool configured: set VITE_USER_POOL_ID and VITE_USER_POOL_CLIENT_ID ' +
        '(and VITE_COGNITO_ENDPOINT for a local pool) when building, or open the page the local pool serves.',
    );
  }
  return {
    userPoolId,
    userPoolClientId,
    endpoint: c.userPoolEndpoint ?? c.endpoint ?? window.location.origin,
  };
}

/**
 * fetchLocal fetches a local-pool-only path relative to base (the pool's
 * endpoint, or the page itself) and returns its JSON, or undefined when
 * there is no local pool there (a 404, an HTML fallback page, no server).
 */
export async function fetchLocal(path, base = document.baseURI, init = {}) {
  try {
    const res = await fetch(new URL(path, base), { cache: 'no-store', ...init });
    if (!res.ok || !(res.headers.get('content-type') || '').includes('json')) return undefined;
    return await res.json();
  } catch {
    return undefined;
  }
}
