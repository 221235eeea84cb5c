package io.cairn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.api.auth.SessionTokens;
import io.cairn.node.TestNode;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import java.io.Reader;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/openapi.yaml held to the routes of a real node: the document is sound, every operation it
 * names is served and answers only what it documents, and every request docs/api.md describes is in
 * it. Probes name resources that do not exist and send empty bodies, so they change nothing.
 */
class OpenApiDocumentTest {
  private static final Path DOCUMENT = Path.of("..", "docs", "openapi.yaml");
  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  /** Methods sent to each path to find any it serves without documenting them. */
  private static final List<String> PROBED_METHODS =
      List.of("GET", "PUT", "POST", "DELETE", "PATCH");

  private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([^}/]+)}");
  private static final String API_ERROR = "#/components/schemas/ApiError";
  private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(20);

  private static final String OWNER = "0x6a0e9a2a5d3f8d1c9b7e4f2a1b3c5d7e9f0a1b2c";
  private static final String STREAM = OWNER + "%2Fopenapi%2Fprobe";
  private static final String CORE = "ab".repeat(32);

  /**
   * Every request docs/api.md describes, written as a client following it would send it. Each must
   * be an operation of the document, with only parameters the document declares.
   */
  private static final List<String> API_MD_REQUESTS =
      List.of(
          "GET /api/v1/health",
          "GET /api/v1/node",
          "PUT /api/v1/provider",
          "GET /api/v1/provider",
          "DELETE /api/v1/provider",
          "GET /api/v1/providers/" + OWNER,
          "POST /api/v1/pins",
          "GET /api/v1/pins",
          "GET /api/v1/pins/0x" + "ab".repeat(32),
          "DELETE /api/v1/pins/0x" + "ab".repeat(32),
          "GET /api/v1/agent/tasks",
          "POST /api/v1/pins/0x" + "ab".repeat(32) + "/replicas/0/commitment",
          "POST /api/v1/pins/0x" + "ab".repeat(32) + "/challenges/0x" + "cd".repeat(32),
          "POST /api/v1/auth/challenge",
          "POST /api/v1/auth/session",
          "GET /api/v1/streams?owner=" + OWNER + "&search=probe&max=10",
          "POST /api/v1/streams",
          "GET /api/v1/streams/" + STREAM,
          "PUT /api/v1/streams/" + STREAM,
          "DELETE /api/v1/streams/" + STREAM,
          "POST /api/v1/streams/" + STREAM + "/permissions",
          "DELETE /api/v1/streams/" + STREAM + "/permissions/public/subscribe",
          "DELETE /api/v1/streams/"
              + STREAM
              + "/permissions/0x1111111111111111111111111111111111111111/publish",
          "PUT /api/v1/streams/" + STREAM + "/custodian",
          "GET /api/v1/streams/" + STREAM + "/custodian",
          "POST /api/v1/streams/" + STREAM + "/custodian/rotate",
          "POST /api/v1/streams/" + STREAM + "/keys",
          "POST /api/v1/streams/" + STREAM + "/messages",
          "GET /api/v1/streams/"
              + STREAM
              + "/data/partitions/0/last?count=5&publisherId="
              + OWNER
              + "&format=raw",
          "GET /api/v1/streams/"
              + STREAM
              + "/data/partitions/0/from?fromTimestamp=0&fromSequenceNumber=0&msgChainId=c1",
          "GET /api/v1/streams/"
              + STREAM
              + "/data/partitions/1/range?fromTimestamp=0&toTimestamp=10"
              + "&fromSequenceNumber=0&toSequenceNumber=3&format=object",
          "POST /api/v1/cores",
          "GET /api/v1/cores/" + CORE,
          "POST /api/v1/cores/" + CORE + "/batches",
          "GET /api/v1/cores/" + CORE + "/blocks/2?trustedLength=0&format=raw",
          "GET /api/v1/cores/" + CORE + "/blocks?start=0&end=4",
          "GET /api/v1/cores/" + CORE + "/upgrade?from=0&to=4",
          "GET /api/v1/ledger",
          "POST /api/v1/ledger/requests",
          "GET /api/v1/ledger/accounts/" + OWNER,
          "GET /api/v1/market/products",
          "GET /api/v1/market/products/7",
          "GET /api/v1/market/licences/" + OWNER,
          "GET /api/v1/escrow/jobs/0x" + "ab".repeat(32),
          "GET /api/v1/reports/rounds?stream=" + STREAM + "&partition=0&interval=1",
          "GET /api/v1/ws");

  @TempDir static Path data;
  private static TestNode node;
  private static Map<String, Object> document;
  private static String sessionToken;

  /**
   * HTTP/1.1, the one protocol the node serves, so the client does not offer an upgrade to HTTP/2.
   */
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** One method of one path, with the parameters of the path and of the operation. */
  private record Operation(
      String path,
      String method,
      Map<String, Object> definition,
      List<Map<String, Object>> parameters) {
    /** The method as sent on the wire; the document spells it in lower case. */
    String verb() {
      return method.toUpperCase(Locale.ROOT);
    }

    Map<String, Object> responses() {
      return map(definition.get("responses"));
    }

    @Override
    public String toString() {
      return verb() + " " + path;
    }
  }

  @BeforeAll
  static void readDocumentAndStartNode() throws Exception {
    try (Reader reader = Files.newBufferedReader(DOCUMENT, StandardCharsets.UTF_8)) {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    }
    SessionTokens tokens =
        new SessionTokens(
            HexFormat.of().parseHex(TestNode.SESSION_SECRET),
            Duration.ofHours(1),
            Clock.systemUTC());
    sessionToken = tokens.issue(EthereumAddress.parse(OWNER));
    node = TestNode.start(data);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @Test
  void everyOperationHasAUniqueIdAndDescribedResponses() {
    assertTrue(
        String.valueOf(document.get("openapi")).startsWith("3."), "not an OpenAPI 3 document");
    assertFalse(operations().isEmpty(), "the document has no operations");
    Set<String> ids = new HashSet<>();
    for (Operation operation : operations()) {
      Object id = operation.definition().get("operationId");
      assertNotNull(id, operation + " has no operationId");
      assertTrue(ids.add(id.toString()), "operationId " + id + " is used twice");
      assertFalse(
          operation.responses() == null || operation.responses().isEmpty(),
          operation + " has no responses");
      operation
          .responses()
          .forEach(
              (status, response) -> {
                assertTrue(
                    status.matches("[1-5][0-9][0-9]|default"),
                    operation + " has response '" + status + "'");
                assertNotNull(
                    resolve(response).get("description"),
                    operation + " " + status + " has no description");
              });
    }
  }

  @Test
  void everyReferenceResolves() {
    List<String> references = new ArrayList<>();
    collectReferences(document, references);
    assertFalse(references.isEmpty());
    for (String reference : references) {
      assertNotNull(pointed(reference), "$ref " + reference + " points at nothing");
    }
  }

  /** An unquoted comma in a flow-style value splits it, leaving a key without a value. */
  @Test
  void noEntryIsLeftWithoutAValue() {
    List<String> empty = new ArrayList<>();
    collectEmptyEntries(document, "", empty);
    assertEquals(List.of(), empty, "entries without a value");
  }

  @Test
  void everyPathParameterIsDeclaredAndEveryDeclaredOneIsInThePath() {
    for (Operation operation : operations()) {
      Set<String> inTemplate = new HashSet<>();
      Matcher names = TEMPLATE_PARAMETER.matcher(operation.path());
      while (names.find()) {
        inTemplate.add(names.group(1));
      }
      Set<String> declared = new HashSet<>();
      for (Map<String, Object> parameter : operation.parameters()) {
        assertNotNull(
            parameter.get("schema"),
            operation + " parameter " + parameter.get("name") + " has no schema");
        if ("path".equals(parameter.get("in"))) {
          assertEquals(
              Boolean.TRUE,
              parameter.get("required"),
              operation + " path parameter " + parameter.get("name") + " is not required");
          declared.add((String) parameter.get("name"));
        }
      }
      assertEquals(
          inTemplate, declared, operation + ": the path's parameters and the declared ones differ");
    }
  }

  @Test
  void securityRequirementsNameDeclaredSchemes() {
    Set<String> schemes = map(map(document.get("components")).get("securitySchemes")).keySet();
    for (Operation operation : operations()) {
      List<Object> requirements = list(operation.definition().getOrDefault("security", List.of()));
      for (Object requirement : requirements) {
        assertTrue(
            schemes.containsAll(map(requirement).keySet()),
            operation + " names an undeclared security scheme");
      }
    }
  }

  @Test
  void errorCodesAreDocumentedCodesUnderTheStatusTheyAreAnsweredWith() {
    Set<String> documented = documentedErrorCodes();
    Set<String> known =
        Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());
    for (Operation operation : operations()) {
      operation
          .responses()
          .forEach(
              (status, response) ->
                  errorCodes(response)
                      .ifPresent(
                          codes -> {
                            assertFalse(
                                codes.isEmpty(), operation + " " + status + " names no error code");
                            for (String code : codes) {
                              assertTrue(
                                  documented.contains(code),
                                  operation
                                      + " "
                                      + status
                                      + ": "
                                      + code
                                      + " is not in the ErrorCode schema");
                              // a code being added elsewhere may be documented before the enum has
                              // it
                              if (known.contains(code)) {
                                assertEquals(
                                    String.valueOf(ErrorCode.valueOf(code).httpStatus()),
                                    status,
                                    operation + ": " + code + " is answered with another status");
                              }
                            }
                          }));
    }
  }

  @Test
  void everyErrorCodeIsDocumented() {
    Set<String> documented = documentedErrorCodes();
    for (ErrorCode code : ErrorCode.values()) {
      assertTrue(documented.contains(code.name()), code + " is missing from the ErrorCode schema");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyOperationReachesItsRouteAndAnswersAsDocumented() {
    return operations().stream()
        .map(
            operation ->
                DynamicTest.dynamicTest(
                    operation.toString(),
                    () -> {
                      if (isWebSocketUpgrade(operation)) {
                        assertUpgrades(concretePath(operation));
                        return;
                      }
                      String request =
                          operation.verb()
                              + " "
                              + concretePath(operation)
                              + requiredQuery(operation);
                      boolean hasBody = operation.definition().containsKey("requestBody");
                      assertAnsweredAsDocumented(operation, request, send(request, null, hasBody));
                      if (operation.definition().containsKey("security")) {
                        assertAnsweredAsDocumented(
                            operation,
                            request + " (with a session)",
                            send(request, sessionToken, hasBody));
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> everyRequestOfApiMdIsDocumentedAndServed() {
    return API_MD_REQUESTS.stream()
        .map(
            request ->
                DynamicTest.dynamicTest(
                    request,
                    () -> {
                      Operation operation = operationOf(request);
                      Set<String> declared =
                          operation.parameters().stream()
                              .filter(parameter -> "query".equals(parameter.get("in")))
                              .map(parameter -> (String) parameter.get("name"))
                              .collect(Collectors.toSet());
                      for (String name : queryNames(request)) {
                        assertTrue(
                            declared.contains(name),
                            request
                                + ": query parameter "
                                + name
                                + " is not declared in "
                                + operation);
                      }
                      assertAnsweredAsDocumented(
                          operation,
                          request,
                          send(request, null, operation.definition().containsKey("requestBody")));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> methodsAPathDoesNotDocumentAreNotServed() {
    Map<String, List<Operation>> byPath =
        operations().stream()
            .collect(
                Collectors.groupingBy(Operation::path, LinkedHashMap::new, Collectors.toList()));
    return byPath.values().stream()
        // the WebSocket route refuses a request of any method as not being an upgrade (400),
        // and only GET can upgrade, so GET is all it documents
        .filter(
            operations -> operations.stream().noneMatch(OpenApiDocumentTest::isWebSocketUpgrade))
        .map(
            operations ->
                DynamicTest.dynamicTest(
                    operations.get(0).path(),
                    () -> {
                      Set<String> documented =
                          operations.stream().map(Operation::verb).collect(Collectors.toSet());
                      String path = concretePath(operations.get(0));
                      for (String method : PROBED_METHODS) {
                        if (!documented.contains(method)) {
                          HttpResponse<String> response = send(method + " " + path, null, false);
                          assertTrue(
                              isRouteMiss(response),
                              method
                                  + " "
                                  + path
                                  + " is served ("
                                  + response.statusCode()
                                  + " "
                                  + response.body()
                                  + ") but not documented");
                        }
                      }
                    }));
  }

  private void assertAnsweredAsDocumented(
      Operation operation, String request, HttpResponse<String> response) {
    int status = response.statusCode();
    String answer = status + " " + response.body();
    assertFalse(isRouteMiss(response), request + " reached no route: " + answer);
    Object documented = operation.responses().get(String.valueOf(status));
    assertNotNull(
        documented,
        request + " answered " + answer + ", a status " + operation + " does not document");
    Map<String, Object> content = map(resolve(documented).get("content"));
    if (content != null && !response.body().isEmpty()) {
      String mediaType =
          response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
      assertTrue(
          content.containsKey(mediaType),
          request + " answered " + mediaType + ", not one of " + content.keySet());
    }
    Optional<List<String>> codes = errorCodes(documented);
    if (codes.isPresent()) {
      JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject();
      assertEquals(
          Set.of("error", "message"),
          error.keySet(),
          request + " answered an error that is not {error, message}: " + answer);
      assertTrue(
          codes.get().contains(error.get("error").getAsString()),
          request
              + " answered "
              + answer
              + "; "
              + operation
              + " "
              + status
              + " documents only "
              + codes.get());
    }
  }

  private void assertUpgrades(String path) throws Exception {
    URI uri = URI.create("ws://127.0.0.1:" + node.api().getPort() + path);
    WebSocket socket =
        HTTP.newWebSocketBuilder()
            .buildAsync(uri, new WebSocket.Listener() {})
            .get(ANSWER_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    socket
        .sendClose(WebSocket.NORMAL_CLOSURE, "")
        .get(ANSWER_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    socket.abort();
  }

  /**
   * Sends {@code "METHOD /path?query"}; an operation that takes a body gets an empty JSON object.
   */
  private HttpResponse<String> send(String request, String token, boolean withBody)
      throws Exception {
    int space = request.indexOf(' ');
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(node.api().resolve(request.substring(space + 1)))
            .timeout(ANSWER_DEADLINE);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (withBody) {
      builder
          .header("Content-Type", "application/json")
          .method(request.substring(0, space), HttpRequest.BodyPublishers.ofString("{}"));
    } else {
      builder.method(request.substring(0, space), HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The answers ApiServer gives when no route takes the request, as opposed to a route's own
   * refusals.
   */
  private static boolean isRouteMiss(HttpResponse<String> response) {
    String code = errorCodeOf(response);
    return (response.statusCode() == 404 && ErrorCode.NOT_FOUND.name().equals(code))
        || (response.statusCode() == 405 && ErrorCode.METHOD_NOT_ALLOWED.name().equals(code));
  }

  private static String errorCodeOf(HttpResponse<String> response) {
    if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      return null;
    }
    JsonElement body = JsonParser.parseString(response.body());
    if (!body.isJsonObject() || !body.getAsJsonObject().has("error")) {
      return null;
    }
    return body.getAsJsonObject().get("error").getAsString();
  }

  private static boolean isWebSocketUpgrade(Operation operation) {
    return operation.responses().containsKey("101");
  }

  /** The operation's path with each path parameter's example, percent-encoded as one segment. */
  private static String concretePath(Operation operation) {
    String path = operation.path();
    for (Map<String, Object> parameter : operation.parameters()) {
      if ("path".equals(parameter.get("in"))) {
        String value =
            URLEncoder.encode(example(operation, parameter), StandardCharsets.UTF_8)
                .replace("+", "%20");
        path = path.replace("{" + parameter.get("name") + "}", value);
      }
    }
    return path;
  }

  private static String requiredQuery(Operation operation) {
    String query =
        operation.parameters().stream()
            .filter(
                parameter ->
                    "query".equals(parameter.get("in"))
                        && Boolean.TRUE.equals(parameter.get("required")))
            .map(
                parameter ->
                    parameter.get("name")
                        + "="
                        + URLEncoder.encode(example(operation, parameter), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return query.isEmpty() ? "" : "?" + query;
  }

  private static String example(Operation operation, Map<String, Object> parameter) {
    Object example = parameter.get("example");
    assertNotNull(
        example,
        operation
            + ": give parameter "
            + parameter.get("name")
            + " an example for the probe to send");
    return String.valueOf(example);
  }

  /** The one documented operation a concrete request falls under. */
  private static Operation operationOf(String request) {
    String method = request.substring(0, request.indexOf(' ')).toLowerCase(Locale.ROOT);
    String path = request.substring(request.indexOf(' ') + 1).split("\\?", 2)[0];
    List<Operation> matching =
        operations().stream()
            .filter(
                operation -> operation.method().equals(method) && matches(operation.path(), path))
            .toList();
    if (matching.size() != 1) {
      fail(request + " is documented by " + (matching.isEmpty() ? "no operation" : matching));
    }
    return matching.get(0);
  }

  private static boolean matches(String template, String path) {
    String[] expected = template.split("/");
    String[] actual = path.split("/");
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      boolean parameter = TEMPLATE_PARAMETER.matcher(expected[i]).matches();
      if (parameter ? actual[i].isEmpty() : !expected[i].equals(actual[i])) {
        return false;
      }
    }
    return true;
  }

  private static List<String> queryNames(String request) {
    String[] pathAndQuery = request.split("\\?", 2);
    if (pathAndQuery.length < 2) {
      return List.of();
    }
    return Arrays.stream(pathAndQuery[1].split("&"))
        .map(pair -> URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8))
        .toList();
  }

  private static List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    map(document.get("paths"))
        .forEach(
            (path, item) -> {
              Map<String, Object> pathItem = map(item);
              for (String method : METHODS) {
                if (pathItem.containsKey(method)) {
                  Map<String, Object> definition = map(pathItem.get(method));
                  operations.add(
                      new Operation(
                          path,
                          method,
                          definition,
                          parameters(pathItem.get("parameters"), definition.get("parameters"))));
                }
              }
            });
    return operations;
  }

  /**
   * A path's parameters overridden by its operation's, as OpenAPI combines them: by name and
   * location.
   */
  private static List<Map<String, Object>> parameters(Object ofPath, Object ofOperation) {
    Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
    for (Object declared :
        List.of(
            ofPath == null ? List.of() : ofPath, ofOperation == null ? List.of() : ofOperation)) {
      for (Object parameter : list(declared)) {
        Map<String, Object> resolved = resolve(parameter);
        byKey.put(resolved.get("in") + " " + resolved.get("name"), resolved);
      }
    }
    return new ArrayList<>(byKey.values());
  }

  private static Set<String> documentedErrorCodes() {
    Map<String, Object> schemas = map(map(document.get("components")).get("schemas"));
    return list(map(schemas.get("ErrorCode")).get("enum")).stream()
        .map(String::valueOf)
        .collect(Collectors.toSet());
  }

  /**
   * The codes a response documents, when it is an error: its JSON schema is all of ApiError and a
   * narrowing of {@code error} to the codes of this response.
   */
  private static Optional<List<String>> errorCodes(Object response) {
    Map<String, Object> content = map(resolve(response).get("content"));
    Map<String, Object> json = content == null ? null : map(content.get("application/json"));
    Map<String, Object> schema = json == null ? null : resolve(json.get("schema"));
    if (schema == null || !schema.containsKey("allOf")) {
      return Optional.empty();
    }
    List<Object> parts = list(schema.get("allOf"));
    if (parts.stream().noneMatch(part -> API_ERROR.equals(map(part).get("$ref")))) {
      return Optional.empty();
    }
    List<String> codes = new ArrayList<>();
    for (Object part : parts) {
      if (API_ERROR.equals(map(part).get("$ref"))) {
        continue;
      }
      Map<String, Object> properties = map(resolve(part).get("properties"));
      if (properties != null && properties.containsKey("error")) {
        list(map(properties.get("error")).get("enum"))
            .forEach(code -> codes.add(String.valueOf(code)));
      }
    }
    return Optional.of(codes);
  }

  private static void collectReferences(Object node, List<String> references) {
    if (node instanceof Map<?, ?> object) {
      object.forEach(
          (key, value) -> {
            if ("$ref".equals(key)) {
              references.add(String.valueOf(value));
            } else {
              collectReferences(value, references);
            }
          });
    } else if (node instanceof List<?> array) {
      array.forEach(element -> collectReferences(element, references));
    }
  }

  private static void collectEmptyEntries(Object node, String at, List<String> empty) {
    if (node instanceof Map<?, ?> object) {
      object.forEach(
          (key, value) -> {
            if (value == null) {
              empty.add(at + "/" + key);
            }
            collectEmptyEntries(value, at + "/" + key, empty);
          });
    } else if (node instanceof List<?> array) {
      for (int i = 0; i < array.size(); i++) {
        collectEmptyEntries(array.get(i), at + "/" + i, empty);
      }
    }
  }

  /** What a local {@code $ref} (a JSON pointer into this document) points at, or null. */
  private static Object pointed(String reference) {
    if (!reference.startsWith("#/")) {
      return null;
    }
    Object target = document;
    for (String token : reference.substring(2).split("/")) {
      String key = token.replace("~1", "/").replace("~0", "~");
      if (!(target instanceof Map<?, ?> object) || !object.containsKey(key)) {
        return null;
      }
      target = object.get(key);
    }
    return target;
  }

  private static Map<String, Object> resolve(Object node) {
    Map<String, Object> object = map(node);
    while (object != null && object.containsKey("$ref")) {
      object = map(pointed((String) object.get("$ref")));
    }
    return object;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node) {
    return (List<Object>) node;
  }
}
