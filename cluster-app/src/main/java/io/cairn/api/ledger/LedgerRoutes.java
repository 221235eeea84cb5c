package io.cairn.api.ledger;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.ledger.EmbeddedLedger;
import io.cairn.ledger.EscrowJob;
import io.cairn.ledger.LedgerBook;
import io.cairn.ledger.Product;
import io.cairn.ledger.ReportRound;
import io.cairn.ledger.RoundKey;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.stream.StreamId;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;

/**
 * The embedded ledger over HTTP: {@code GET /ledger} (its id, operator and time), {@code POST
 * /ledger/requests} (a signed request, carried out or refused with the ledger's code), and reads of
 * accounts ({@code /ledger/accounts/{address}}), products ({@code /market/products[/{id}]}),
 * licences ({@code /market/licences/{address}}), escrow jobs ({@code /escrow/jobs/{jobId}}) and
 * report rounds ({@code /reports/rounds?stream=&partition=&interval=}).
 *
 * <p>No session: reading is public, and a request is authenticated by its own signature. Who may do
 * what is the ledger's rules' business ({@code LedgerRules}), decided by the ledger entity for
 * every transport alike; these routes only parse and map.
 */
public final class LedgerRoutes extends ApiRoutes {
  private final EmbeddedLedger ledger;

  public LedgerRoutes(ActorSystem<?> system, EmbeddedLedger ledger) {
    super(system);
    this.ledger = ledger;
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
    return reply(
        ledger.now(),
        now -> ApiJson.ok(LedgerApiMapper.info(ledger.ledgerId(), ledger.operator(), now)));
  }

  private Route submit() {
    return this.<SignedLedgerRequest>body(
        SignedLedgerRequest.newBuilder(),
        signed ->
            reply(
                ledger.submitSigned(signed),
                receipt -> ApiJson.ok(LedgerApiMapper.receipt(receipt))));
  }

  private Route account(String text) {
    EthereumAddress address = EthereumAddress.parse(text);
    return reply(
        ledger.read(only(Set.of(address), Set.of(), false, Set.of(), Set.of(), Set.of())),
        view -> ApiJson.ok(LedgerApiMapper.account(address, view.slice())));
  }

  private Route products() {
    return reply(
        ledger.read(only(Set.of(), Set.of(), true, Set.of(), Set.of(), Set.of())),
        view -> ApiJson.ok(LedgerApiMapper.products(view.slice())));
  }

  private Route product(String text) {
    long id = LedgerApiMapper.productId(text);
    return reply(
        ledger
            .read(only(Set.of(), Set.of(id), false, Set.of(), Set.of(), Set.of()))
            .thenApply(
                view -> {
                  Product product = view.slice().products().get(id);
                  if (product == null) {
                    throw new Rejection(ErrorCode.PRODUCT_NOT_FOUND, "no product " + id);
                  }
                  return LedgerApiMapper.product(product);
                }),
        ApiJson::ok);
  }

  /** Every licence the buyer ever had, each with whether it is active at the ledger's time. */
  private Route licences(String text) {
    EthereumAddress buyer = EthereumAddress.parse(text);
    return reply(
        ledger
            .read(only(Set.of(), Set.of(), false, Set.of(buyer), Set.of(), Set.of()))
            .thenCombine(ledger.now(), (view, now) -> LedgerApiMapper.licences(view.slice(), now)),
        ApiJson::ok);
  }

  private Route job(String text) {
    Bytes32 jobId = LedgerApiMapper.jobId(text);
    return reply(
        ledger
            .read(only(Set.of(), Set.of(), false, Set.of(), Set.of(jobId), Set.of()))
            .thenApply(
                view -> {
                  EscrowJob job = view.slice().jobs().get(jobId);
                  if (job == null) {
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
    Bytes32 id = key.id();
    return reply(
        ledger
            .read(only(Set.of(), Set.of(), false, Set.of(), Set.of(), Set.of(id)))
            .thenApply(
                view -> {
                  ReportRound round = view.slice().rounds().get(id);
                  if (round == null) {
                    throw new Rejection(
                        ErrorCode.ROUND_NOT_FOUND,
                        "no report round for "
                            + key.streamId()
                            + " partition "
                            + key.partition()
                            + " interval "
                            + key.interval());
                  }
                  return LedgerApiMapper.round(round);
                }),
        ApiJson::ok);
  }

  /** A read of just these entries (and the totals, always). */
  private static LedgerBook.Selection only(
      Set<EthereumAddress> accounts,
      Set<Long> products,
      boolean allProducts,
      Set<EthereumAddress> licencesOf,
      Set<Bytes32> jobs,
      Set<Bytes32> rounds) {
    return new LedgerBook.Selection(
        accounts, products, allProducts, Set.of(), licencesOf, jobs, rounds);
  }
}
