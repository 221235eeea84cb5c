package io.cairn.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cairn.client.CairnClient;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.ApiError;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hoster's read API ({@code --serve HOST:PORT}): {@code GET /api/v1/cores/{key}/blocks/{i}
 * ?format=raw} answers a block it keeps in the node's raw format, the bytes as the body and the
 * proof from length 0 in the {@value CairnClient#PROOF_HEADER} header (base64 {@code
 * cairn.api.v1.Proof} without the block), as the node gave it. A reader verifies it against the
 * publisher's key from nothing ({@code TreeHead.EMPTY}), so it need not trust the hoster. An
 * attester making a service check sends the check's id in the {@value #CHECK_HEADER} header; the
 * hoster then answers, in the {@value #CONTACT_HEADER} header, its proof of contact (base64 {@code
 * SignedPinningStatement} over a {@code ServiceContact}): signed with its provider key over the
 * check id, the block's index and the hash of the bytes it sends. Errors are the node's JSON {@code
 * ApiError}.
 */
public final class BlockServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BlockServer.class);
  private static final Pattern BLOCK =
      Pattern.compile("/api/v1/cores/([0-9a-fA-F]{64})/blocks/([0-9]{1,18})");

  /** The header in which an attester sends its check's id: 0x and 64 hex digits. */
  public static final String CHECK_HEADER = "Cairn-Check";

  /** The header in which the hoster answers its signed proof of contact. */
  public static final String CONTACT_HEADER = "Cairn-Contact";

  private static final Pattern CHECK_ID = Pattern.compile("0x[0-9a-fA-F]{64}");

  private final HttpServer server;
  private final ExecutorService executor;
  private final ReplicaStore store;
  private final EvmSigner hoster;

  private BlockServer(
      HttpServer server, ExecutorService executor, ReplicaStore store, EvmSigner hoster) {
    this.server = server;
    this.executor = executor;
    this.store = store;
    this.hoster = hoster;
  }

  /**
   * Binds {@code address} (port 0: any free one) and serves {@code store}'s blocks, signing proofs
   * of contact with {@code hoster}'s key.
   */
  public static BlockServer start(InetSocketAddress address, ReplicaStore store, EvmSigner hoster) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve blocks on "
              + address.getHostString()
              + ":"
              + address.getPort()
              + ": "
              + e.getMessage(),
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            work -> {
              Thread thread = new Thread(work, "block-server");
              thread.setDaemon(true);
              return thread;
            });
    BlockServer blocks = new BlockServer(server, executor, store, hoster);
    server.createContext("/", blocks::handle);
    server.setExecutor(executor);
    server.start();
    return blocks;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The base URI a {@link CairnClient} connects to, e.g. {@code http://127.0.0.1:7272}. */
  public URI uri() {
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getHostString();
    return URI.create("http://" + host + ":" + bound.getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher path = BLOCK.matcher(exchange.getRequestURI().getPath());
      if (!path.matches()) {
        error(exchange, ErrorCode.NOT_FOUND, "this hoster serves /api/v1/cores/{key}/blocks/{i}");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        error(exchange, 405, "METHOD_NOT_ALLOWED", "only GET");
        return;
      }
      Optional<String> checkId =
          Optional.ofNullable(exchange.getRequestHeaders().getFirst(CHECK_HEADER));
      if (checkId.isPresent() && !CHECK_ID.matcher(checkId.get()).matches()) {
        error(
            exchange,
            ErrorCode.MALFORMED_REQUEST,
            "a " + CHECK_HEADER + " header is 0x and 64 hex digits, not " + checkId.get());
        return;
      }
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      if (!"raw".equals(query.get("format"))) {
        error(
            exchange,
            ErrorCode.MALFORMED_REQUEST,
            "a hoster serves blocks as format=raw only, not "
                + query.getOrDefault("format", "json"));
        return;
      }
      String trusted = query.getOrDefault("trustedLength", "0");
      if (!trusted.equals("0")) {
        error(
            exchange,
            ErrorCode.MALFORMED_REQUEST,
            "a hoster keeps each block's proof from length 0 only, not from " + trusted);
        return;
      }
      byte[] key = HexFormat.of().parseHex(path.group(1));
      long index = Long.parseLong(path.group(2));
      Optional<ReplicaStore.StoredBlock> block = store.block(key, index);
      if (block.isEmpty()) {
        error(
            exchange,
            ErrorCode.BLOCK_NOT_FOUND,
            "this hoster keeps no block " + index + " of core " + path.group(1));
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange
          .getResponseHeaders()
          .set(CairnClient.PROOF_HEADER, Base64.getEncoder().encodeToString(block.get().proof()));
      byte[] value = block.get().value();
      if (checkId.isPresent()) {
        SignedPinningStatement contact =
            PinningStatements.signContact(
                hoster,
                new PinningStatements.Contact(
                    HexFormat.of().parseHex(checkId.get().substring(2)),
                    key,
                    index,
                    Blake2b.hash(value)));
        exchange
            .getResponseHeaders()
            .set(CONTACT_HEADER, Base64.getEncoder().encodeToString(contact.toByteArray()));
      }
      exchange.sendResponseHeaders(200, value.length == 0 ? -1 : value.length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(value);
      }
    } catch (RuntimeException failed) {
      // a damaged file on the hoster's disk: the reader gets an answer, the operator a log line
      log.warn("cannot serve {}: {}", exchange.getRequestURI(), failed.getMessage());
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> parameters = new HashMap<>();
    if (raw == null) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static void error(HttpExchange exchange, ErrorCode code, String message)
      throws IOException {
    error(exchange, code.httpStatus(), code.name(), message);
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    byte[] body;
    try {
      body =
          JsonFormat.printer()
              .omittingInsignificantWhitespace()
              .print(ApiError.newBuilder().setError(code).setMessage(message))
              .getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an ApiError always prints", e);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
