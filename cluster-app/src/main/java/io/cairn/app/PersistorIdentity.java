package io.cairn.app;

import io.cairn.keys.StreamKeys;
import io.cairn.protocol.event.EvmSigner;

/**
 * What a node needs to host persistors: the streams' group keys, and the cluster's service key
 * that signs the persistors' events (the stream owner grants its address {@code publish}).
 */
public record PersistorIdentity(StreamKeys keys, EvmSigner signer) {}
