// @org/signing-core/node — Node adapters: a Node request as a Web Request with its exact bytes,
// a Web Response written to a Node response, Web handlers mounted on Express, Next.js Pages API
// routes, node:http and Fastify.

export {
  type FastifyInstanceLike,
  type FastifyRawBodyOptions,
  type FastifyReplyLike,
  type FastifyRequestLike,
  fastifyRawBody,
  fastifyToWebRequest,
  toFastifyHandler,
} from './fastify.node.js';
export {
  type NodeHandler,
  type NodeHandlerOptions,
  toNodeHandler,
  type WebHandler,
} from './handler.node.js';
export {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  type NodeRequest,
  type ToWebRequestOptions,
  toWebRequest,
} from './request.node.js';
export { writeWebResponse } from './response.node.js';
