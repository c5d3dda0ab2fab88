/**
 * The receiver as a Fastify plugin: `app.register(fastifyWebhooks(receiver))`. It adds
 * `/webhooks/:provider` in its own encapsulated context, where the body is kept as raw bytes (the app's
 * JSON parser elsewhere is untouched). The headers are checked in `onRequest`, before Fastify reads the
 * body; Fastify enforces the size limit (413) and its server's `requestTimeout` the time limit.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { type Answer, type Receiver, notFound } from "../core/receiver.js";

function reply(res: FastifyReply, answer: Answer) {
  return res
    .code(answer.status)
    .headers({ "content-type": "application/json", ...answer.headers })
    .send(JSON.stringify(answer.body));
}

/** What onRequest learnt, kept on the request for the handler: the admission and the flattened headers. */
type Admitted = { admitted: Parameters<Receiver["receive"]>[0]; headers: Parameters<Receiver["receive"]>[1] };

const headersOf = (raw: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));

export function fastifyWebhooks(receiver: Receiver) {
  return async function webhooks(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: receiver.maxBodyBytes }, (_req, body, done) => done(null, body));
    app.route({
      method: ["POST", "GET", "PUT", "PATCH", "DELETE"],
      url: "/webhooks/:provider",
      bodyLimit: receiver.maxBodyBytes,
      async onRequest(request, res) {
        const headers = headersOf(request.headers);
        const admitted = await receiver.admit(request.method, request.url, headers);
        if ("notOurs" in admitted) return reply(res, notFound(request.url, receiver.providers));
        if ("answer" in admitted) return reply(res, admitted.answer);
        (request as unknown as { admitted: Admitted }).admitted = { admitted, headers };
      },
      async handler(request, res) {
        const { admitted, headers } = (request as unknown as { admitted: Admitted }).admitted;
        const body = request.body instanceof Uint8Array ? request.body : new Uint8Array();
        return reply(res, await receiver.receive(admitted, headers, body));
      },
    });
  };
}
