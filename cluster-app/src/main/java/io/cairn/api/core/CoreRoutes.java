package io.cairn.api.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.core.Core;
import io.cairn.core.Cores;
import io.cairn.ledger.PaidCores;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.CoreInfo;
import io.cairn.protocol.api.v1.SignedAppendBatch;
import io.cairn.protocol.hypercore.Proof;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Accept;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;

/**
 * {@code /api/v1/cores}: register a core, append signed batches, read info, blocks with proofs,
 * ranges and upgrades. Cores are named in paths by their key in hex.
 */
public final class CoreRoutes extends ApiRoutes {
  /**
   * Header carrying the proof (protobuf {@code Proof}, base64, block value left empty) of a raw
   * block.
   */
  public static final String PROOF_HEADER = "Cairn-Proof";

  private static final Gson READABLE = new GsonBuilder().serializeNulls().create();

  private final Cores cores;
  private final Authentication authentication;
  private final PaidCores paid;

  public CoreRoutes(
      ActorSystem<?> system, Cores cores, Authentication authentication, PaidCores paid) {
    super(system);
    this.cores = cores;
    this.authentication = authentication;
    this.paid = paid;
  }

  @Override
  public Route routes() {
    return pathPrefix(
        "cores",
        () ->
            concat(
                pathEnd(() -> post(this::register)),
                pathPrefix(
                    PathMatchers.segment(),
                    // the key is read inside each method: a wrong method is 405 whatever the key
                    hex ->
                        concat(
                            pathEnd(
                                () ->
                                    get(
                                        () ->
                                            withKey(
                                                hex,
                                                key ->
                                                    inFormatAsked(
                                                        protobuf ->
                                                            reply(
                                                                cores.info(key),
                                                                info ->
                                                                    info(
                                                                        StatusCodes.OK,
                                                                        info,
                                                                        protobuf)))))),
                            path("batches", () -> post(() -> withKey(hex, this::append))),
                            path(
                                PathMatchers.segment("blocks").slash(PathMatchers.longSegment()),
                                index -> get(() -> readable(hex, key -> block(key, index)))),
                            path("blocks", () -> get(() -> readable(hex, this::range))),
                            path("upgrade", () -> get(() -> readable(hex, this::upgrade)))))));
  }

  private Route register() {
    return this.<io.cairn.protocol.api.v1.CoreDescriptor>body(
        io.cairn.protocol.api.v1.CoreDescriptor.newBuilder(),
        message -> {
          CoreApiMapper.Registration registration = CoreApiMapper.registration(message);
          return inFormatAsked(
              protobuf ->
                  reply(
                      cores.register(registration.key(), registration.descriptor()),
                      registered ->
                          info(
                                  registered.created() ? StatusCodes.CREATED : StatusCodes.OK,
                                  registered.info(),
                                  protobuf)
                              .addHeader(
                                  Location.create(
                                      "/api/v1/cores/"
                                          + HexFormat.of().formatHex(registered.info().key())))));
        });
  }

  private Route append(byte[] key) {
    // the JSON mapping writes blocks in base64, a third longer than the batch itself
    long limit = cores.settings().maxBatchBytes() * 4 / 3 + 1024 * 1024;
    return withSizeLimit(
        limit,
        () ->
            this.<SignedAppendBatch>body(
                SignedAppendBatch.newBuilder(),
                batch ->
                    inFormatAsked(
                        protobuf ->
                            reply(
                                cores.append(key, CoreApiMapper.batch(batch)),
                                info -> info(StatusCodes.OK, info, protobuf)))));
  }

  /** {@code inner} told whether the client accepts protobuf (the SDK does) rather than JSON. */
  private Route inFormatAsked(Function<Boolean, Route> inner) {
    return optionalHeaderValueByType(
        Accept.class,
        accept -> inner.apply(accept.map(asked -> asked.value().contains(PROTOBUF)).orElse(false)));
  }

  /** A core's info: protobuf {@code CoreInfo}, or {@link CoreApiMapper#readable} JSON. */
  private static HttpResponse info(StatusCode status, Core.Info info, boolean protobuf) {
    CoreInfo message = CoreApiMapper.info(info);
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            protobuf
                ? HttpEntities.create(ContentTypes.parse(PROTOBUF), message.toByteArray())
                : HttpEntities.create(
                    ContentTypes.APPLICATION_JSON,
                    READABLE.toJson(CoreApiMapper.readable(message))));
  }

  /**
   * Block with proof, upgraded from {@code trustedLength} (default 0). {@code format=json}
   * (default) answers the protobuf JSON mapping of {@code Proof}; {@code format=raw} answers the
   * block's bytes with the proof in the {@value #PROOF_HEADER} header.
   */
  private Route block(byte[] key, long index) {
    return parameterOptional(
        StringUnmarshallers.LONG,
        "trustedLength",
        trusted ->
            parameterOptional(
                "format",
                format -> {
                  boolean raw = format.map("raw"::equals).orElse(false);
                  if (format.isPresent() && !raw && !format.get().equals("json")) {
                    return complete(
                        ApiJson.error(
                            ErrorCode.MALFORMED_REQUEST,
                            "format is json or raw, not " + format.get()));
                  }
                  return reply(
                      cores.block(key, index, trusted.orElse(0L)),
                      raw ? CoreRoutes::rawBlock : proof -> ApiJson.ok(CoreApiMapper.proof(proof)));
                }));
  }

  private static HttpResponse rawBlock(Proof proof) {
    Proof withoutValue =
        new Proof(
            proof.fork(),
            new Proof.Block(proof.block().index(), new byte[0], proof.block().nodes()),
            proof.upgrade());
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, proof.block().value()))
        .addHeader(
            RawHeader.create(
                PROOF_HEADER,
                Base64.getEncoder()
                    .encodeToString(CoreApiMapper.proof(withoutValue).toByteArray())));
  }

  private Route range(byte[] key) {
    return parameter(
        StringUnmarshallers.LONG,
        "start",
        start ->
            parameter(
                StringUnmarshallers.LONG,
                "end",
                end ->
                    reply(
                        cores.range(key, start, end),
                        proof -> ApiJson.ok(CoreApiMapper.rangeProof(proof)))));
  }

  private Route upgrade(byte[] key) {
    return parameter(
        StringUnmarshallers.LONG,
        "from",
        from ->
            parameter(
                StringUnmarshallers.LONG,
                "to",
                to ->
                    reply(
                        cores.upgrade(key, from, to),
                        proof -> ApiJson.ok(CoreApiMapper.proof(proof)))));
  }

  private Route withKey(String hex, Function<byte[], Route> inner) {
    return inner.apply(CoreApiMapper.key(hex));
  }

  /** {@code inner} if the request may read the core's blocks ({@link PaidCores}). */
  private Route readable(String hex, Function<byte[], Route> inner) {
    return withKey(
        hex,
        key ->
            authentication.optionallyAuthenticated(
                reader -> onSuccess(paid.requireReader(key, reader), allowed -> inner.apply(key))));
  }
}
