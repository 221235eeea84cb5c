package io.cairn.agent;

import io.cairn.protocol.pinning.NodeBuffer;
import io.cairn.protocol.pinning.NodeSource;
import io.cairn.protocol.pinning.ReplicaTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A hoster's replica R ({@code replica.bin}) and the kept levels of its tree ({@code tree.bin}),
 * opened to answer one challenge: every node an opening needs is read from disk, so a hoster's heap
 * does not grow with the sectors it holds.
 */
final class ReplicaFiles implements AutoCloseable {
  private final FileNodes replica;
  private final FileNodes levels;
  private final ReplicaTree tree;

  private ReplicaFiles(FileNodes replica, FileNodes levels) {
    this.replica = replica;
    this.levels = levels;
    this.tree = ReplicaTree.open(replica, levels);
  }

  static ReplicaFiles open(Path directory) {
    FileNodes replica = FileNodes.open(directory.resolve(ReplicaStore.REPLICA_FILE));
    try {
      return new ReplicaFiles(replica, FileNodes.open(directory.resolve(ReplicaStore.TREE_FILE)));
    } catch (RuntimeException failed) {
      replica.close();
      throw failed;
    }
  }

  ReplicaTree tree() {
    return tree;
  }

  @Override
  public void close() {
    replica.close();
    levels.close();
  }

  /** A file of whole nodes, read at positions (the channel's positional reads are thread-safe). */
  static final class FileNodes implements NodeSource, AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final int nodeCount;

    private FileNodes(Path file, FileChannel channel, int nodeCount) {
      this.file = file;
      this.channel = channel;
      this.nodeCount = nodeCount;
    }

    static FileNodes open(Path file) {
      try {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        long size = channel.size();
        if (size == 0 || size % NodeBuffer.NODE_BYTES != 0) {
          channel.close();
          throw new IOException(file + " is " + size + " bytes, not a whole number of nodes");
        }
        return new FileNodes(file, channel, Math.toIntExact(size / NodeBuffer.NODE_BYTES));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public int nodeCount() {
      return nodeCount;
    }

    @Override
    public void read(long position, byte[] out, int offset, int length) {
      if (position < 0 || position + length > (long) nodeCount * NodeBuffer.NODE_BYTES) {
        throw new IndexOutOfBoundsException(
            "bytes [" + position + ", " + (position + length) + ") outside " + file);
      }
      try {
        ReplicaStore.readFully(channel, ByteBuffer.wrap(out, offset, length), position);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
