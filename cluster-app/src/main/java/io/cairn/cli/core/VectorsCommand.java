package io.cairn.cli.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.cairn.node.CairnVersion;
import io.cairn.protocol.hypercore.CoreIdentity;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.Manifest;
import io.cairn.protocol.hypercore.MerkleHasher;
import io.cairn.protocol.hypercore.MultiSignature;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.TreeNode;
import io.cairn.protocol.hypercore.TreeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes a core from a seed and a list of blocks and prints what it computed in the layout of the
 * shared {@code hypercore-vectors.json}, so its bytes can be compared with other implementations.
 */
@Command(
    name = "vectors",
    mixinStandardHelpOptions = true,
    description = {
      "Appends each block of FILE on its own to a new core signed by the key pair of --seed, and"
          + " prints one JSON document in the format of hypercore-vectors.json: seed, publicKey,"
          + " manifest, key, discoveryKey, blocks, leaves, parents, nodes, and lengths[] (length,"
          + " fork, byteLength, roots, treeHash, signable, signature, signatureRaw) for every length.",
      "FILE holds {\"blocks\": [\"hex\", ...]}; a vector file works too (only its blocks are read)."
    })
public final class VectorsCommand implements Callable<Integer> {
  private static final String FORMAT = "hypercore-test-vectors/1";
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern JSON_ERROR_POSITION = Pattern.compile("at line \\d+ column \\d+");
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  @Spec CommandSpec spec;

  @Option(
      names = "--seed",
      required = true,
      paramLabel = "HEX",
      description = "Ed25519 seed of the signing key pair: 32 bytes as 64 hex characters.")
  String seed;

  @Option(
      names = "--blocks",
      required = true,
      paramLabel = "FILE",
      description = "JSON file whose \"blocks\" array holds the blocks as hex strings.")
  Path blocksFile;

  @Option(
      names = "--compat",
      description =
          "A compat-mode (Hypercore 10) core: key = public key, no manifest, signables"
              + " without the key, raw 64-byte signatures.")
  boolean compat;

  @Override
  public Integer call() {
    byte[] seedBytes;
    List<byte[]> blocks;
    try {
      seedBytes = parseSeed(seed);
      blocks = readBlocks(blocksFile);
    } catch (InputException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cairn: " + e.getMessage());
      err.flush();
      return 1;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(GSON.toJson(vectors(CoreKeyPair.fromSeed(seedBytes), blocks)));
    out.flush();
    return 0;
  }

  private JsonObject vectors(CoreKeyPair keyPair, List<byte[]> blocks) {
    CoreWriter writer =
        compat
            ? CoreWriter.createCompat(keyPair, new InMemoryTreeStore())
            : CoreWriter.create(keyPair, new InMemoryTreeStore());
    CoreIdentity identity = writer.identity();
    MerkleHasher hasher = new MerkleHasher();
    JsonArray lengths = new JsonArray();
    for (byte[] block : blocks) {
      lengths.add(length(identity, hasher, writer.append(block)));
    }

    JsonObject vectors = new JsonObject();
    vectors.addProperty("format", FORMAT);
    JsonObject generator = new JsonObject();
    generator.addProperty("cairn", CairnVersion.current());
    vectors.add("generator", generator);
    vectors.addProperty("seed", HEX.formatHex(keyPair.seed()));
    vectors.addProperty("publicKey", HEX.formatHex(keyPair.publicKey()));
    if (!identity.isCompat()) {
      vectors.add("manifest", manifest(identity.manifest()));
    }
    vectors.addProperty("key", HEX.formatHex(identity.key()));
    vectors.addProperty("discoveryKey", HEX.formatHex(identity.discoveryKey()));
    JsonArray blockArray = new JsonArray();
    blocks.forEach(block -> blockArray.add(HEX.formatHex(block)));
    vectors.add("blocks", blockArray);
    vectors.add("leaves", leaves(writer.store(), blocks.size()));
    List<TreeNode> tree = storedNodes(writer.store(), blocks.size());
    vectors.add("parents", nodeArray(tree.stream().filter(node -> node.index() % 2 == 1).toList()));
    vectors.add("nodes", nodeArray(tree));
    vectors.add("lengths", lengths);
    return vectors;
  }

  private static JsonObject manifest(Manifest manifest) {
    JsonObject json = new JsonObject();
    json.addProperty("version", manifest.version());
    // A Manifest can only hold BLAKE2b and Ed25519 (decoding refuses the rest).
    json.addProperty("hash", "blake2b");
    json.addProperty("allowPatch", manifest.allowPatch());
    json.addProperty("quorum", manifest.quorum());
    JsonArray signers = new JsonArray();
    for (Manifest.Signer signer : manifest.signers()) {
      JsonObject entry = new JsonObject();
      entry.addProperty("signature", "ed25519");
      entry.addProperty("namespace", HEX.formatHex(signer.namespace()));
      entry.addProperty("publicKey", HEX.formatHex(signer.publicKey()));
      signers.add(entry);
    }
    json.add("signers", signers);
    json.add("prologue", JsonNull.INSTANCE);
    json.addProperty("encoded", HEX.formatHex(manifest.encode()));
    return json;
  }

  private static JsonArray leaves(TreeStore store, long length) {
    JsonArray leaves = new JsonArray();
    for (long block = 0; block < length; block++) {
      JsonObject leaf = new JsonObject();
      leaf.addProperty("block", block);
      addNodeFields(leaf, store.get(2 * block));
      leaves.add(leaf);
    }
    return leaves;
  }

  /** Every node of the tree of {@code length} blocks, by flat index: all lie below {@code 2L}. */
  private static List<TreeNode> storedNodes(TreeStore store, long length) {
    List<TreeNode> nodes = new ArrayList<>();
    for (long index = 0; index < 2 * length; index++) {
      TreeNode node = store.get(index);
      if (node != null) {
        nodes.add(node);
      }
    }
    return nodes;
  }

  private static JsonArray nodeArray(List<TreeNode> nodes) {
    JsonArray array = new JsonArray();
    nodes.forEach(node -> array.add(node(node)));
    return array;
  }

  private static JsonObject length(CoreIdentity identity, MerkleHasher hasher, TreeHead head) {
    byte[] treeHash = hasher.treeHash(head.roots());
    byte[] signable = identity.signable(treeHash, head.length(), head.fork());
    byte[] signature = head.signature();
    // The writer builds its signable elsewhere; verifying here proves the printed one was signed.
    if (identity.verify(signable, signature) != null) {
      throw new IllegalStateException(
          "the signature of length " + head.length() + " does not verify over its signable");
    }
    byte[] signatureRaw =
        identity.isCompat()
            ? signature
            : MultiSignature.decode(signature).proofs().get(0).signature();

    JsonObject json = new JsonObject();
    json.addProperty("length", head.length());
    json.addProperty("fork", head.fork());
    json.addProperty("byteLength", head.byteLength());
    json.add("roots", nodeArray(head.roots()));
    json.addProperty("treeHash", HEX.formatHex(treeHash));
    json.addProperty("signable", HEX.formatHex(signable));
    json.addProperty("signature", HEX.formatHex(signature));
    json.addProperty("signatureRaw", HEX.formatHex(signatureRaw));
    return json;
  }

  private static JsonObject node(TreeNode node) {
    JsonObject json = new JsonObject();
    addNodeFields(json, node);
    return json;
  }

  private static void addNodeFields(JsonObject json, TreeNode node) {
    json.addProperty("index", node.index());
    json.addProperty("size", node.size());
    json.addProperty("hash", HEX.formatHex(node.hash()));
  }

  /** A malformed seed is a usage mistake (exit 2), unlike a file that cannot be read (1). */
  private static byte[] parseSeed(String seed) {
    if (seed.length() != 64 || !isHex(seed)) {
      throw new IllegalArgumentException("--seed must be 32 bytes written as 64 hex characters");
    }
    return HEX.parseHex(seed);
  }

  private static List<byte[]> readBlocks(Path file) throws InputException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException("no such file: " + file);
    } catch (CharacterCodingException e) {
      throw new InputException(file + " is not JSON: it is not UTF-8 text");
    } catch (IOException e) {
      throw new InputException("cannot read " + file + ": " + e.getMessage());
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      // Gson's messages advise on its own API; only the position means something to the user.
      Matcher position = JSON_ERROR_POSITION.matcher(String.valueOf(e.getMessage()));
      throw new InputException(
          file + " is not JSON" + (position.find() ? " (" + position.group() + ")" : ""));
    }
    if (!root.isJsonObject()
        || !root.getAsJsonObject().has("blocks")
        || !root.getAsJsonObject().get("blocks").isJsonArray()) {
      throw new InputException(file + " has no \"blocks\" array");
    }
    JsonArray array = root.getAsJsonObject().getAsJsonArray("blocks");
    List<byte[]> blocks = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonElement element = array.get(i);
      if (!element.isJsonPrimitive()
          || !element.getAsJsonPrimitive().isString()
          || element.getAsString().length() % 2 != 0
          || !isHex(element.getAsString())) {
        throw new InputException(file + ": blocks[" + i + "] is not a hex string");
      }
      blocks.add(HEX.parseHex(element.getAsString()));
    }
    return blocks;
  }

  private static boolean isHex(String text) {
    return text.chars().allMatch(HexFormat::isHexDigit);
  }

  /** Input the user can fix: reported as one line, exit code 1. */
  private static final class InputException extends Exception {
    InputException(String message) {
      super(message);
    }
  }
}
