package dev.incidentgateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy a test controls, between the gateway and its database: {@link #pause()} stops forwarding bytes in both
 * directions while keeping every connection open (and accepting new ones that then hear nothing), as a database
 * that hangs (SIGSTOP, a stuck disk, a silent network) looks to its clients; {@link #resume()} forwards again, with
 * nothing lost. Plain sockets, one thread per direction per connection: a test tool, not a product.
 */
public final class PausableTcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean paused;
    private volatile boolean stopped;
    private volatile boolean closed;

    public PausableTcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon(this::acceptLoop, "proxy-accept").start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding (connections stay open, nothing is dropped: bytes wait in the sockets' buffers). */
    public void pause() {
        paused = true;
    }

    /**
     * As if the database were stopped: every open connection is cut and new ones are closed at once (the client
     * sees a reset or end of stream), until {@link #start()}.
     */
    public void stop() {
        stopped = true;
        sockets.forEach(PausableTcpProxy::closeQuietly);
        sockets.clear();
    }

    /** The database is back: new connections are forwarded again. */
    public void start() {
        stopped = false;
    }

    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (stopped) {
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                daemon(() -> connect(client), "proxy-connect").start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitResumed(); // a paused database does not even accept the handshake
            Socket upstream = new Socket(targetHost, targetPort);
            sockets.add(upstream);
            daemon(() -> pump(client, upstream), "proxy-up").start();
            daemon(() -> pump(upstream, client), "proxy-down").start();
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                awaitResumed(); // hold what was read until resumed: delayed, never lost
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitResumed() throws InterruptedException {
        synchronized (gate) {
            while (paused && !closed) {
                gate.wait(100);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        resume();
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(PausableTcpProxy::closeQuietly);
    }
}
