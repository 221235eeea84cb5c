package io.cairn.api.ledger;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.ledger.RoundKey;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.stream.StreamId;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;

/**
 * The ledger over HTTP, on either backend ({@link LedgerBackend}): {@code GET /ledger} (the
 * backend, its id or chain and contracts, operator and time), {@code POST /ledger/requests} (a
 * signed request, carried out or refused with the ledger's code; on a chain always refused, {@code
 * LEDGER_ON_CHAIN}), and reads of accounts ({@code /ledger/accounts/{address}}), products ({@code
 * /market/products[/{id}]}), licences ({@code /market/licences/{address}}), escrow jobs ({@code
 * /escrow/jobs/{jobId}}) and report rounds ({@code /reports/rounds?stream=&partition=&interval=}).
 *
 * <p>No session: reading is public, and a request is authenticated by its own signature. Who may do
 * what is the ledger's rules' business ({@code LedgerRules} in the embedded ledger's entity, the
 * contracts on a chain), decided there for every transport alike; these routes only parse and map.
 */
public final class LedgerRoutes extends ApiRoutes {
  private final LedgerBackend backend;

  public LedgerRoutes(ActorSystem<?> system, LedgerBackend backend) {
    super(system);
    this.backend = backend;
  }

  @Override
  public Route routes() {
    return concat(
        pathPrefix(
            "ledger",
            () ->
                concat(
                    pathEnd(() -> get(this::info)),
                    path("requests", () -> post(this::submit)),
                    path(
                        PathMatchers.segment("accounts").slash(PathMatchers.segment()),
                        address -> get(() -> account(address))))),
        pathPrefix(
            "market",
            () ->
                concat(
                    path("products", () -> get(this::products)),
                    path(
                        PathMatchers.segment("products").slash(PathMatchers.segment()),
                        id -> get(() -> product(id))),
                    path(
                        PathMatchers.segment("licences").slash(PathMatchers.segment()),
                        buyer -> get(() -> licences(buyer))))),
        path(
            PathMatchers.segment("escrow").slash("jobs").slash(PathMatchers.segment()),
            jobId -> get(() -> job(jobId))),
        path(PathMatchers.segment("reports").slash("rounds"), () -> get(this::round)));
  }

  private Route info() {
    return reply(backend.info(), ApiJson::ok);
  }

  private Route submit() {
    return this.<SignedLedgerRequest>body(
        SignedLedgerRequest.newBuilder(), signed -> reply(backend.submit(signed), ApiJson::ok));
  }

  private Route account(String text) {
    return reply(backend.account(EthereumAddress.parse(text)), ApiJson::ok);
  }

  private Route products() {
    return reply(backend.ledger().products().thenApply(LedgerApiMapper::products), ApiJson::ok);
  }

  private Route product(String text) {
    long id = LedgerApiMapper.productId(text);
    return reply(
        backend
            .ledger()
            .product(id)
            .thenApply(
                product ->
                    LedgerApiMapper.product(
                        product.orElseThrow(
                            () -> new Rejection(ErrorCode.PRODUCT_NOT_FOUND, "no product " + id)))),
        ApiJson::ok);
  }

  /** Every licence the buyer ever had, each with whether it is active at the ledger's time. */
  private Route licences(String text) {
    EthereumAddress buyer = EthereumAddress.parse(text);
    return reply(
        backend
            .licencesEverHeld(buyer)
            .thenCombine(backend.ledger().now(), LedgerApiMapper::licences),
        ApiJson::ok);
  }

  private Route job(String text) {
    Bytes32 jobId = LedgerApiMapper.jobId(text);
    return reply(
        backend
            .ledger()
            .escrowJob(jobId)
            .thenApply(
                job -> {
                  if (!job.exists()) {
                    throw new Rejection(
                        ErrorCode.JOB_NOT_FOUND, "nobody deposited to job " + jobId);
                  }
                  return LedgerApiMapper.job(job);
                }),
        ApiJson::ok);
  }

  /** {@code ?stream=&partition=&interval=}: one stream partition's reporting interval. */
  private Route round() {
    return parameter(
        "stream",
        stream ->
            parameter(
                StringUnmarshallers.INTEGER,
                "partition",
                partition ->
                    parameter(
                        StringUnmarshallers.LONG,
                        "interval",
                        interval ->
                            round(
                                new RoundKey(
                                    StreamId.parse(stream).toString(), partition, interval)))));
  }

  private Route round(RoundKey key) {
    return reply(backend.round(key), ApiJson::ok);
  }
}
