// The <phonepass-sign-in> element as it is, in a plain page: configure
// Amplify, import the element, listen to its events.
import { Amplify } from 'aws-amplify';
import '@phonepass/web/element';
import { loadConfig } from './config.js';

const el = document.getElementById('signin');
const lang = new URLSearchParams(location.search).get('lang');
if (lang) el.setAttribute('lang', lang);

// What the host app hears, kept for the browser test.
window.phonepassEvents = [];
for (const type of ['signed-in', 'error']) {
  document.addEventListener(type, (ev) => window.phonepassEvents.push({ type, detail: { code: ev.detail?.code, phone: ev.detail?.phone } }));
}
document.addEventListener('signed-in', (ev) => {
  document.getElementById('host-status').textContent = `Signed in as ${ev.detail.phone}.`;
});

const config = await loadConfig();
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.userPoolClientId,
      ...(config.endpoint ? { userPoolEndpoint: config.endpoint } : {}),
    },
  },
});
