package io.cairn.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.pinning.NodeBuffer;
import io.cairn.protocol.pinning.NodeSource;
import io.cairn.protocol.pinning.ReplicaId;
import io.cairn.protocol.pinning.ReplicaTree;
import io.cairn.protocol.pinning.v1.ReplicaCommitment;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's own disk ({@code --data}): the replicas it sealed, with what it needs after a restart.
 * A replica is written whole into a scratch directory and then moved into place, so a replica
 * directory present is a seal done; a scratch directory left by a crash is removed on open.
 *
 * <pre>
 * DATA/agent                      the agent's address: one data directory belongs to one key
 * DATA/replicas/&lt;replica id hex&gt;/
 *   task.pb                       the SealTask as the cluster sent it (binary protobuf)
 *   commitment.pb                 the signed ReplicaCommitment (SignedPinningStatement)
 *   replica.bin                   R, N × 32 bytes (a hoster's)
 *   tree.bin                      the kept levels of R's tree (ReplicaTree#levels), 32 bytes a
 *                                 node, about N/8 nodes (a hoster's)
 *   blocks.bin, proofs.bin        the plain blocks, and each one's proof from length 0 without
 *                                 the block (cairn.api.v1.Proof), one after the other (a hoster's)
 *   index.bin                     per block: u64be block offset, u32be length, u64be proof offset,
 *                                 u32be length
 *   forgotten.bin                 u32be node indices zeroed on disk (test-only cheating)
 *   unlisted                      since when, and in how many task lists in a row, the node has
 *                                 not listed the replica as the agent's work (ReplicaCleanup)
 * </pre>
 *
 * <p>R and its tree stay on disk and are read per challenge ({@link ReplicaFiles}): what the store
 * holds in memory per replica is its task and commitment. Reads are thread-safe; writes come from
 * one sealing thread, deletions from the polling thread.
 */
public final class ReplicaStore {
  private static final Logger log = LoggerFactory.getLogger(ReplicaStore.class);
  private static final String REPLICAS = "replicas";
  private static final String PARTIAL = ".partial-";
  static final String REPLICA_FILE = "replica.bin";
  static final String TREE_FILE = "tree.bin";
  private static final int INDEX_ENTRY = 24;
  private static final int CHUNK = 1 << 20;

  private final Path directory;
  private final Map<ReplicaId, StoredReplica> replicas = new ConcurrentHashMap<>();

  private ReplicaStore(Path directory) {
    this.directory = directory;
  }

  /** A replica on disk: the task it was sealed for and the commitment signed over it. */
  public record StoredReplica(
      SealAssignment assignment,
      SealTask task,
      SignedPinningStatement commitment,
      byte[] commR,
      long nodeCount,
      Path directory,
      Set<Integer> forgotten) {
    public StoredReplica {
      forgotten = Set.copyOf(forgotten);
    }

    public ReplicaId replicaId() {
      return assignment.replicaId();
    }

    public byte[] commR() {
      return commR.clone();
    }

    /** Whether R is kept: a hoster's replica, sealed honestly or not. */
    public boolean hasReplica() {
      return Files.isRegularFile(directory.resolve(REPLICA_FILE));
    }

    /** Whether the plain blocks are kept, to serve readers and to seal again. */
    public boolean hasBlocks() {
      return Files.isRegularFile(directory.resolve("index.bin"));
    }
  }

  /** A stored block and its proof from length 0 without the block ({@code cairn.api.v1.Proof}). */
  public record StoredBlock(byte[] value, byte[] proof) {}

  /**
   * Opens (creating it if needed) the data directory of the agent {@code owner}: refuses one that
   * another key's agent wrote, or one it cannot read or write.
   */
  public static ReplicaStore open(Path directory, EthereumAddress owner) {
    try {
      Files.createDirectories(directory.resolve(REPLICAS));
      Path ownerFile = directory.resolve("agent");
      if (Files.exists(ownerFile)) {
        String recorded = Files.readString(ownerFile, StandardCharsets.US_ASCII).strip();
        if (!recorded.equals(owner.value())) {
          throw new IllegalArgumentException(
              "--data "
                  + directory
                  + " belongs to the agent "
                  + recorded
                  + ", not to "
                  + owner.value()
                  + ": give each key its own data directory");
        }
      } else {
        Files.writeString(ownerFile, owner.value() + "\n", StandardCharsets.US_ASCII);
      }
      if (!Files.isWritable(directory.resolve(REPLICAS))) {
        throw new AccessDeniedException(directory.resolve(REPLICAS).toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use --data " + directory + ": " + describe(e), e);
    }
    ReplicaStore store = new ReplicaStore(directory);
    store.load(true);
    return store;
  }

  /** Opens another agent's data directory to read its replicas only (test-only cheating). */
  public static ReplicaStore openReadOnly(Path directory) {
    ReplicaStore store = new ReplicaStore(directory);
    if (Files.isDirectory(directory.resolve(REPLICAS))) {
      store.load(false);
    }
    return store;
  }

  public Path directory() {
    return directory;
  }

  public Optional<StoredReplica> replica(ReplicaId id) {
    return Optional.ofNullable(replicas.get(id));
  }

  public Collection<StoredReplica> replicas() {
    return List.copyOf(replicas.values());
  }

  /**
   * Stores a replica its hoster keeps: the task, the signed commitment, R with the tree over it
   * (unless {@code tree} is null: it keeps only the blocks), the blocks and their proofs.
   */
  public StoredReplica saveHosted(
      SealTask task,
      SealAssignment assignment,
      SignedPinningStatement commitment,
      ReplicaTree tree,
      SectorFetcher.VerifiedSector sector) {
    return save(task, assignment, commitment, tree, sector);
  }

  /** Stores what a witness keeps of a replica it sealed: the task and its signed commitment. */
  public StoredReplica saveWitnessed(
      SealTask task, SealAssignment assignment, SignedPinningStatement commitment) {
    return save(task, assignment, commitment, null, null);
  }

  /**
   * Zeroes {@code nodes} of a stored replica's R on disk and records them (test-only cheating); its
   * tree on disk, built before, is left as it was.
   */
  public StoredReplica forget(ReplicaId id, Set<Integer> nodes) {
    StoredReplica stored = replicas.get(id);
    if (stored == null || !stored.hasReplica()) {
      throw new IllegalArgumentException("no replica " + id + " to forget nodes of");
    }
    Path dir = stored.directory();
    try (FileChannel channel =
        FileChannel.open(dir.resolve(REPLICA_FILE), StandardOpenOption.WRITE)) {
      ByteBuffer list = ByteBuffer.allocate(4 * nodes.size());
      for (int node : nodes.stream().sorted().toList()) {
        channel.write(
            ByteBuffer.allocate(NodeBuffer.NODE_BYTES), (long) node * NodeBuffer.NODE_BYTES);
        list.putInt(node);
      }
      channel.force(true);
      Files.write(dir.resolve("forgotten.bin"), list.array());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
    }
    StoredReplica changed =
        new StoredReplica(
            stored.assignment(),
            stored.task(),
            stored.commitment(),
            stored.commR(),
            stored.nodeCount(),
            dir,
            nodes);
    replicas.put(id, changed);
    return changed;
  }

  /** R and the tree of a replica its hoster keeps, open to answer a challenge. */
  public ReplicaFiles open(StoredReplica stored) {
    return ReplicaFiles.open(stored.directory());
  }

  /**
   * Deletes a replica's directory; a read of it under way (a challenge answered, a block served)
   * fails, which is what it should do for a replica that is no longer the agent's work.
   */
  public void delete(ReplicaId id) {
    StoredReplica stored = replicas.remove(id);
    if (stored == null) {
      return;
    }
    try {
      deleteTree(stored.directory());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete " + stored.directory() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bytes of every file under {@code DATA/replicas}: the replicas held, and any being written
   * now. A file deleted while it is counted counts nothing.
   */
  public long bytesOnDisk() {
    try (Stream<Path> walk = Files.walk(directory.resolve(REPLICAS))) {
      return walk.mapToLong(ReplicaStore::sizeIfFile).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot measure " + directory.resolve(REPLICAS) + ": " + e.getMessage(), e);
    }
  }

  private static long sizeIfFile(Path path) {
    try {
      return Files.isRegularFile(path) ? Files.size(path) : 0;
    } catch (NoSuchFileException deleted) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + path + ": " + e.getMessage(), e);
    }
  }

  /** Block {@code index} of core {@code key}, from any replica whose range holds it. */
  public Optional<StoredBlock> block(byte[] key, long index) {
    for (StoredReplica stored : replicas.values()) {
      SealAssignment a = stored.assignment();
      if (a.rangeStart() <= index
          && index < a.rangeEnd()
          && java.util.Arrays.equals(a.coreKey(), key)
          && stored.hasBlocks()) {
        return Optional.of(readBlock(stored.directory(), index - a.rangeStart()));
      }
    }
    return Optional.empty();
  }

  /** Every block of a stored replica's range, in order (to seal it again). */
  public List<byte[]> blocks(StoredReplica stored) {
    List<byte[]> blocks = new ArrayList<>(stored.assignment().blockCount());
    for (long i = 0; i < stored.assignment().blockCount(); i++) {
      blocks.add(readBlock(stored.directory(), i).value());
    }
    return blocks;
  }

  private StoredReplica save(
      SealTask task,
      SealAssignment assignment,
      SignedPinningStatement commitment,
      ReplicaTree tree,
      SectorFetcher.VerifiedSector sector) {
    String name = assignment.replicaId().toString();
    Path target = directory.resolve(REPLICAS).resolve(name);
    Path partial = directory.resolve(REPLICAS).resolve(PARTIAL + name);
    try {
      deleteTree(partial);
      Files.createDirectories(partial);
      Files.write(partial.resolve("task.pb"), task.toByteArray());
      Files.write(partial.resolve("commitment.pb"), commitment.toByteArray());
      if (tree != null) {
        writeNodes(partial.resolve(REPLICA_FILE), tree.replica());
        writeNodes(partial.resolve(TREE_FILE), tree.levels());
      }
      if (sector != null) {
        writeBlocks(partial, sector);
      }
      deleteTree(target);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
    ReplicaCommitment statement = parseCommitment(commitment, target);
    StoredReplica stored =
        new StoredReplica(
            assignment,
            task,
            commitment,
            statement.getCommR().toByteArray(),
            statement.getNodeCount(),
            target,
            Set.of());
    replicas.put(assignment.replicaId(), stored);
    return stored;
  }

  private void load(boolean tidy) {
    Path root = directory.resolve(REPLICAS);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(PARTIAL)) {
          if (tidy) {
            deleteTree(entry);
          }
          continue;
        }
        if (Files.isDirectory(entry)) {
          try {
            StoredReplica stored = read(entry);
            replicas.put(stored.replicaId(), stored);
          } catch (RuntimeException | IOException damaged) {
            // one damaged replica must not stop the agent from serving the others
            log.warn("skipping replica {}: {}", entry, damaged.getMessage());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + ": " + describe(e), e);
    }
  }

  private static StoredReplica read(Path dir) throws IOException {
    SealTask task = SealTask.parseFrom(Files.readAllBytes(dir.resolve("task.pb")));
    SealAssignment assignment = SealAssignment.of(task);
    SignedPinningStatement commitment =
        SignedPinningStatement.parseFrom(Files.readAllBytes(dir.resolve("commitment.pb")));
    ReplicaCommitment statement = parseCommitment(commitment, dir);
    byte[] commR = statement.getCommR().toByteArray();
    if (Files.isRegularFile(dir.resolve(REPLICA_FILE))) {
      if (!Files.isRegularFile(dir.resolve(TREE_FILE))) {
        writeTree(dir);
      }
      try (ReplicaFiles files = ReplicaFiles.open(dir)) {
        if (!java.util.Arrays.equals(files.tree().root(), commR)) {
          log.warn("replica {} on disk no longer hashes to the root it committed to", dir);
        }
      }
    }
    Set<Integer> forgotten = Set.of();
    Path forgottenFile = dir.resolve("forgotten.bin");
    if (Files.isRegularFile(forgottenFile)) {
      ByteBuffer list = ByteBuffer.wrap(Files.readAllBytes(forgottenFile));
      Set<Integer> nodes = new java.util.HashSet<>();
      while (list.remaining() >= 4) {
        nodes.add(list.getInt());
      }
      forgotten = nodes;
    }
    return new StoredReplica(
        assignment, task, commitment, commR, statement.getNodeCount(), dir, forgotten);
  }

  private static ReplicaCommitment parseCommitment(SignedPinningStatement signed, Path dir) {
    try {
      return ReplicaCommitment.parseFrom(signed.getStatement());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(dir + ": the stored commitment is damaged", e);
    }
  }

  /**
   * Writes the tree of a replica kept by an agent from before trees were kept on disk: built once,
   * reading R from its file, then written beside it.
   */
  private static void writeTree(Path dir) throws IOException {
    Path partial = dir.resolve(TREE_FILE + ".partial");
    Files.deleteIfExists(partial);
    try (ReplicaFiles.FileNodes replica = ReplicaFiles.FileNodes.open(dir.resolve(REPLICA_FILE))) {
      writeNodes(partial, ReplicaTree.build(replica).levels());
    }
    Files.move(partial, dir.resolve(TREE_FILE), StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeNodes(Path file, NodeSource nodes) throws IOException {
    long byteLength = (long) nodes.nodeCount() * NodeBuffer.NODE_BYTES;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] chunk = new byte[CHUNK];
      for (long position = 0; position < byteLength; ) {
        int length = (int) Math.min(chunk.length, byteLength - position);
        nodes.read(position, chunk, 0, length);
        channel.write(ByteBuffer.wrap(chunk, 0, length));
        position += length;
      }
      channel.force(true);
    }
  }

  private static void writeBlocks(Path dir, SectorFetcher.VerifiedSector sector)
      throws IOException {
    try (FileChannel blocks = create(dir.resolve("blocks.bin"));
        FileChannel proofs = create(dir.resolve("proofs.bin"));
        FileChannel index = create(dir.resolve("index.bin"))) {
      long blockOffset = 0;
      long proofOffset = 0;
      for (int i = 0; i < sector.blocks().size(); i++) {
        byte[] block = sector.blocks().get(i);
        byte[] proof = sector.proofs().get(i);
        blocks.write(ByteBuffer.wrap(block));
        proofs.write(ByteBuffer.wrap(proof));
        index.write(
            ByteBuffer.allocate(INDEX_ENTRY)
                .putLong(blockOffset)
                .putInt(block.length)
                .putLong(proofOffset)
                .putInt(proof.length)
                .flip());
        blockOffset += block.length;
        proofOffset += proof.length;
      }
      blocks.force(true);
      proofs.force(true);
      index.force(true);
    }
  }

  private static StoredBlock readBlock(Path dir, long offsetInRange) {
    try (FileChannel index = FileChannel.open(dir.resolve("index.bin"), StandardOpenOption.READ);
        FileChannel blocks = FileChannel.open(dir.resolve("blocks.bin"), StandardOpenOption.READ);
        FileChannel proofs = FileChannel.open(dir.resolve("proofs.bin"), StandardOpenOption.READ)) {
      ByteBuffer entry = ByteBuffer.allocate(INDEX_ENTRY);
      readFully(index, entry, offsetInRange * INDEX_ENTRY);
      entry.flip();
      long blockOffset = entry.getLong();
      int blockLength = entry.getInt();
      long proofOffset = entry.getLong();
      int proofLength = entry.getInt();
      ByteBuffer value = ByteBuffer.allocate(blockLength);
      readFully(blocks, value, blockOffset);
      ByteBuffer proof = ByteBuffer.allocate(proofLength);
      readFully(proofs, proof, proofOffset);
      return new StoredBlock(value.array(), proof.array());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a block from " + dir + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel create(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      int read = channel.read(into, position);
      if (read < 0) {
        throw new IOException("unexpected end of file");
      }
      position += read;
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (Files.notExists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied (" + e.getMessage() + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
