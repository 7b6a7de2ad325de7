/**
 * @streamweave/http: HTTP middleware (Express, Fastify, Web-standard), a
 * request-per-item graph server, WebSocket, Server-Sent Events and HTTP polling.
 *
 * @packageDocumentation
 */
export { bearerToken, type RequestGuard } from './bearerToken.js';
export { bytesBody } from './bytesBody.js';
export { fastifyRoute, type FastifyLike, type FastifyScope } from './fastifyRoute.js';
export { HttpError, findHttpError } from './httpError.js';
export { ndjsonBody, type NdjsonBodyOptions } from './ndjsonBody.js';
export { pipelineHandler, type HttpRequestInfo, type PipelineHandlerOptions, type StreamHandler } from './pipelineHandler.js';
export { chunkedResponse, ndjsonResponse, sseResponse, type ResponseEncoder } from './responseEncoders.js';
export {
  requestServer,
  type HttpRequestItem,
  type HttpResponseItem,
  type RequestServer,
  type RequestServerOptions,
  type RequestServerStats,
} from './requestServer.js';
