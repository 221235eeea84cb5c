package io.cairn.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 to a node's API, whose connections a test can cut at once, as a network
 * drops them: both sockets of every relayed connection are reset, and new connections are taken as
 * before.
 */
public final class CuttableProxy implements AutoCloseable {
  private final ServerSocket listening;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  public CuttableProxy(URI target) throws IOException {
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The node's API as seen through this relay. */
  public URI api() {
    return URI.create("http://127.0.0.1:" + listening.getLocalPort());
  }

  /** How many connections are being relayed now. */
  public int connections() {
    return open.size() / 2;
  }

  /** Resets every relayed connection. */
  public void cut() throws IOException {
    for (Socket socket : open) {
      if (!socket.isClosed()) {
        // a reset, not an orderly close: the peer learns of it only as a failed read or write
        socket.setSoLinger(true, 0);
        socket.close();
      }
    }
    open.clear();
  }

  private void accept() {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket node = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(node);
        relay(client, node);
        relay(node, client);
      } catch (IOException closedOrRefused) {
        // closed: the test is over; refused: the node is down, and the client sees its connection
        // fail as it would without the relay
      }
    }
  }

  private void relay(Socket from, Socket to) {
    Thread copier =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                  out.write(buffer, 0, read);
                }
              } catch (IOException cut) {
                // one side went: the other goes with it
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "proxy-relay");
    copier.setDaemon(true);
    copier.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException alreadyClosed) {
      // nothing left to release
    }
  }

  @Override
  public void close() throws IOException {
    listening.close();
    cut();
  }
}
