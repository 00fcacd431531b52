/**
 * Feeds the inspector page: Kuiper's events go into an `InspectorModel`, an extension notes the
 * transport each session's messages arrive on, and the model's state is published on
 * `/inspector/state` (at most every `throttleMs`) and answered on `/service/inspector/state` to a
 * page that just opened.
 */
import type { KuiperServer } from '@kuiper/server';
import { sessionName } from './identity.js';
import { InspectorModel } from './inspector-model.js';

export const INSPECTOR_CHANNEL = '/inspector/state';
export const INSPECTOR_SERVICE = '/service/inspector/state';

export function attachInspector(kuiper: KuiperServer, throttleMs = 100): { readonly model: InspectorModel; detach(): void } {
  const model = new InspectorModel();
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      kuiper.publish(INSPECTOR_CHANNEL, model.snapshot()).catch(() => undefined); // closing: nobody to tell
    }, throttleMs);
  };
  const offs = [
    kuiper.on('session:added', (e) => (model.sessionAdded(e.clientId), changed())),
    kuiper.on('session:removed', (e) => (model.sessionRemoved(e.clientId, e.reason), changed())),
    kuiper.on('channel:added', (e) => (model.channelAdded(e.channel), changed())),
    kuiper.on('channel:removed', (e) => (model.channelRemoved(e.channel), changed())),
    kuiper.on('subscription:added', (e) => (model.subscribed(e.clientId, e.channel), changed())),
    kuiper.on('subscription:removed', (e) => (model.unsubscribed(e.clientId, e.channel), changed())),
    // The transport is a property of each message's arrival, so an extension sees it (and sees a
    // client fall back from one transport to another).
    kuiper.addExtension({
      name: 'demo-inspector',
      incoming: (message, ctx) => {
        if (ctx.session && model.sessionSeen(ctx.session.clientId, ctx.transport, sessionName(ctx.session.data))) changed();
        return message;
      },
    }),
    kuiper.addService(INSPECTOR_SERVICE, () => model.snapshot()),
  ];
  return {
    model,
    detach: () => {
      clearTimeout(timer);
      for (const off of offs) off();
    },
  };
}
