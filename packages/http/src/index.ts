/**
 * `@streamweave/http`: HTTP middleware (Express, Fastify, Web-standard), a
 * request-per-item graph server, WebSocket, Server-Sent Events and HTTP polling.
 *
 * @packageDocumentation
 */
export { bearerToken, type RequestGuard } from './bearerToken.js';
export { bytesBody } from './bytesBody.js';
export { fastifyRoute, type FastifyLike, type FastifyScope } from './fastifyRoute.js';
export { HttpError, findHttpError, httpStatusOf } from './httpError.js';
export { pipelineHandler, type HttpRequestInfo, type PipelineHandlerOptions, type StreamHandler } from './pipelineHandler.js';
export {
  chunkedResponse,
  encodedResponse,
  ndjsonResponse,
  sseResponse,
  type ResponseEncoder,
  type TransformerResponse,
} from './responseEncoders.js';
export {
  requestServer,
  type HttpRequestItem,
  type HttpResponseItem,
  type RequestServer,
  type RequestServerOptions,
  type RequestServerStats,
} from './requestServer.js';
export { jsonFrames, jsonMessages, type MessageDecoder, type MessageEncoder } from './websocket/messageCodec.js';
export { webSocketSource, type WebSocketSourceOptions } from './websocket/webSocketSource.js';
export { webSocketSink, type WebSocketSinkOptions } from './websocket/webSocketSink.js';
export { webSocketClient, type WebSocketClient, type WebSocketClientOptions } from './websocket/webSocketClient.js';
export { webSocketHub, type HubOverflow, type WebSocketHub, type WebSocketHubOptions, type WebSocketHubStats } from './websocket/webSocketHub.js';
export { listenWebSocket, type ListenWebSocketOptions, type ListeningWebSocketServer } from './websocket/listenWebSocket.js';
export { sseEndpoint, type SseEndpoint, type SseEndpointOptions, type SseEndpointStats } from './sse/sseEndpoint.js';
export { sseSource, type SseEvent, type SseSourceOptions } from './sse/sseSource.js';
export type { ParsedSseEvent } from './sse/sseParser.js';
export { cronSchedule, type CronSchedule } from './polling/cronSchedule.js';
export { httpPoll, type CursorPagination, type HttpPollOptions } from './polling/httpPoll.js';
