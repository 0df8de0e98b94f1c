package dev.incidentgateway.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TCP ports a process listens on, from Linux's {@code /proc}: the sockets in state LISTEN ({@code 0A}) of
 * {@code /proc/<pid>/net/tcp} and {@code tcp6} whose inode is one of the process's open file descriptors
 * ({@code /proc/<pid>/fd/* -> socket:[inode]}). Skips the test where there is no {@code /proc}.
 */
public final class ListeningSockets {
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

    private ListeningSockets() {
    }

    public static Set<Integer> tcpPorts(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        assumeTrue(Files.isDirectory(proc.resolve("fd")), "needs Linux /proc");
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            Path file = proc.resolve(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file); // read once: the table changes between two reads
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    String local = f[1];
                    ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
