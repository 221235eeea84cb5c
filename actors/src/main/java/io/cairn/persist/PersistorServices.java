package io.cairn.persist;

import io.cairn.keys.StreamKeys;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.stream.Publisher;
import io.cairn.stream.Resends;
import java.time.Clock;

/**
 * What a persistor uses besides its journal; {@code clock} tells when the stream's licences end.
 */
public record PersistorServices(
    StreamKeys keys,
    EvmSigner signer,
    Publisher publisher,
    Resends resends,
    String readJournalPluginId,
    Clock clock) {}
