// The MQTT side: the bridge's transport, the embedded broker, the board client, the topic tree.
export { MqttTransport } from './transport.ts';
export type { MqttTransportOptions } from './transport.ts';
export { EmbeddedBroker } from './broker.ts';
export type { EmbeddedBrokerOptions, BrokerCounters } from './broker.ts';
export { MqttBoardClient } from './board-client.ts';
export type { MqttBoardClientOptions, BoardClientStats } from './board-client.ts';
export { Topics, DEFAULT_BASE, isBoardIdForMqtt } from './topics.ts';
export { authenticate, mayPublish, maySubscribe } from './acl.ts';
export type { BrokerAuthOptions, Identity } from './acl.ts';
export type { MqttConnection, MqttTls } from './connection.ts';
